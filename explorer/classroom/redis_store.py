"""The class room in Redis: what several app replicas behind a proxy share.

Each step that must be atomic (keep a submission after the checks, hide, clear, read the changes) is one Lua
script, which Redis runs with nothing in between. Durability: add_submission returns after Redis has replied to
the script, i.e. the write is in Redis's memory and (when the server runs with appendonly yes) in its AOF; with
`appendfsync always` that file is fsynced before the reply. Configure the server so (docs: deploy).
A room's keys carry the room's time to live, so an expired room's data goes without anyone cleaning up.
"""

import math
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .errors import RateLimited, RoomNotFound, RoomPaused, StoreUnavailable, SubmissionLimit, UnknownSubmission
from .records import Changes, Room, RoomLimits, Submission, decoded, encoded
from .store import ClassStore, Clock

CONNECT_TIMEOUT_S = 1.0
COMMAND_TIMEOUT_S = 5.0

# KEYS: room, subs (id → record), order (zset id by change number), hidden (set), sent (session → count),
#       last (session → time).  The room hash: key_digest, created, expires, paused, seq, cleared_seq.
ADD = """
local room = redis.call('HMGET', KEYS[1], 'expires', 'paused')
if not room[1] or tonumber(room[1]) <= tonumber(ARGV[3]) then return {'missing'} end
local kept = redis.call('HGET', KEYS[2], ARGV[1])
if kept then return {'kept', kept} end
if room[2] == '1' then return {'paused'} end
local now = tonumber(ARGV[3])
local last = redis.call('HGET', KEYS[6], ARGV[2])
if last and now - tonumber(last) < tonumber(ARGV[5]) then
  return {'wait', tostring(tonumber(last) + tonumber(ARGV[5]) - now)}
end
local sent = tonumber(redis.call('HGET', KEYS[5], ARGV[2]) or '0')
if sent >= tonumber(ARGV[6]) then return {'full'} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
redis.call('HSET', KEYS[5], ARGV[2], sent + 1)
redis.call('HSET', KEYS[6], ARGV[2], ARGV[3])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then
  for i = 2, 6 do redis.call('EXPIRE', KEYS[i], ttl) end
end
return {'added'}
"""

# KEYS: room, subs, order, hidden.  ARGV: id, '1' to hide or '0' to show, now.
SET_HIDDEN = """
local expires = redis.call('HGET', KEYS[1], 'expires')
if not expires or tonumber(expires) <= tonumber(ARGV[3]) then return 'missing' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'unknown' end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[3], seq, ARGV[1])
if ARGV[2] == '1' then redis.call('SADD', KEYS[4], ARGV[1]) else redis.call('SREM', KEYS[4], ARGV[1]) end
redis.call('EXPIRE', KEYS[4], math.max(redis.call('TTL', KEYS[1]), 1))
return 'ok'
"""

# KEYS: room, then its other keys.  ARGV: key digest, now, expires, time to live in seconds.
# Refuses a code whose room is open; an expired one's leftovers are deleted first.
CREATE = """
local expires = redis.call('HGET', KEYS[1], 'expires')
if expires and tonumber(expires) > tonumber(ARGV[2]) then return 'taken' end
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('HSET', KEYS[1], 'key_digest', ARGV[1], 'created', ARGV[2], 'expires', ARGV[3], 'paused', '0',
           'seq', '0', 'cleared_seq', '0')
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 'ok'
"""

# KEYS: room, then the keys to delete.  ARGV: now.
CLEAR = """
local expires = redis.call('HGET', KEYS[1], 'expires')
if not expires or tonumber(expires) <= tonumber(ARGV[1]) then return 'missing' end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'cleared_seq', seq)
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
return 'ok'
"""

# KEYS: room.  ARGV: field, value, now.  Sets a field of an open room (never creates a stray room hash).
SET_FIELD = """
local expires = redis.call('HGET', KEYS[1], 'expires')
if not expires or tonumber(expires) <= tonumber(ARGV[3]) then return 'missing' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'ok'
"""

# KEYS: room, subs, order, hidden.  ARGV: cursor, now.
# Returns {'ok', seq, reset} followed by (id, hidden, record) triples in change order.
CHANGES = """
local room = redis.call('HMGET', KEYS[1], 'expires', 'seq', 'cleared_seq')
if not room[1] or tonumber(room[1]) <= tonumber(ARGV[2]) then return {'missing'} end
local seq = tonumber(room[2] or '0')
local cursor = tonumber(ARGV[1])
local reset = cursor < tonumber(room[3] or '0') or cursor > seq
local ids
if reset then ids = redis.call('ZRANGE', KEYS[3], 0, -1) else
  ids = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf') end
local out = {'ok', tostring(seq), reset and '1' or '0'}
for _, id in ipairs(ids) do
  if redis.call('SISMEMBER', KEYS[4], id) == 1 then
    if not reset then table.insert(out, id); table.insert(out, '1'); table.insert(out, '') end
  else
    table.insert(out, id); table.insert(out, '0'); table.insert(out, redis.call('HGET', KEYS[2], id))
  end
end
return out
"""

UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.BusyLoadingError)


class RedisStore(ClassStore):
    def __init__(self, url: str, limits: RoomLimits | None = None, clock: Clock = time.time) -> None:
        super().__init__(limits, clock)
        # One immediate retry on a dropped connection (a restarted server); then StoreUnavailable, fast, so a page
        # says "unreachable" instead of hanging. The pool reconnects by itself on the next call.
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=COMMAND_TIMEOUT_S,
            retry=Retry(NoBackoff(), 1),
            decode_responses=True,
        )
        self._scripts = {
            name: self.client.register_script(text)
            for name, text in (
                ("create", CREATE),
                ("add", ADD),
                ("hidden", SET_HIDDEN),
                ("clear", CLEAR),
                ("field", SET_FIELD),
                ("changes", CHANGES),
            )
        }

    @staticmethod
    def _keys(code: str) -> dict[str, str]:
        # One hash tag per room: a Redis Cluster keeps a room's keys on one node, so its scripts may touch them all.
        return {
            part: f"explorer:room:{{{code}}}:{part}" for part in ("room", "subs", "order", "hidden", "sent", "last")
        }

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UNAVAILABLE:
            raise StoreUnavailable() from None

    def _script(self, name: str, keys: list[str], args: list) -> object:
        return self._call(self._scripts[name], keys=keys, args=args)

    def _insert_room(self, code: str, digest: str, now: float, expires: float) -> bool:
        keys = list(self._keys(code).values())
        args = [digest, repr(now), repr(expires), max(1, math.ceil(expires - now))]
        return self._script("create", keys, args) == "ok"

    def _fields(self, code: str) -> dict[str, str]:
        fields = self._call(self.client.hgetall, self._keys(code)["room"])
        if "expires" not in fields or float(fields["expires"]) <= self.clock():
            raise RoomNotFound()
        return fields

    def _room(self, code: str) -> Room:
        f = self._fields(code)
        return Room(code, float(f["created"]), float(f["expires"]), f.get("paused") == "1")

    def _key_digest(self, code: str) -> str:
        return self._fields(code)["key_digest"]

    def _add(self, code: str, submission: Submission) -> Submission:
        k = self._keys(code)
        args = [submission.id, submission.session, repr(submission.time), encoded(submission)]
        args += [repr(float(self.limits.min_interval_s)), self.limits.per_session]
        reply = self._script("add", list(k.values()), args)
        match reply[0]:
            case "added":
                return submission
            case "kept":
                return decoded(reply[1])
            case "paused":
                raise RoomPaused()
            case "wait":
                raise RateLimited(float(reply[1]))
            case "full":
                raise SubmissionLimit(self.limits.per_session)
        raise RoomNotFound()

    def _changes(self, code: str, cursor: int) -> Changes:
        k = self._keys(code)
        reply = self._script("changes", [k["room"], k["subs"], k["order"], k["hidden"]], [cursor, repr(self.clock())])
        if reply[0] != "ok":
            raise RoomNotFound()
        triples = [reply[i : i + 3] for i in range(3, len(reply), 3)]
        added = tuple(decoded(record) for _, hidden, record in triples if hidden == "0")
        removed = tuple(sid for sid, hidden, _ in triples if hidden == "1")
        return Changes(added, removed, int(reply[1]), reply[2] == "1")

    def _count(self, code: str) -> int:
        self._fields(code)
        k = self._keys(code)
        pipe = self.client.pipeline(transaction=True)
        pipe.hlen(k["subs"])
        pipe.scard(k["hidden"])
        kept, hidden = self._call(pipe.execute)
        return kept - hidden

    def _set_paused(self, code: str, paused: bool) -> None:
        if self._script("field", [self._keys(code)["room"]], ["paused", int(paused), repr(self.clock())]) != "ok":
            raise RoomNotFound()

    def _set_hidden(self, code: str, submission_id: str, hidden: bool) -> None:
        k = self._keys(code)
        keys = [k["room"], k["subs"], k["order"], k["hidden"]]
        reply = self._script("hidden", keys, [submission_id, int(hidden), repr(self.clock())])
        if reply == "unknown":
            raise UnknownSubmission()
        if reply != "ok":
            raise RoomNotFound()

    def _clear(self, code: str) -> None:
        k = self._keys(code)
        if self._script("clear", list(k.values()), [repr(self.clock())]) != "ok":
            raise RoomNotFound()

    def _delete(self, code: str) -> None:
        self._call(self.client.delete, *self._keys(code).values())
