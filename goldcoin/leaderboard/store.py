"""The Redis index of the boards: exact scores, ties by who got there first.

Keys (all under app.config["REDIS_PREFIX"]):
  lb:<board>        sorted set, e.g. lb:all, lb:month:202611, lb:week:2026-W47
  lb:<board>:who    hash user_id -> "<coins>:<last transfer id>" (also members at <= 0)
  lb:ready          set by `flask goldcoin rebuild-leaderboard`: the index is complete
  lb:changed        set of boards updated since the pushes last looked (see changes.py)

The scheme (why no float trouble): a sorted-set score is a double, exact only
for integers up to 2^53. We store score = -coins (an integer, exact for any
board up to 2^53 coins, i.e. never a limit in practice) and put the tie-break
in the MEMBER string: "<last transfer id, 15 digits>:<user id, 12 digits>".
Redis orders equal scores by member bytes, so ZRANGE (ascending score =
descending coins) lists, among equal coins, the smaller last-transfer id
first, then the smaller user id: exactly the SQL order. Limits: transfer ids
below 10^15 and user ids below 10^12 (zero-padded), coins below 2^53.

Updates are one Lua script per member and board, so concurrent processes
never lose an increment; coins are summed (commutative) and the tie-break
keeps the max transfer id seen, so events applied out of order converge.

Reads use Redis only when `lb:ready` exists (the index was built completely);
otherwise, and on any Redis error, the caller reads SQL. A failed update
deletes `lb:ready` if it can; `rebuild-leaderboard` repairs either way.
"""
import logging
import weakref

import redis
from flask import current_app, has_app_context

from goldcoin.redis_client import get_redis

log = logging.getLogger(__name__)

_registered = {"app": None}

CHANGED = "lb:changed"

UPDATE = """
local who = redis.call('HGET', KEYS[2], ARGV[1])
local coins, tid = 0, 0
if who then
  local c, t = string.match(who, '^(-?%d+):(%d+)$')
  coins, tid = tonumber(c), tonumber(t)
  redis.call('ZREM', KEYS[1], string.format('%015d:%012d', tid, tonumber(ARGV[1])))
end
coins = coins + tonumber(ARGV[2])
local new_tid = tonumber(ARGV[3])
if new_tid > tid then tid = new_tid end
redis.call('HSET', KEYS[2], ARGV[1], string.format('%d:%d', coins, tid))
if coins > 0 then
  redis.call('ZADD', KEYS[1], -coins, string.format('%015d:%012d', tid, tonumber(ARGV[1])))
end
return coins
"""


def register_app(app):
    _registered["app"] = weakref.ref(app)


def get_app():
    if has_app_context():
        return current_app._get_current_object()
    ref = _registered["app"]
    return ref() if ref else None


def client_and_prefix(app=None):
    """(redis client, prefix), or (None, prefix) without REDIS_URL."""
    app = app or get_app()
    if app is None:
        return None, "gc:"
    prefix = app.config["REDIS_PREFIX"]
    url = app.config.get("REDIS_URL")
    return (get_redis(url) if url else None), prefix


def member_name(user_id, tid):
    return f"{tid:015d}:{user_id:012d}"


def parse_member(member):
    return int(member.rsplit(":", 1)[1])


def top(key, limit):
    """[(rank, user_id, coins)] from Redis, or None when SQL must answer."""
    r, prefix = client_and_prefix()
    if r is None:
        return None
    try:
        pipe = r.pipeline(transaction=False)
        pipe.exists(prefix + "lb:ready")
        pipe.zrange(prefix + "lb:" + key, 0, limit - 1, withscores=True)
        ready, rows = pipe.execute()
    except redis.RedisError as exc:
        log.warning("leaderboard: Redis unavailable, reading SQL (%s)", exc)
        return None
    if not ready:
        return None
    return [(i, parse_member(m), int(-s)) for i, (m, s) in enumerate(rows, 1)]


def rank(key, user_id):
    """(True, rank or None) from Redis, or (False, None) when SQL must answer."""
    r, prefix = client_and_prefix()
    if r is None:
        return False, None
    try:
        pipe = r.pipeline(transaction=False)
        pipe.exists(prefix + "lb:ready")
        pipe.hget(prefix + "lb:" + key + ":who", str(user_id))
        ready, who = pipe.execute()
        if not ready:
            return False, None
        if who is None:
            return True, None
        coins, tid = (int(x) for x in who.split(":"))
        if coins <= 0:
            return True, None
        position = r.zrank(prefix + "lb:" + key, member_name(user_id, tid))
    except redis.RedisError as exc:
        log.warning("leaderboard: Redis unavailable, reading SQL (%s)", exc)
        return False, None
    return True, (None if position is None else position + 1)


def apply(changes):
    """Apply [(board key, user_id, delta, transfer_id)] and mark those boards
    changed; False without Redis; raises redis.RedisError."""
    r, prefix = client_and_prefix()
    if r is None:
        return False
    script = r.register_script(UPDATE)
    pipe = r.pipeline(transaction=False)
    for key, user_id, delta, tid in changes:
        script(keys=[prefix + "lb:" + key, prefix + "lb:" + key + ":who"], args=[user_id, delta, tid], client=pipe)
    # After the updates in the same pipeline: whoever takes the mark reads the new scores.
    pipe.sadd(prefix + CHANGED, *{key for key, *_ in changes})
    try:
        pipe.execute()
    except redis.RedisError:
        try:  # the index may now be incomplete: stop serving it until rebuilt
            r.delete(prefix + "lb:ready")
        except redis.RedisError:
            pass
        raise
    return True


def write_boards(r, prefix, boards, chunk=10_000):
    """Replace the given boards {key: [(user_id, coins, last_id)]} atomically per board."""
    for key, rows in boards.items():
        zkey, hkey = prefix + "lb:" + key, prefix + "lb:" + key + ":who"
        tmp_z, tmp_h = zkey + ":rebuild", hkey + ":rebuild"
        r.delete(tmp_z, tmp_h)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            pipe = r.pipeline(transaction=False)
            scores = {member_name(u, t): -c for u, c, t in part if c > 0}
            if scores:
                pipe.zadd(tmp_z, scores)
            pipe.hset(tmp_h, mapping={str(u): f"{c}:{t}" for u, c, t in part})
            pipe.execute()
        pipe = r.pipeline(transaction=True)
        pipe.delete(zkey, hkey)
        if rows:
            if any(c > 0 for _, c, _ in rows):
                pipe.rename(tmp_z, zkey)
            pipe.rename(tmp_h, hkey)
        pipe.execute()
    r.set(prefix + "lb:ready", "1")
