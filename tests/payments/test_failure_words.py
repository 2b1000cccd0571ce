"""What a member reads when an order ends unpaid is worded from the status
code, in their language: the provider's English state name ("Cancelled /
Timed Out") stays in the admin's view of the order."""
import pytest
from flask_babel import force_locale

from goldcoin.payments.models import RechargeOrder
from goldcoin.payments.orders import failure_text


def ended(code, text):
    return RechargeOrder(status="failed", txn_id="CPTEST", provider_status=code, provider_status_text=text,
                         failure_reason=text)


@pytest.mark.parametrize("code, text, english, chinese", [
    (-1, "Cancelled / Timed Out", "cancelled or timed out before it was paid in full", "已取消或超时"),
    (-2, "PayPal Refund or Reversal", "refunded or reversed", "已退款或被撤销"),
    (-7, "Something new", "The payment service ended this payment.", "支付服务已结束这笔付款"),
])
def test_a_failed_order_is_worded_from_its_status_code(app, code, text, english, chinese):
    with app.test_request_context():
        with force_locale("en"):
            said = str(failure_text(ended(code, text)))
            assert english in said and text not in said
        with force_locale("zh_CN"):
            said = str(failure_text(ended(code, text)))
            assert chinese in said and text not in said and "Cancelled" not in said
