"""In Chromium: a member switches the site to 中文 in the header, recharges
through the simulator's checkout, redeems a reward, and reads the checkout,
the live updates, the confirmation, the redeem message, the notification and
the email in Chinese. Screenshots go to GOLDCOIN_SCREENSHOT_DIR (else the
test's temporary folder) for a person to look at the CJK rendering."""
import email
import email.policy
import os
from email.header import decode_header, make_header

import pytest
from flask_babel import force_locale
from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from goldcoin.store.service import seed_rewards
from tests.support.browser import chromium_page, log_in
from tests.support.server import running_server


@pytest.fixture
def demo_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()  # the migration seeds the brief's packages
        register_member(db.session, "lin", "lin@example.com", "lin-pass-1234")
        with force_locale("zh_CN"):  # the store's catalogue as a Chinese forum seeds it
            seed_rewards(db.session)
        db.session.commit()
        db.engine.dispose()
    return url


def test_a_member_switches_to_chinese_recharges_and_redeems(demo_database, mailbox, tmp_path):
    from playwright.sync_api import expect

    shots = os.environ.get("GOLDCOIN_SCREENSHOT_DIR") or str(tmp_path)
    env = {
        "DATABASE_URL": demo_database,
        "GOLDCOIN_PAYMENT_SIMULATOR": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mailbox.port),
        "GOLDCOIN_DEFAULT_TIMEZONE": "Asia/Shanghai",
    }
    with running_server(env, async_mode="gevent") as base, chromium_page() as page:
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto(base + "/login?next=/recharge")
        log_in(page, "lin", "lin-pass-1234")
        expect(page.locator("#recharge-page h2")).to_have_text("Recharge Gold Coins")

        # The header's switcher: 中文, saved on the member.
        page.click(".lang-switch button[value=zh_CN]")
        expect(page.locator("#recharge-page h2")).to_have_text("充值金币")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        expect(page.locator(".site-header nav")).to_contain_text("排行榜")
        expect(page.locator("button.package[data-coins='200']")).to_have_text("200 金币 - 200 元")
        page.screenshot(path=os.path.join(shots, "zh-recharge.png"), full_page=True)

        page.check("input[name=payment-method][value='USDT.TRC20']")
        page.click("button.package[data-coins='200']")
        expect(page.locator("#checkout-page")).to_be_visible(timeout=20_000)
        expect(page.locator("#checkout-page h2")).to_contain_text("充值订单 #")
        expect(page.locator("#order-status")).to_have_text("待支付")
        expect(page.locator("#countdown")).not_to_have_text("--:--")
        expect(page.locator("#checkout-page")).to_contain_text("剩余时间：")
        page.screenshot(path=os.path.join(shots, "zh-checkout.png"), full_page=True)

        page.click("#provider-checkout")  # the simulator is the provider's own page (English)
        expect(page.locator("#simulator-checkout")).to_be_visible()
        page.click("#sim-pay-full")

        # The pushed payment event brings the Chinese confirmation; the header updates live.
        expect(page.locator("#confirmation-page")).to_be_visible(timeout=30_000)
        expect(page.locator("#confirmation-page h2")).to_have_text("充值成功！")
        expect(page.locator("#confirmation-page")).to_contain_text("你的账户已到账 200 金币。")
        expect(page.locator("#header-balance")).to_have_text("200")
        expect(page.locator("#notification-count")).to_have_text("1")
        expect(page.locator("#go-to-content")).to_have_text("在商城解锁高级 EA（高级 EA 权限，100 金币）")
        page.screenshot(path=os.path.join(shots, "zh-confirmation.png"), full_page=True)

        # Redeem in the store's modal: the message comes from the catalogue (goldcoin.t).
        page.click("#go-to-content")
        expect(page.locator("section.card h2").first).to_have_text("奖品商城")
        page.click("li.reward[data-kind='content_access'] button[data-open-redeem]")
        expect(page.locator("#redeem-modal")).to_be_visible()
        expect(page.locator("#redeem-modal-heading")).to_have_text("兑换你的金币")
        page.click("#redeem-submit")
        expect(page.locator("#redeem-modal-message")).to_have_text("成功兑换高级 EA 权限！当前余额：100 金币。")
        expect(page.locator("#header-balance")).to_have_text("100")  # live, from the balance event
        page.screenshot(path=os.path.join(shots, "zh-redeemed.png"), full_page=True)

        # A refusal, worded in Chinese by the page (insufficient funds for the VIP group at 150).
        page.select_option("#redeem-reward", index=1)
        page.click("#redeem-submit")
        expect(page.locator("#redeem-modal-message")).to_contain_text("金币不足")

        page.goto(base + "/notifications")
        expect(page.locator("#notifications-page")).to_contain_text("充值成功：已到账 200 金币")
        page.screenshot(path=os.path.join(shots, "zh-notifications.png"), full_page=True)
        page.goto(base + "/history")
        expect(page.locator("#history-table")).to_contain_text("兑换：高级 EA 权限")
        expect(page.locator("#history-table")).to_contain_text("充值订单 #")
        page.screenshot(path=os.path.join(shots, "zh-history.png"), full_page=True)

    [mail] = mailbox.wait_for(1)
    message = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert str(make_header(decode_header(message["Subject"]))).startswith("金币网：充值订单 #")
    text = message.get_body(("plain",)).get_content()
    assert "你的账户已到账 200 金币。" in text
