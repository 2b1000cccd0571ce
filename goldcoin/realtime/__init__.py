"""Socket.IO: who may connect, which room they join, what they are pushed."""
from flask_login import current_user
from flask_socketio import join_room

from goldcoin.extensions import socketio


def room_of(user_id):
    return f"user:{user_id}"


def init_app(app):
    from . import pushes  # noqa: F401 - registers the after-commit pushes

    @socketio.on("connect")
    def _connect(auth=None):
        # login_required does not apply to socket handlers: refuse here.
        if not current_user.is_authenticated:
            return False
        # The room comes from the server's session, never from the client.
        join_room(room_of(current_user.id))
        # Every member gets the (public) leaderboard pushes.
        join_room("members")
        return True
