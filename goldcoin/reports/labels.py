"""The words MetaTrader prints, in the languages members' terminals use.

This is data, kept in one place so a new language is one edit. The reader
never depends on these alone: every figure also has a structural rule (see
``summary.py``), so a report in a language missing here still reads. Labels
are matched after ``normalize_label`` (case-folded, spaces collapsed, the
trailing colon dropped).

Provenance of each language: "seen" means read in a real report (see
tests/data/mt-reports/PROVENANCE.md and tests/reports/test_facts.py);
"published" means taken from a public parser's label list; the rest are the
terminal's usual wording, not yet confirmed by a real file, and only ever
a shortcut in front of the structural rules.
"""
import unicodedata

# Keys of the summary figures the reader needs. MT4 and MT5 are kept apart
# because the same word means different things in them (Russian MT4 "Всего
# сделок" is total trades, in MT5 it is total deals).
MT4 = {
    "symbol": [
        "symbol", "symbole", "символ", "通貨ペア", "交易品种", "símbolo", "simbolo",
    ],
    "period": [
        "period", "période", "periode", "период", "期間", "周期", "zeitraum", "período", "periodo",
    ],
    "initial_deposit": [
        "initial deposit",  # en, seen
        "dépot initial", "dépôt initial",  # fr, seen (cp1252)
        "начальный депозит",  # ru, seen (cp1251)
        "初期証拠金",  # ja, published
        "初始资金", "初始存款",  # zh
        "anfangseinlage", "ersteinlage",  # de
        "depósito inicial",  # es, pt
        "deposito iniziale",  # it
    ],
    "net_profit": [
        "total net profit", "profit total net", "чистая прибыль", "総損益", "総順損益",
        "总净盈利", "净盈利总额", "gesamtnettogewinn", "beneficio neto total", "lucro líquido total",
        "profitto netto totale",
    ],
    "gross_profit": [
        "gross profit", "profit brut", "общая прибыль", "総利益", "总获利", "毛利", "bruttogewinn",
        "beneficio bruto", "lucro bruto", "profitto lordo",
    ],
    "gross_loss": [
        "gross loss", "perte brute", "общий убыток", "総損失", "总亏损", "毛损", "bruttoverlust",
        "pérdidas brutas", "pérdida bruta", "prejuízo bruto", "perdita lorda",
    ],
    "profit_factor": [
        "profit factor", "facteur de profit", "прибыльность", "プロフィットファクター", "盈利因子",
        "获利因子", "profitfaktor", "factor de beneficio", "fator de lucro", "fattore di profitto",
    ],
    "expected_payoff": [
        "expected payoff", "rémunération espérée", "матожидание выигрыша", "期待利得", "预期收益",
        "预期获利", "erwartetes ergebnis", "beneficio esperado", "retorno esperado", "profitto atteso",
    ],
    "max_drawdown": [
        "maximal drawdown", "chute maximale", "максимальная просадка", "最大ドローダウン", "最大亏损",
        "最大回撤", "maximaler rückgang", "reducción máxima", "rebaixamento máximo", "drawdown massimo",
    ],
    "total_trades": [
        "total trades", "total des trades", "всего сделок", "総取引数", "交易总数", "总交易",
        "trades insgesamt", "gesamtanzahl trades", "total de transacciones", "total de negociações",
        "operazioni totali",
    ],
    "profit_trades": [
        "profit trades (% of total)", "profits des trades (% du total)", "прибыльные сделки (% от всех)",
        "勝率(%)", "盈利交易 (% of total)", "gewinntrades (% von gesamt)",
        "transacciones con ganancia (% del total)",
    ],
    # Statements only.
    "deposit_withdrawal": ["deposit/withdrawal", "入出金", "депозит/снятие", "dépôt/retrait", "存款/取款"],
    "closed_pl": ["closed trade p/l", "期間中損益総計", "закрытые сделки p/l", "résultat des trades fermés"],
    "balance": ["balance", "資産合計（残高）", "残高", "баланс", "solde", "余额", "kontostand"],
    "currency": ["currency", "基準通貨", "валюта", "devise", "货币", "währung", "divisa", "moneda"],
}

