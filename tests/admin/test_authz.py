"""The authorization matrix of /admin: every URL under /admin (found in the
url_map, so views other domains register are covered too) refuses anonymous
users (redirect to login) and members (403); moderators only where allowed."""
import re

import pytest

from goldcoin.core.admin import CSRFForm, SecureModelView, _RoleGate

ARGS = {"export_type": "csv", "transfer_id": 1, "id": 1}


def admin_rules(app):
    site = app.extensions["goldcoin_admin"]
    views = {view.endpoint: view for view in site._views}
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint == "admin.static":
            continue
        view = views[rule.endpoint.split(".", 1)[0]]
        url = re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: str(ARGS[m.group(1)]), rule.rule)
        assert "<" not in url, url
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((view, url, method))
    return rules


def call(page, url, method):
    if method == "GET":
        return page.get(url)
    return page.post(url, data={})


def test_every_admin_view_is_role_gated_with_csrf_forms(app):
    site = app.extensions["goldcoin_admin"]
    assert len(site._views) >= 6
    for view in site._views:
        assert isinstance(view, _RoleGate), view
        if isinstance(view, SecureModelView) or hasattr(view, "form_base_class"):
            assert issubclass(view.form_base_class, CSRFForm), view


def test_anonymous_users_are_sent_to_login(app, make_page_client):
    anonymous = make_page_client()
    rules = admin_rules(app)
    assert len(rules) > 40
    for _view, url, method in rules:
        r = call(anonymous, url, method)
        assert r.status_code == 302 and "/login" in r.headers["Location"], (url, method, r.status_code)


def test_members_are_refused_everywhere(app, make_user, make_page_client):
    make_user("plain")
    member = make_page_client("plain")
    for _view, url, method in admin_rules(app):
        r = call(member, url, method)
        assert r.status_code == 403, (url, method, r.status_code)


def test_banned_admin_is_refused(app, make_user, make_page_client, session):
    from goldcoin.auth.models import User

    make_user("fallen", role="admin")
    page = make_page_client("fallen")
    user = session.query(User).filter_by(username="fallen").one()
    user.is_banned = True
    session.commit()
    r = page.get("/admin/members/")
    assert r.status_code in (302, 403)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_staff_roles(app, make_user, make_page_client, role):
    make_user("staff", role=role)
    page = make_page_client("staff")
    checked = 0
    for view, url, method in admin_rules(app):
        allowed = role == "admin" or view.allow_moderators
        if not allowed:
            r = call(page, url, method)
            assert r.status_code == 403, (role, url, method, r.status_code)
            checked += 1
        elif method == "GET":
            r = page.get(url)
            # Allowed: served (an empty ajax lookup may be a 404/400), never refused.
            assert r.status_code in (200, 302, 400, 404), (role, url, r.status_code)
            if r.status_code == 302:
                assert "/login" not in r.headers["Location"], (role, url)
            checked += 1
    assert checked > 10


def test_dashboard_figures_are_for_admins_only(make_user, make_page_client):
    make_user("mod", role="moderator")
    mod = make_page_client("mod")
    page = mod.get("/admin/")
    assert page.status_code == 200 and 'id="economy-chart"' not in page.get_data(as_text=True)
    assert mod.get("/admin/dashboard/data.json").status_code == 403


def test_admin_forms_refuse_a_missing_csrf_token(admin_page, make_user):
    make_user("target")
    r = admin_page.post("/admin/adjust/", data={"member": "target", "amount": "5", "reason": "x", "key": "a" * 32}, csrf=False)
    assert r.status_code == 400
    r = admin_page.post("/admin/transfers/reverse/1", data={"reason": "x"}, csrf=False)
    assert r.status_code == 400


def test_moderators_dashboard_shows_what_they_may_open_and_what_waits(app, make_user, make_page_client, session):
    """The moderator's /admin/ lists their views with what waits in each (the
    EA queue's pending EAs), every link on it opens for them, and nothing on it
    asks for the admins' figures."""
    import re

    from goldcoin.auth.models import User
    from goldcoin.community import eas

    author = make_user("author")
    for n in range(2):
        eas.upload_ea(session, session.get(User, author.id), app.config["UPLOAD_FOLDER"], name=f"EA {n}",
                      description="", file_name="a.ex4", file_data=b"EA", symbol="EURUSD", timeframe="H1",
                      period="2024", net_profit="1", profit_factor="1", max_drawdown_pct="1", trades="1", win_rate="50")
    session.commit()
    make_user("mod", role="moderator")
    mod = make_page_client("mod")
    html = mod.get("/admin/").get_data(as_text=True)
    table = html[html.index('id="moderation-views"'):]
    table = table[:table.index("</table>")]
    assert "EA verification" in table and "<strong>2</strong>" in table
    assert "dashboard/data.json" not in html and "admin-dashboard.js" not in html
    links = set(re.findall(r'href="(/admin/[^"#]*)"', html)) - {"/admin/"}
    assert links and all(mod.get(link).status_code == 200 for link in links), links
