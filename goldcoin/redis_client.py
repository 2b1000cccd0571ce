"""One Redis client per process, from REDIS_URL (None when Redis is not configured)."""
import redis
from flask import current_app

_clients = {}


def get_redis(url=None):
    url = url or current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
    return client
