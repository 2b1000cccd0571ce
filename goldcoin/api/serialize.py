"""JSON shapes of API.md, in one place."""
from goldcoin.members import member_summary


def member_json(user):
    return member_summary(user)


def transfer_json(transfer):
    return {
        "id": transfer.id,
        "from_account_id": transfer.from_account_id,
        "to_account_id": transfer.to_account_id,
        "amount": transfer.amount,
        "kind": transfer.kind,
        "memo": transfer.memo,
        "reference": transfer.reference,
        "reverses_id": transfer.reverses_id,
        "created_at": transfer.created_at.isoformat(),
    }


def history_item_json(transfer, signed):
    return {
        "id": transfer.id,
        "amount": int(signed),
        "kind": transfer.kind,
        "memo": transfer.memo,
        "created_at": transfer.created_at.isoformat(),
    }
