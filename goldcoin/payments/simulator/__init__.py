"""A local CoinPayments: the legacy api.php and its IPNs, exactly as
COINPAYMENTS.md describes them, for tests and the demo.

    simulator = Simulator([SimulatorAccount(public, private, merchant, ipn_secret)])

is a WSGI app: POST /api.php (HMAC-checked; create_transaction, get_tx_info,
get_tx_info_multi, rates), GET /checkout/<txn_id> (a payment page with
buttons), POST /checkout/<txn_id>/<action>. Tests drive it directly too:
`pay_in_full(txn_id)`, `underpay`, `time_out`, `replay_out_of_order`,
`send_status` (late/duplicate/forged IPNs). IPNs are form-encoded, signed over
the exact bytes sent, all values strings, a fresh ipn_id per status change,
user agent "CoinPayments.net IPN Generator". Transactions live in memory,
behind a lock. Never reachable in production (config refuses it).
"""
from .server import Simulator, SimulatorAccount, Tx, serve

__all__ = ["Simulator", "SimulatorAccount", "Tx", "serve"]
