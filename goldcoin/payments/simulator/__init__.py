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

    Simulator(accounts, [SimulatorIntegration(client_id, client_secret)])

also speaks CoinPayments' current platform (API v2) under /api: signed JSON
invoices and a checkout at /v2/checkout/<invoice id>, driven by tests through
`simulator.v2` (`pay_in_full`, `underpay`, `time_out`, `cancel`,
`replay_out_of_order`, `send_event`); webhooks are JSON signed with the
integration's secret over the URL they are posted to.
"""
from .server import Simulator, SimulatorAccount, Tx, serve
from .v2 import Invoice, SimulatorIntegration

__all__ = ["Invoice", "Simulator", "SimulatorAccount", "SimulatorIntegration", "Tx", "serve"]
