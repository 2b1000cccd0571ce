"""What the simulator's coins are worth and what their addresses look like
(both platforms). Fixed demo rates, never real prices."""
import secrets
from decimal import Decimal

# In BTC per unit (the shape of legacy `rates`): (name, rate, is fiat, confirmations).
RATES = {
    "BTC": ("Bitcoin", Decimal("1"), False, 2),
    "LTC": ("Litecoin", Decimal("0.0011"), False, 3),
    "LTCT": ("Litecoin Testnet", Decimal("0.0011"), False, 3),
    "USDT.TRC20": ("Tether USD (Tron/TRC20)", Decimal("0.0000105"), False, 3),
    "USDT.ERC20": ("Tether USD (ERC20)", Decimal("0.0000105"), False, 3),
    "USD": ("United States Dollar", Decimal("0.0000105"), True, 0),
    "CNY": ("Chinese Yuan", Decimal("0.00000146"), True, 0),
    "EUR": ("Euro", Decimal("0.0000114"), True, 0),
}
TIMEOUT = 3 * 3600
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def address(currency):
    rand = lambda n, alphabet=_B58: "".join(secrets.choice(alphabet) for _ in range(n))  # noqa: E731
    if currency.endswith("ERC20"):
        return "0x" + secrets.token_hex(20)
    if currency.endswith("TRC20"):
        return "T" + rand(33)
    if currency == "BTC":
        return "bc1q" + rand(38, "023456789acdefghjklmnpqrstuvwxyz")
    if currency == "LTCT":
        return "m" + rand(33)
    return "L" + rand(33)
