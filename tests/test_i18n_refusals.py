"""A reader who chose Chinese reads every refusal in Chinese: the request
checks that run before any view (a NUL, an id past 64 bits), the API's body
checks, the CSRF check (Flask-WTF words it in English only) and the admin's
adjustment messages. Each was English on a zh_CN page or answer."""
import json
import re
import uuid

from tests.admin.conftest import PageClient

ZH = {"Accept-Language": "zh-CN"}


def message(response):
    return response.get_json()["message"]


def test_the_checks_before_any_view_speak_chinese(client):
    nul = client.get("/u/%00", headers=ZH)
    assert nul.status_code == 400 and "请求中含有 NUL 或无效字符" in nul.get_data(as_text=True)
    page_id = client.get("/recharge/orders/99999999999999999999", headers=ZH)
    assert page_id.status_code == 400 and "超出了编号的范围" in page_id.get_data(as_text=True)
    assert "too large" not in page_id.get_data(as_text=True)


def test_the_api_body_checks_speak_chinese(make_user, make_api):
    api = make_api(make_user().username)
    api_id = api.post("/api/v1/rewards/99999999999999999999/redeem", headers=ZH)
    assert api_id.status_code == 400 and "不是有效的 64 位编号" in message(api_id)
    broken = api.post("/api/v1/recharge/orders", data='{"coins": 100,', headers=dict(ZH, **{"Content-Type": "application/json"}))
    assert broken.status_code == 400 and message(broken) == "请求体不是有效的 JSON。"
    plain = api.post("/api/v1/recharge/orders", data='{"coins": 100}', headers=dict(ZH, **{"Content-Type": "text/plain"}))
    assert plain.status_code == 400 and "请以 Content-Type: application/json 发送" in message(plain)
    many = api.post("/api/v1/me/notifications/read", json={"ids": list(range(1, 600))}, headers=ZH)
    assert many.status_code == 400 and "最多只能有 500 个编号" in message(many)


def test_a_refused_csrf_token_is_explained_in_chinese(make_user, app):
    member = make_user()
    page = PageClient(app.test_client()).login(member.username)
    refused = page.client.post("/notifications/email", data={"csrf_token": "garbage"}, headers=ZH)
    said = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "表单的安全令牌无效。请刷新页面后重新提交表单。" in said
    assert "CSRF" not in said
    api = page.client.post("/api/v1/me/notifications/read", data=json.dumps({}),
                           headers=dict(ZH, **{"Content-Type": "application/json"}))
    assert api.status_code == 400 and api.get_json()["message"].startswith("表单缺少安全令牌。")


def test_the_admins_adjustment_messages_speak_chinese(app, make_user):
    make_user("chief_zh", role="admin")
    admin_page = PageClient(app.test_client()).login("chief_zh")
    member = make_user("erin_zh")
    form = admin_page.client.get("/admin/adjust/", headers=ZH).get_data(as_text=True)
    key = re.search(r'name="key"[^>]*value="([^"]+)"', form) or re.search(r'value="([^"]+)"[^>]*name="key"', form)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    base = {"csrf_token": csrf.group(1), "reason": "测试", "key": key.group(1)}
    unknown = admin_page.client.post("/admin/adjust/", data=dict(base, member="nobody_here", amount="3"), headers=ZH)
    assert unknown.status_code == 400 and "No such member" not in unknown.get_data(as_text=True)
    short = admin_page.client.post("/admin/adjust/", data=dict(base, member=member.username, amount="-5"), headers=ZH)
    assert short.status_code == 409 and "erin_zh 的余额不足 5 金币。" in short.get_data(as_text=True)
    done = admin_page.client.post("/admin/adjust/", data=dict(base, member=member.username, amount="3",
                                                             key=uuid.uuid4().hex), headers=ZH,
                                  follow_redirects=True)
    assert "已为 erin_zh 调整 +3 金币" in done.get_data(as_text=True)
