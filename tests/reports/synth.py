"""MT4 Strategy Tester reports made here, in the layout MetaTrader 4 writes
(including its unclosed row inside a cell), with any language's labels and
our own invented trades. No licensed real MT4 tester report was found, so
these carry the languages and code pages; their figures are computed from
the trades exactly as the terminal does, so every check passes on them.
"""
from decimal import ROUND_HALF_UP, Decimal

# Labels per language, as the terminal prints them (fr and ru as seen in
# real reports, ja as published by a parser's label list; "xx" is invented
# to stand for a language the reader has never heard of).
LANGS = {
    "en": ["Symbol", "Period", "Model", "Bars in test", "Initial deposit", "Total net profit", "Gross profit",
           "Gross loss", "Profit factor", "Expected payoff", "Absolute drawdown", "Maximal drawdown",
           "Relative drawdown", "Total trades", "Short positions (won %)", "Long positions (won %)",
           "Profit trades (% of total)", "Loss trades (% of total)", "4 Hours", "Every tick"],
    "fr": ["Symbole", "Période ", "Modele ", "Barres en test", "Dépot initial", "Profit total net", "Profit brut",
           "Perte brute", "Facteur de profit", "Rémunération espérée", "Chute absolue", "Chute maximale",
           "Enfoncement relatif", "Total des Trades", "Positions SHORT (vente) gagnées %",
           "Positions LONG (achat) gagnées %", "Profits des Trades (% du total) ", "Pertes des Trades (% du total) ",
           "4 Heures", "Chaque tick"],
    "ru": ["Символ", "Период", "Модель", "Баров в истории", "Начальный депозит", "Чистая прибыль", "Общая прибыль",
           "Общий убыток", "Прибыльность", "Матожидание выигрыша", "Абсолютная просадка", "Максимальная просадка",
           "Относительная просадка", "Всего сделок", "Короткие позиции (% выигравших)",
           "Длинные позиции (% выигравших)", "Прибыльные сделки (% от всех)", "Убыточные сделки (% от всех)",
           "4 Часа", "Все тики"],
    "ja": ["通貨ペア", "期間", "モデル", "テストバー数", "初期証拠金", "総損益", "総利益", "総損失",
           "プロフィットファクター", "期待利得", "絶対ドローダウン", "最大ドローダウン", "相対ドローダウン", "総取引数",
           "ショートポジション(勝率%）", "ロングポジション(勝率%）", "勝率(%)", "負率 (%)", "4時間足", "全ティック"],
    "xx": ["Qwem", "Rtyu", "Iopa", "Sdfg", "Hjkl", "Zxcv bnm", "Poiu", "Ytre", "Wqas", "Dfgh", "Jklz", "Xcvb",
           "Nmqw", "Erty", "Uiop", "Asdf", "Ghjk", "Lzxc", "Vbnm", "Qazw"],
}

TRADES = [  # (open, close, type, lots, open price, close price, profit)
    ("2021.03.01 10:00", "2021.03.01 15:30", "buy", "0.10", "1.20500", "1.20800", "30.00"),
    ("2021.03.02 09:00", "2021.03.02 11:00", "sell", "0.20", "1.20900", "1.21100", "-40.00"),
    ("2021.03.03 08:15", "2021.03.04 12:45", "buy", "0.10", "1.19800", "1.20550", "75.00"),
    ("2021.03.05 13:00", "2021.03.05 13:40", "sell", "0.30", "1.19500", "1.19620", "-36.00"),
    ("2021.03.08 07:00", "2021.03.09 16:00", "buy", "0.10", "1.18900", "1.19230", "33.00"),
]


def figures(trades=TRADES, deposit="10000.00"):
    balance, peak, max_dd, max_dd_pct = Decimal(deposit), Decimal(deposit), Decimal(0), Decimal(0)
    for *_, profit in trades:
        balance += Decimal(profit)
        peak = max(peak, balance)
        if peak - balance > max_dd:
            max_dd, max_dd_pct = peak - balance, (peak - balance) / peak * 100
    profits = [Decimal(t[-1]) for t in trades]
    gp, gl = sum(p for p in profits if p > 0), sum(p for p in profits if p < 0)
    cent = Decimal("0.01")
    return {
        "deposit": Decimal(deposit), "net": gp + gl, "gp": gp, "gl": gl,
        "pf": (gp / -gl).quantize(cent, ROUND_HALF_UP), "ep": ((gp + gl) / len(trades)).quantize(cent, ROUND_HALF_UP),
        "dd": max_dd.quantize(cent), "dd_pct": max_dd_pct.quantize(cent, ROUND_HALF_UP), "total": len(trades),
        "wins": sum(1 for p in profits if p > 0), "final": balance,
    }


