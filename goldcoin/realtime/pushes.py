"""After-commit subscribers that push to browsers."""
from goldcoin.aftercommit import subscribe
from goldcoin.extensions import socketio

from . import room_of


@subscribe("transfer_posted")
def push_balance(payload):
    for wallet in payload["wallets"]:
        socketio.emit(
            "balance",
            {
                "balance": wallet["balance"],
                "delta": wallet["delta"],
                "kind": payload["kind"],
                "memo": payload["memo"],
            },
            to=room_of(wallet["user_id"]),
        )


@subscribe("order_status_changed")
@subscribe("order_progress")
def push_payment(payload):
    socketio.emit(
        "payment",
        {"order_id": payload["order_id"], "status": payload["status"], "coins": payload["coins"]},
        to=room_of(payload["user_id"]),
    )


@subscribe("notification_created")
def push_notification(payload):
    socketio.emit(
        "notification",
        {"id": payload["id"], "text": payload["text"], "url": payload.get("url")},
        to=room_of(payload["user_id"]),
    )
