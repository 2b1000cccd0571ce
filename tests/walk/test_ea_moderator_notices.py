"""Moderators and admins hear of an EA waiting for them: a new submission and
a rejected EA its author edited and resubmitted both reach every moderator's
and admin's bell, with the EA's name and a link to it in the review queue;
the author is not told of their own action."""
from tests.community.conftest import form_post
from tests.community.test_ea_library import only_ea, upload
from tests.walk.test_ea_resubmit import edit


def bell(api):
    return api.get("/api/v1/me/notifications").get_json()["items"]


def notices_of(api, ea_id):
    return [n for n in bell(api) if n["url"] == f"/community/eas/queue#queue-{ea_id}"]


def test_moderators_and_admins_are_told_of_a_new_and_a_resubmitted_ea_and_the_author_is_not(
        app, forum, session, make_user, make_api):
    author, moderator, admin, other = (make_user(), make_user(role="moderator"), make_user(role="admin"),
                                       make_user())
    me, mod, boss, member = (make_api(u.username) for u in (author, moderator, admin, other))

    assert upload(me, name="TrendRider v2").status_code == 302
    ea = only_ea(session)
    for reader in (mod, boss):
        [note] = notices_of(reader, ea.id)
        assert "TrendRider v2" in note["text"] and "submitted" in note["text"]
    assert notices_of(me, ea.id) == [] and notices_of(member, ea.id) == []

    assert form_post(mod, f"/community/eas/{ea.id}/reject", reason="Attach the report.").status_code == 302
    assert edit(me, ea.id, name="TrendRider v3").status_code == 302
    for reader in (mod, boss):
        newest = notices_of(reader, ea.id)[0]  # newest first
        assert "TrendRider v3" in newest["text"] and "resubmitted" in newest["text"]
        assert len(notices_of(reader, ea.id)) == 2
    assert notices_of(me, ea.id) == [] and notices_of(member, ea.id) == []
    # The link lands on the EA's entry in the queue.
    assert f'id="queue-{ea.id}"' in mod.get("/community/eas/queue").get_data(as_text=True)


def test_a_moderator_who_resubmits_their_own_ea_is_not_told_of_it(app, forum, session, make_user, make_api):
    author, other_mod = make_user(role="moderator"), make_user(role="moderator")
    me, mod = make_api(author.username), make_api(other_mod.username)
    assert upload(me).status_code == 302
    ea = only_ea(session)
    assert notices_of(me, ea.id) == [] and len(notices_of(mod, ea.id)) == 1


def test_each_moderator_reads_the_notice_in_their_own_language(app, forum, session, make_user, make_api):
    from sqlalchemy import update

    from goldcoin.auth.models import User

    author, moderator = make_user(), make_user(role="moderator")
    session.execute(update(User).where(User.id == moderator.id).values(language="zh_CN"))
    session.commit()
    assert upload(make_api(author.username), name="TrendRider v2").status_code == 302
    ea = only_ea(session)
    [note] = notices_of(make_api(moderator.username), ea.id)
    assert note["text"] == "新 EA 已提交待审核：TrendRider v2"