def mt4_tester(lang="en", trades=TRADES, deposit="10000.00", net=None, balances=None):
    """An MT4 tester report as text; ``net`` and ``balances`` override figures to make edited ones."""
    L = LANGS[lang]
    f = figures(trades, deposit)
    net = f["net"] if net is None else Decimal(net)
    win_pct = (Decimal(f["wins"]) / f["total"] * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    rows = []
    balance = f["deposit"]
    for n, (opened, closed, kind, lots, op, cp, profit) in enumerate(trades, start=1):
        balance += Decimal(profit)
        shown = balances[n - 1] if balances else f"{balance:.2f}"
        rows.append(f'<tr align=right><td>{2 * n - 1}</td><td class=msdate>{opened}</td><td>{kind}</td><td>{n}</td>'
                    f'<td class=mspt>{lots}</td><td>{op}</td><td>0.00000</td><td>0.00000</td><td colspan=2></td></tr>')
        rows.append(f'<tr bgcolor="#E0E0E0" align=right><td>{2 * n}</td><td class=msdate>{closed}</td><td>close</td>'
                    f'<td>{n}</td><td class=mspt>{lots}</td><td>{cp}</td><td>0.00000</td><td>0.00000</td>'
                    f'<td class=mspt>{profit}</td><td class=mspt>{shown}</td></tr>')
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head><title>Strategy Tester: Synth EA</title>
<meta name="generator" content="MetaQuotes Software Corp."><meta name="version" content="Build 1420"></head>
<body topmargin=1 marginheight=1><div align=center>
<div style="font: 20pt Times New Roman"><b>Strategy Tester Report</b></div>
<table width=820 cellspacing=1 cellpadding=3 border=0>
<tr align=left><td colspan=2>{L[0]}</td><td colspan=4>EURUSD (Euro vs US Dollar)</td></tr>
<tr align=left><td colspan=2>{L[1]}</td><td colspan=4>{L[18]} (H4)  2021.03.01 00:00 - 2021.03.12 20:00    (2021.03.01 - 2021.03.13)</td></tr>
<tr align=left><td colspan=2>{L[2]}</td><td colspan=4>{L[19]}</td></tr>
<tr align=left><td colspan=2><tr align=left><td>{L[3]}</td><td align=right>66</td><td>x</td><td align=right>112233</td><td>y</td><td align=right>90.00%</td></tr>
<tr height=8><td colspan=6></td></tr>
<tr align=left><td>{L[4]}</td><td align=right>{f['deposit']}</td><td></td><td align=right></td><td>s</td><td align=right>15</td></tr>
<tr align=left><td>{L[5]}</td><td align=right>{net}</td><td>{L[6]}</td><td align=right>{f['gp']}</td><td>{L[7]}</td><td align=right>{f['gl']}</td></tr>
<tr align=left><td>{L[8]}</td><td align=right>{f['pf']}</td><td>{L[9]}</td><td align=right>{f['ep']}</td><td></td><td align=right></td></tr>
<tr align=left><td>{L[10]}</td><td align=right>0.00</td><td>{L[11]}</td><td align=right>{f['dd']} ({f['dd_pct']}%)</td><td>{L[12]}</td><td align=right>{f['dd_pct']}% ({f['dd']})</td></tr>
<tr height=8><td colspan=6></td></tr>
<tr align=left><td>{L[13]}</td><td align=right>{f['total']}</td><td>{L[14]}</td><td align=right>2 (0.00%)</td><td>{L[15]}</td><td align=right>3 (100.00%)</td></tr>
<tr align=left><td colspan=2 align=right></td><td>{L[16]}</td><td align=right>{f['wins']} ({win_pct}%)</td><td>{L[17]}</td><td align=right>{f['total'] - f['wins']} ({100 - win_pct}%)</td></tr>
</table>
<img src="StrategyTester.gif" width=820 height=200 border=0 alt="Graph"><br>
<table width=820 cellspacing=1 cellpadding=3 border=0>
<tr bgcolor="#C0C0C0" align=right><td>#</td><td>t</td><td>k</td><td>o</td><td>v</td><td>p</td><td>S / L</td><td>T / P</td><td>a</td><td>b</td></tr>
{chr(10).join(rows)}
</table></div></body></html>
"""
