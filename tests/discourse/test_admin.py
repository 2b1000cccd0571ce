"""The admin site: received deliveries (a ping shows there) and the settings
that pick which events are honoured and which forum is connected."""
from goldcoin.discourse.models import DiscourseConfig
from tests.admin.conftest import PageClient, hidden_value
from tests.discourse.forum import post


def test_a_ping_shows_in_the_admins_event_list(forum, admin_page):
    forum.ping(event_id="77")
    forum.accepted(post(701, 21, "helper_cleo", topic_id=70), event_id="78")
    page = admin_page.get("/admin/discourse_events/").get_data(as_text=True)
    assert "ping" in page and "77" in page and "accepted_solution" in page and "discourse:topic:70:post:701" in page


def test_members_and_moderators_cannot_see_the_deliveries(app, make_user):
    for role in ("member", "moderator"):
        make_user(f"a_{role}", role=role)
        page = PageClient(app.test_client()).login(f"a_{role}")
        for path in ("/admin/discourse_events/", "/admin/discourse_settings/edit/?id=1"):
            assert page.get(path).status_code == 403


def test_switching_an_event_off_in_the_settings(forum, admin_page, books, session):
    listing = admin_page.get("/admin/discourse_settings/")
    assert listing.status_code == 200 and "post_liked" in listing.get_data(as_text=True)
    form_page = admin_page.get("/admin/discourse_settings/edit/?id=1").get_data(as_text=True)
    data = {"csrf_token": hidden_value(form_page, "csrf_token"), "instance_url": "https://Forum.Example.com/"}
    data.update({f"honour_{name}": "y" for name in ("post_liked", "unaccepted_solution", "post_destroyed",
                                                   "topic_destroyed", "user_created", "user_updated")})
    saved = admin_page.post("/admin/discourse_settings/edit/?id=1", data=data, csrf=False)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-800:]
    row = session.get(DiscourseConfig, 1)
    assert row.instance_url == "https://forum.example.com" and row.honour_accepted_solution is False

    _, answer = forum.accepted(post(701, 21, "helper_cleo", topic_id=70))
    assert answer["status"] == "not_honoured" and books.user_id(21) is None


def test_a_broken_instance_url_is_refused_by_the_form(admin_page, session):
    admin_page.get("/admin/discourse_settings/")
    form_page = admin_page.get("/admin/discourse_settings/edit/?id=1").get_data(as_text=True)
    response = admin_page.post("/admin/discourse_settings/edit/?id=1", csrf=False, data={
        "csrf_token": hidden_value(form_page, "csrf_token"), "instance_url": "forum dot example"})
    assert response.status_code == 200 and "https://forum.example.com" in response.get_data(as_text=True)
    assert session.get(DiscourseConfig, 1).instance_url == ""
