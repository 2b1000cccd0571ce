"""A stand-in for a Discourse forum's side of the integration.

Payloads are written from Discourse's own serializers (discourse/discourse):
WebHookPostSerializer (< PostSerializer < BasicPostSerializer),
WebHookLikeSerializer ({post, user: BasicUserSerializer}),
WebHookUserSerializer (< UserSerializer < UserCardSerializer),
WebHookTopicViewSerializer; the body is `{<event type>: <payload>}` and the
headers those of Jobs::EmitWebHookEvent#build_webhook_headers; discourse-solved
sends event type `solved` with the accepted post's payload. Fields Gold Coin
ignores are there too, so the tests read bodies shaped like the real ones.
"""
import hashlib
import hmac
import itertools
import json
from datetime import datetime, timedelta, timezone

SECRET = "whsec-forum-0123456789abcdef"
CONNECT_SECRET = "connect-forum-0123456789abcdef"
FORUM = "https://forum.example.com"

_event_ids = itertools.count(1000)


def stamp(when):
    """Discourse's JSON time format: 2024-03-01T10:00:00.000Z."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def ago(**delta):
    return stamp(datetime.now(timezone.utc) - timedelta(**delta))


def basic_user(user_id, username):
    return {"id": user_id, "username": username, "name": username.title(),
            "avatar_template": f"/user_avatar/forum.example.com/{username.lower()}/{{size}}/3_2.png"}


def post(post_id, author_id, author, *, topic_id=7, post_number=2, title="Grid EA settings for EURUSD",
         trust_level=1):
    return {
        "id": post_id, "name": author.title(), "username": author,
        "avatar_template": f"/user_avatar/forum.example.com/{author.lower()}/{{size}}/3_2.png",
        "created_at": ago(hours=3), "cooked": "<p>Step 15 pips, 4 levels.</p>", "post_number": post_number,
        "post_type": 1, "updated_at": ago(hours=3), "reply_count": 0, "reply_to_post_number": None,
        "quote_count": 0, "incoming_link_count": 0, "reads": 4, "score": 0.8, "topic_id": topic_id,
        "topic_slug": "grid-ea-settings-for-eurusd", "topic_title": title, "topic_html_title": title,
        "category_id": 5, "display_username": author.title(), "primary_group_name": None, "flair_name": None,
        "flair_url": None, "flair_bg_color": None, "flair_color": None, "flair_group_id": None, "version": 1,
        "user_title": None, "bookmarked": False, "raw": "Step 15 pips, 4 levels.", "moderator": False,
        "admin": False, "staff": False, "user_id": author_id, "hidden": False, "trust_level": trust_level,
        "deleted_at": None, "user_deleted": False, "edit_reason": None, "wiki": False,
        "reviewable_id": None, "reviewable_score_count": 0, "reviewable_score_pending_count": 0,
        "topic_posts_count": 3, "topic_filtered_posts_count": 3, "topic_archetype": "regular",
        "category_slug": "expert-advisors",
    }


def user(user_id, username, *, created=None, last_posted=None, invited_by=None, staged=False, trust_level=1):
    body = {
        **basic_user(user_id, username),
        "last_posted_at": last_posted, "last_seen_at": ago(minutes=5), "created_at": created or ago(days=200),
        "ignored": False, "muted": False, "can_ignore_user": False, "can_mute_user": False,
        "can_send_private_messages": True, "can_send_private_message_to_user": True, "trust_level": trust_level,
        "moderator": False, "admin": False, "title": None, "badge_count": 3, "post_count": 12,
        "profile_view_count": 4, "time_read": 3600, "recent_time_read": 600, "primary_group_name": None,
        "staged": staged, "groups": [{"id": 11, "automatic": True, "name": "trust_level_1"}],
        "user_option": None,
    }
    if invited_by is not None:
        body["invited_by"] = basic_user(*invited_by)
    return body


def topic(topic_id, owner_id, owner, title="Grid EA settings for EURUSD"):
    return {
        "id": topic_id, "title": title, "fancy_title": title, "posts_count": 3, "created_at": ago(days=1),
        "views": 40, "reply_count": 2, "like_count": 5, "last_posted_at": ago(hours=2), "visible": True,
        "closed": False, "archived": False, "archetype": "regular", "slug": "grid-ea-settings-for-eurusd",
        "category_id": 5, "word_count": 120, "deleted_at": ago(minutes=1), "user_id": owner_id,
        "created_by": basic_user(owner_id, owner), "last_poster": basic_user(owner_id, owner),
    }


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Forum:
    """Delivers signed webhooks through `send(path, body, headers) -> (status, json)`."""

    def __init__(self, send, instance=FORUM, secret=SECRET):
        self.send, self.instance, self.secret = send, instance, secret

    def deliver(self, event_type, event_name, payload, *, event_id=None, secret=None, signature=None,
                body=None, headers=None):
        if body is None:
            document = {"ping": "OK"} if event_type == "ping" else {event_type: payload}
            body = json.dumps(document, separators=(",", ":")).encode()  # MultiJson.dump: compact
        event_id = str(next(_event_ids)) if event_id is None else event_id
        sent = {
            "Accept": "*/*", "Content-Type": "application/json", "User-Agent": "Discourse/3.4.0",
            "X-Discourse-Instance": self.instance, "X-Discourse-Event-Id": event_id,
            "X-Discourse-Event-Type": event_type, "X-Discourse-Event": event_name,
            "X-Discourse-Event-Signature": signature or sign(secret or self.secret, body),
        }
        sent.update(headers or {})
        status, answer = self.send("/integrations/discourse", body, {k: v for k, v in sent.items() if v is not None})
        return status, answer

    # The events, as Discourse names them.
    def ping(self, **kw):
        return self.deliver("ping", "ping", None, **kw)

    def like(self, the_post, liker_id, liker, **kw):
        return self.deliver("like", "post_liked", {"post": the_post, "user": basic_user(liker_id, liker)}, **kw)

    def accepted(self, the_post, **kw):
        return self.deliver("solved", "accepted_solution", the_post, **kw)

    def unaccepted(self, the_post, **kw):
        return self.deliver("solved", "unaccepted_solution", the_post, **kw)

    def post_destroyed(self, the_post, **kw):
        return self.deliver("post", "post_destroyed", the_post, **kw)

    def topic_destroyed(self, the_topic, **kw):
        return self.deliver("topic", "topic_destroyed", the_topic, **kw)

    def user_created(self, the_user, **kw):
        return self.deliver("user", "user_created", the_user, **kw)

    def user_updated(self, the_user, **kw):
        return self.deliver("user", "user_updated", the_user, **kw)

    def seasoned(self, user_id, username):
        """A forum member of long standing who posts: a liker whose like counts."""
        status, answer = self.user_created(user(user_id, username, created=ago(days=300), last_posted=ago(days=2)))
        assert status == 200, answer
        return user_id, username


def client_sender(client):
    def send(path, body, headers):
        response = client.post(path, data=body, headers=headers)
        return response.status_code, response.get_json(silent=True)

    return send


def requests_sender(base):
    import requests

    def send(path, body, headers):
        response = requests.post(base + path, data=body, headers=headers, timeout=30)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    return send
