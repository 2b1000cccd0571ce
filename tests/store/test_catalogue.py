"""Seeding, and JSON import/export from the command line (round trip)."""
import json

from sqlalchemy import func, select

from goldcoin.extensions import db
from goldcoin.store.models import Reward
from goldcoin.store.service import SEED, export_rewards, seed_rewards


def test_seed_is_idempotent_and_has_the_briefs_examples(app):
    with app.app_context():
        assert seed_rewards(db.session) == len(SEED)
        assert seed_rewards(db.session) == 0
        db.session.commit()
        rewards = {r.slug: r for r in db.session.scalars(select(Reward))}
    assert rewards["premium-ea-access"].cost == 100 and rewards["premium-ea-access"].kind == "content_access"
    assert (rewards["vip-group"].cost, rewards["vip-group"].code) == (150, "vip")
    assert {r.code for r in rewards.values() if r.kind == "privilege"} == {"commercial_posting", "start_bounty"}
    assert {r.kind for r in rewards.values()} == {"content_access", "group", "title", "badge", "privilege", "booster"}
    assert rewards["personal-booster-x2"].multiplier == 2


def test_export_then_import_round_trip(app, runner, tmp_path):
    runner.invoke(args=["goldcoin", "seed-rewards"])
    out = tmp_path / "rewards.json"
    r = runner.invoke(args=["goldcoin", "export-rewards", str(out)])
    assert r.exit_code == 0, r.output
    document = json.loads(out.read_text())
    assert {"id", "name", "coins_required", "description", "kind"} <= set(document["rewards"][0])

    with app.app_context():  # wipe the catalogue, then import it back
        db.session.query(Reward).delete()
        db.session.commit()
    r = runner.invoke(args=["goldcoin", "import-rewards", str(out)])
    assert r.exit_code == 0 and f"{len(SEED)} created, 0 updated" in r.output, r.output
    with app.app_context():
        again = export_rewards(db.session)
    strip = lambda doc: [{k: v for k, v in x.items() if k != "id"} for x in doc["rewards"]]  # noqa: E731
    assert strip(again) == strip(document)

    # Importing the same file again updates in place; a changed price sticks.
    document["rewards"][0]["coins_required"] = 111
    out.write_text(json.dumps(document))
    r = runner.invoke(args=["goldcoin", "import-rewards", str(out)])
    assert f"0 created, {len(SEED)} updated" in r.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Reward.id))) == len(SEED)
        assert db.session.scalar(select(Reward.cost).where(Reward.slug == document["rewards"][0]["slug"])) == 111


def test_import_refuses_bad_files_and_writes_nothing(app, runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rewards": [{"name": "ok", "coins_required": 5, "kind": "title"},
                                           {"name": "bad", "coins_required": -1, "kind": "title"}]}))
    r = runner.invoke(args=["goldcoin", "import-rewards", str(bad)])
    assert r.exit_code != 0 and "reward #2" in r.output
    bad.write_text("{not json")
    assert runner.invoke(args=["goldcoin", "import-rewards", str(bad)]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Reward.id))) == 0


def test_brief_shaped_file_without_kind_is_refused_clearly(runner, tmp_path):
    f = tmp_path / "brief.json"
    f.write_text(json.dumps({"rewards": [{"id": 1, "name": "Premium EA Access", "coins_required": 100,
                                          "description": "Unlock access to exclusive EAs."}]}))
    r = runner.invoke(args=["goldcoin", "import-rewards", str(f)])
    assert r.exit_code != 0 and "'kind' is required" in r.output


def test_demo_seeds_the_store_and_a_member_who_can_afford_vip(app, runner):
    from goldcoin.auth.models import User
    from goldcoin.ledger import balance_of, wallet_id
    from goldcoin.store.entitlements import title_and_badges

    assert runner.invoke(args=["goldcoin", "demo"]).exit_code == 0
    with app.app_context():
        ids = dict(db.session.execute(select(User.username, User.id)).all())
        assert title_and_badges(db.session, ids["alice"]) == (None, ["Gold Supporter"])
        vip_cost = db.session.scalar(select(Reward.cost).where(Reward.slug == "vip-group"))
        assert balance_of(db.session, wallet_id(db.session, ids["bob"])) >= vip_cost
        assert db.session.scalar(select(func.count(Reward.id))) == len(SEED)
