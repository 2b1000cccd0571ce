"""Which currencies new orders may be paid in, and the ids providers give them.

A provider that names currencies by ids of its own (CoinPayments v2:
`has_currency_list`) has them cached in `payment_currencies`, one row per
(provider, our name): written from its currency list by `store_listing` (the
`refresh-currencies` command, the admin's "Refresh from CoinPayments"), and by
an order whose provider had to look one up itself (`remember`). The ids are
handed to the provider with each payment request (`codes_for`), so it needs
no list call per order and no database. Admins switch rows off and on: a
switched-off currency is not offered for that provider's new orders.

Functions flush and never commit; none calls a provider.
"""
from sqlalchemy import select

from goldcoin.ledger.models import utcnow

from .models import PaymentCurrency
from .providers import ProviderCurrency
from .settings import pay_currencies


def wanted_tickers(config):
    """Every currency the shop names to its provider: the price currency, then
    the pay currencies the recharge page may offer."""
    tickers = [config["RECHARGE_PRICE_CURRENCY"]] + pay_currencies(config)
    return list(dict.fromkeys(t.upper() for t in tickers))


def offered_currencies(session, config):
    """The pay currencies of the recharge page (first = default), without those
    an admin switched off for the provider of new orders."""
    disabled = set(session.scalars(
        select(PaymentCurrency.ticker).where(
            PaymentCurrency.provider == config["RECHARGE_PROVIDER"], PaymentCurrency.enabled.is_(False))
    ))
    return [t for t in pay_currencies(config) if t.upper() not in disabled]


def codes_for(session, provider, tickers):
    """{our name: the provider's id} of those cached (switched off or not: an
    order already made in one still settles)."""
    wanted = [t.upper() for t in tickers]
    rows = session.execute(
        select(PaymentCurrency.ticker, PaymentCurrency.code).where(
            PaymentCurrency.provider == provider, PaymentCurrency.ticker.in_(wanted), PaymentCurrency.code.is_not(None))
    ).all()
    found = {row.ticker: row.code for row in rows}
    return {t: found[t.upper()] for t in tickers if t.upper() in found}


def remember(session, provider, currencies, source="list", now=None):
    """Cache `ProviderCurrency` values (ticker = our name): the id, name and kind
    change with the provider's word; whether admins offer it does not."""
    now = now or utcnow()
    rows = {r.ticker: r for r in session.scalars(select(PaymentCurrency).where(PaymentCurrency.provider == provider))}
    for currency in currencies:
        ticker = currency.ticker.upper()[:20]
        row = rows.get(ticker)
        if row is None:
            row = rows[ticker] = PaymentCurrency(provider=provider, ticker=ticker, enabled=True)
            session.add(row)
        row.code = currency.code[:128] if currency.code else None
        row.name = (currency.name or "")[:100] or None
        row.kind = (currency.kind or "")[:20] or None
        row.source, row.refreshed_at = source, now
    session.flush()


def store_listing(session, provider, listing, config, now=None):
    """Cache, from a provider's whole currency list (`ProviderCurrency`, ticker
    = its symbol), the ids of the currencies the shop names. A currency the
    list lacks gets a row without an id, so that admins see it. Returns the
    tickers it lacks."""
    by_symbol = {}
    for item in listing:
        by_symbol.setdefault(item.ticker.upper(), item)  # the list's first (best ranked) of a symbol
    found, missing = [], []
    for ticker in wanted_tickers(config):
        item = by_symbol.get(ticker)
        if item is None:
            missing.append(ticker)
            found.append(ProviderCurrency(ticker, None, "not in the provider's currency list"))
        else:
            found.append(ProviderCurrency(ticker, item.code, item.name, item.kind))
    remember(session, provider, found, now=now)
    return missing
