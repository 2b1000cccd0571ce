"""The admin site in Chinese: its column headers and form labels (derived from
model columns) are in the catalogue, and a list page shows them translated."""
import re

from goldcoin.core.admin_labels import LABELS, column_names


def test_every_derived_column_label_is_listed_for_the_catalogue(app):
    with app.app_context():
        derived = set(column_names())
    listed = {label._args[0] for label in LABELS}
    missing = sorted(derived - listed)
    assert not missing, "add to goldcoin/core/admin_labels.py LABELS (then bash scripts/i18n.sh): " + ", ".join(missing)


def test_an_admin_list_shows_chinese_headers_and_menu(client, make_user):
    make_user("boss", role="admin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "boss", "password": "password123"})
    html = client.get("/admin/members/?lang=zh_CN", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "用户名" in html and "创建时间" in html  # Username, Created At
    assert "会员" in html and "账本" in html  # the menu: Members, Ledger
    assert "Created At" not in html