MT5 = {
    "symbol": ["symbol", "символ", "символ", "交易品种", "銘柄", "symbole", "símbolo", "simbolo"],
    "period": ["period", "период", "период", "周期", "期間", "période", "zeitraum", "período", "periodo"],
    "currency": ["currency", "валюта", "валута", "货币", "通貨", "devise", "währung", "divisa", "moeda"],
    "initial_deposit": [
        "initial deposit", "начальный депозит", "начален депозит", "初始资金", "初期証拠金",
        "dépôt initial", "anfangseinlage", "depósito inicial", "deposito iniziale",
    ],
    "net_profit": [
        "total net profit",  # en, seen
        "обща нетна печалба",  # bg, seen
        "чистая прибыль", "总净盈利", "純利益", "bénéfice net total", "gesamtnettogewinn",
        "beneficio neto total", "lucro líquido total", "profitto netto totale",
    ],
    "gross_profit": [
        "gross profit", "брутна печалба", "общая прибыль", "毛利", "総利益", "bénéfice brut",
        "bruttogewinn", "beneficio bruto", "lucro bruto", "profitto lordo",
    ],
    "gross_loss": [
        "gross loss", "брутна загуба", "общий убыток", "毛损", "総損失", "perte brute",
        "bruttoverlust", "pérdidas brutas", "prejuízo bruto", "perdita lorda",
    ],
    "profit_factor": [
        "profit factor", "коефициент на печалба", "прибыльность", "盈利因子", "プロフィットファクター",
        "facteur de profit", "profitfaktor", "factor de beneficio", "fator de lucro", "fattore di profitto",
    ],
    "expected_payoff": [
        "expected payoff", "очаквана печалба", "матожидание выигрыша", "预期收益", "期待利得",
        "gain espéré", "erwartetes ergebnis", "beneficio esperado", "retorno esperado", "profitto atteso",
    ],
    "balance_dd_max": [
        "balance drawdown maximal", "максимален спад на баланса", "максимальная просадка по балансу",
        "最大余额亏损", "残高最大ドローダウン", "drawdown maximal du solde", "maximaler kontostand-rückgang",
        "reducción máxima del balance",
    ],
    "equity_dd_max": [
        "equity drawdown maximal", "максимален спад на средствата", "максимальная просадка по средствам",
        "最大净值亏损", "有効証拠金最大ドローダウン", "drawdown maximal des fonds",
        "maximaler equity-rückgang", "reducción máxima de la equidad",
    ],
    "total_trades": [
        "total trades", "общо сделки", "всего трейдов", "交易总计", "取引数合計", "total des trades",
        "trades insgesamt", "total de operaciones", "total de negociações",
    ],
    "profit_trades": [
        "profit trades (% of total)", "печалба от сделки (% от общо)", "прибыльные трейды (% от всех)",
        "盈利交易 (% of total)", "勝ちトレード (%)", "trades gagnants (% du total)",
        "gewinntrades (% von gesamt)", "operaciones rentables (% del total)",
    ],
}

# What MT5's tester writes for "Currency" when it reports profit in pips
# instead of money. Any currency value that is not an ISO-like code is also
# read as pips (see summary.py), so this list only has to cover the words.
PIPS_WORDS = ["profit in pips", "прибыль в пунктах", "печалба в пипсове", "点数盈利", "pips", "пункт"]

# MT5 deal types that move money into or out of the account rather than
# being the result of trading. Types and directions are written in English
# in every terminal language (seen in the Bulgarian report).
MT5_FUNDING_TYPES = {"balance", "credit", "charge", "correction", "bonus"}
MT5_EXIT_DIRECTIONS = {"out", "inout", "out by"}
MT5_DIRECTIONS = {"in", "out", "inout", "out by", ""}

# MT4 tester rows that close (part of) a trade and so carry profit and balance.
MT4_TESTER_TYPES = {
    "buy", "sell", "buy limit", "sell limit", "buy stop", "sell stop", "modify", "delete",
    "close", "s/l", "t/p", "close at stop", "swap close", "swap open", "so",
}

# Timeframes as MetaTrader names them, used to find the period language-free.
TIMEFRAMES = [
    "M1", "M2", "M3", "M4", "M5", "M6", "M10", "M12", "M15", "M20", "M30",
    "H1", "H2", "H3", "H4", "H6", "H8", "H12", "D1", "W1", "MN1", "MN",
]


def normalize_label(text):
    """Fold a label cell's text so labels compare across cosmetic variants."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = " ".join(text.split())
    return text.rstrip(":：").strip()


def _index(table):
    return {key: {normalize_label(w) for w in words} for key, words in table.items()}


MT4_INDEX = _index(MT4)
MT5_INDEX = _index(MT5)


def label_key(text, family):
    """The figure key a label names in "mt4" or "mt5" reports, or None."""
    norm = normalize_label(text)
    if not norm:
        return None
    for key, words in (MT4_INDEX if family == "mt4" else MT5_INDEX).items():
        if norm in words:
            return key
    return None


def all_label_words():
    """Every label in every language: decoding uses them to pick a code page."""
    words = set()
    for table in (MT4, MT5):
        for values in table.values():
            words.update(w.casefold() for w in values if any(ord(ch) > 127 for ch in w))
    return sorted(words)
