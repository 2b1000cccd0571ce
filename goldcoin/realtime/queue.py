"""The Socket.IO message queue (Redis), and a resync when it comes back.

While Redis is down, pushes published by any process are lost (python-socketio
logs and drops them) and the browsers' own connections stay up, so no page
notices. So when this process's queue listener reconnects after an error, or
a publish succeeds after one was given up, every page connected to this
process is sent `resync`: static/js/live.js then re-reads /api/v1/me, the
boards and (on a checkout page) its order, whatever was pushed meanwhile.

This relies on two internals of python-socketio's RedisManager (`_publish`
and `_redis_listen_with_retries`, socketio 5.x): tests/faults check the
behaviour end to end against a real Redis that is stopped and restarted.
"""
import logging

import socketio

log = logging.getLogger(__name__)

RESYNC = "resync"


class ResyncRedisManager(socketio.RedisManager):
    def __init__(self, *args, resync_room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._resync_room = resync_room
        self._publish_lost = False

    def _resync(self, why):
        log.warning("Socket.IO message queue is back (%s): connected pages resynchronise", why)
        # Manager.emit (not PubSubManager's) delivers to this process's clients only,
        # so each process resyncs its own pages, and nothing goes through Redis.
        socketio.Manager.emit(self, RESYNC, {"reason": why}, namespace="/", room=self._resync_room)

    def _publish(self, data):
        result = super()._publish(data)
        if not self.connected or result is None:
            self._publish_lost = True  # given up: that push is lost
        elif self._publish_lost:
            self._publish_lost = False
            self._resync("publish")
        return result

    def _redis_listen_with_retries(self):
        failed = False
        for message in _listen_reporting(self):
            if message is _RECONNECTED:
                if failed:
                    self._resync("listener")
                continue
            if message is _FAILED:
                failed = True
                continue
            yield message


_RECONNECTED, _FAILED = object(), object()


def _listen_reporting(manager):
    """python-socketio's listen loop, saying when it (re)subscribed and when it lost Redis."""
    import time

    retry_sleep = 1
    while True:
        try:
            manager._redis_connect()
            manager.pubsub.subscribe(manager.channel)
            retry_sleep = 1
            yield _RECONNECTED
            yield from manager.pubsub.listen()
        except Exception as exc:  # noqa: BLE001 - as python-socketio: log, wait, reconnect
            manager._get_logger().error(f"Cannot receive from redis... retrying in {retry_sleep} secs",
                                        extra={"redis_exception": str(exc)})
            yield _FAILED
            time.sleep(retry_sleep)
            retry_sleep = min(retry_sleep * 2, 60)
