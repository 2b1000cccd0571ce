"""One reward shape (store/schemas.py) and one set of reward rules
(service.clean_reward_data) behind every way a reward is made: the API, the
admin site's form and the JSON import."""
import json
import re

from sqlalchemy import func, select

from goldcoin.extensions import db
from goldcoin.store.models import Reward


def _admin_form(make_api, make_user):
    make_user("root", role="admin")
    client = make_api("root").client
    page = client.get("/admin/rewards/new/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post(**fields):
        data = {"csrf_token": csrf, "cost": "25", "active": "y", "sort_order": "0", **fields}
        return client.post("/admin/rewards/new/", data=data)

    return post


def _names(app):
    with app.app_context():
        return set(db.session.scalars(select(Reward.name)))


def test_the_admin_form_applies_the_reward_rules(app, make_api, make_user):
    post = _admin_form(make_api, make_user)
    refused = post(name="Codeless badge", kind="badge")
    assert refused.status_code == 200  # the form again, with the reason
    assert "A badge reward needs a" in refused.get_data(as_text=True)
    assert post(name="Lounge", kind="group").status_code == 302
    with app.app_context():
        lounge = db.session.scalar(select(Reward).where(Reward.name == "Lounge"))
        assert (lounge.code, lounge.slug) == ("vip", "lounge")
    assert _names(app) == {"Lounge"}


def test_the_json_import_refuses_what_the_api_refuses(app, runner, tmp_path):
    f = tmp_path / "rewards.json"
    for entry, fragment in [
        ({"name": "Nul\u0000name", "coins_required": 5, "kind": "title"}, "'name' must not contain a NUL"),
        ({"name": "Too dear", "coins_required": 2**40, "kind": "title"}, "'coins_required' must be at most 2147483647"),
        ({"name": "Flag", "coins_required": True, "kind": "title"}, "'coins_required' must be an integer"),
        ({"name": "Group", "coins_required": 5, "kind": "group", "stock": -1}, "'stock' must be at least 0"),
    ]:
        f.write_text(json.dumps({"rewards": [entry]}))
        r = runner.invoke(args=["goldcoin", "import-rewards", str(f)])
        assert r.exit_code != 0 and "reward #1" in r.output and fragment in r.output, r.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Reward.id))) == 0
