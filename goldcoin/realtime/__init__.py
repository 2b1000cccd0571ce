"""Socket.IO: who may connect, which room they join, what they are pushed.

realtime depends on the domains whose events it pushes (it reads the
leaderboard's tops); no domain imports realtime: they announce what happened
through the after-commit queue, by event name.
"""
from flask import current_app
from flask_login import current_user
from flask_socketio import join_room

from goldcoin.extensions import socketio

MEMBERS_ROOM = "members"


def room_of(user_id):
    return f"user:{user_id}"


def init_app(app):
    from . import leaderboard_push, pushes  # noqa: F401 - pushes registers the after-commit pushes

    leaderboard_push.init_app(app)

    @socketio.on("connect")
    def _connect(auth=None):
        # login_required does not apply to socket handlers: refuse here.
        if not current_user.is_authenticated:
            return False
        # The room comes from the server's session, never from the client.
        join_room(room_of(current_user.id))
        # Every member gets the (public) leaderboard pushes.
        join_room(MEMBERS_ROOM)
        leaderboard_push.tick_of(current_app).listener_joined()
        return True

    @socketio.on("disconnect")
    def _disconnect(reason=None):
        # Only connections accepted above get here.
        leaderboard_push.tick_of(current_app).listener_left()
