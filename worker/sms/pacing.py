"""Send pacing: one token bucket per sender, in Redis, shared by every worker.

A 10DLC number or campaign is allowed a few messages a second and a short code about a hundred;
Twilio queues the rest, first in first out, so a morning minute of tens of thousands of texts
would put every reply behind them. The bucket keeps that queue here instead, where replies can
go first:

* **One script, one round trip.** The bucket is a Redis hash per sender (the messaging service
  when one is configured, since Twilio paces the service, else the number), read, refilled and
  taken from by one Lua script, so any number of workers share it atomically. It is loaded once
  and run by EVALSHA (loaded again after NOSCRIPT: a new, restarted or flushed Redis).
* **The time is an argument**, from :func:`worker.clock.now` (replays and tests drive it); the
  script never lets a bucket's time run backwards, so a host whose clock lags refills nothing,
  and a turn counts from up to PACE_TURN_EARLY_S before it, so such a host keeps its place.
* **Replies first.** The bucket holds about a second of the rate. A reply may take any token; a
  scheduled text (the morning workout, the recap, check-ins) only one above a reserve (a fifth
  of the bucket, at least one token), so a reply finds one at once even while scheduled texts
  take every token the rate refills.
* **A line for scheduled texts.** A refused scheduled text is told when to come back: the first
  moment its tokens are free after the texts already told to come back earlier (each turn its
  tokens' worth of the rate after the last). Coming back at its turn, it goes before scheduled
  texts that have none: while a line waits, those join its end. So a backlog comes back at the
  rate, not all at once to be refused again and again, and in order; a turn reserves nothing,
  so a reply that arrives meanwhile still goes first (and a text it pushed out of its turn
  joins the end). A scheduled text takes the tokens of all its parts at once, so its parts go
  out together rather than a line apart. Refused replies are told to come back a token apart
  too (after a back-off, say), though a new reply still takes any token there is.
* **Back-off.** When Twilio answers 429 (or error 20429) the sender's bucket is emptied and
  blocked for a few seconds, doubling on each 429 that follows soon after, for every worker.

The send job (:mod:`worker.jobs.send`) takes a token just before it claims a row, so a row that
may not go yet simply stays ``pending`` and exactly-once is untouched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from arq.connections import ArqRedis

from worker import constants
from worker.domain.windows import SCHEDULED_KINDS
from worker.lua import LuaScript
from worker.settings import Settings

#: Kinds the product sends in bulk at set times: they keep out of the replies' reserve. The
#: plan-ready text is scheduled for its window, but the athlete is waiting for it: a reply.
BULK_KINDS = SCHEDULED_KINDS - {"plan_summary"}

#: KEYS[1]: the bucket. ARGV: now, rate, capacity, reserve, mode ('reply', 'bulk' or
#: 'backoff'), turn (bulk: the time this caller was told to come back, 0 for none), tokens
#: (bulk: taken at once, for every text of the caller's run), ttl (s), back-off base, max and
#: memory (s), how early a turn may be used (s). Returns, as a string (Lua numbers come back
#: as integers): for a take, 0 when the tokens were taken, else the seconds until this
#: caller's turn; for a back-off, the seconds blocked. Numbers are stored with all 17 digits:
#: an epoch time in Lua's default 14 would lose a tenth of a millisecond on every call.
_SCRIPT = LuaScript("""
local now, rate, cap, reserve = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4])
local mode, turn, want, ttl = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 't', 'ts', 'blocked', 'line', 'rline', 'strikes')
local tokens, ts = tonumber(s[1]) or cap, tonumber(s[2]) or now
local blocked, line, rline = tonumber(s[3]) or 0, tonumber(s[4]) or 0, tonumber(s[5]) or 0
local strikes = tonumber(s[6]) or 0
if now > ts then
  local from = math.max(ts, blocked)
  if now > from then tokens = math.min(cap, tokens + (now - from) * rate) end
  ts = now
end
local result = 0
if mode == 'backoff' then
  if now < blocked then
    result = blocked - now
  else
    if now - blocked > tonumber(ARGV[11]) then strikes = 0 end
    result = math.min(tonumber(ARGV[9]) * 2 ^ strikes, tonumber(ARGV[10]))
    strikes = strikes + 1
    blocked = now + result
    tokens = 0
  end
else
  local bulk = mode == 'bulk'
  if not bulk then want = 1 end
  local floor = want
  if bulk then floor = want + reserve end
  local may = now >= blocked and tokens >= floor
  local my_turn = turn > 0 and turn <= now + tonumber(ARGV[12])
  if bulk and line > now and not my_turn then may = false end
  if may then
    tokens = tokens - want
  else
    local free_at = math.max(now, blocked) + math.max(0, floor - tokens) / rate
    if bulk then
      free_at = math.max(free_at, line)
      line = free_at + want / rate
    else
      free_at = math.max(free_at, rline)
      rline = free_at + 1 / rate
    end
    -- A millisecond late, so that rounding never finds a caller a hair short at its turn.
    result = free_at - now + 1e-3
  end
end
local function exact(x) return string.format('%.17g', x) end
redis.call('HSET', KEYS[1], 't', exact(tokens), 'ts', exact(ts), 'blocked', exact(blocked),
  'line', exact(line), 'rline', exact(rline), 'strikes', strikes)
redis.call('PEXPIRE', KEYS[1],
  math.ceil(1000 * (ttl + math.max(0, blocked - now, line - now, rline - now))))
return exact(result)
""")



@dataclass(frozen=True)
class Bucket:
    """A sender's rate (tokens a second), how many tokens it holds, and the replies' share."""

    rate: float
    capacity: float
    reserve: float

    @classmethod
    def of(cls, rate: float) -> Bucket | None:
        """The bucket for ``rate`` messages a second; None when sends are not paced."""
        if rate <= 0:
            return None
        burst = max(1.0, rate * constants.PACE_BURST_S)
        reserve = max(1.0, constants.PACE_REPLY_RESERVE * burst)
        # A scheduled text's parts are taken together, above the reserve: the bucket holds
        # that many (three tokens for a long code at 1 a second).
        parts = constants.PACE_PARTS_PER_SCHEDULED_TEXT
        return cls(rate=rate, capacity=max(burst, reserve + parts), reserve=reserve)

    def batch(self, texts: int) -> int:
        """Tokens a scheduled run of ``texts`` takes at once: all of them, up to what the
        bucket holds above the reserve (a longer run takes the rest at its next turn)."""
        return max(1, min(texts, int(self.capacity - self.reserve)))


def is_bulk(kind: str) -> bool:
    return kind in BULK_KINDS


def sender_for(settings: Settings, from_number: str) -> str:
    """Whose rate a text uses: the messaging service when Twilio sends through one (then it
    does, whatever the row's from number: see TwilioChannel.send), else the number."""
    if settings.uses_twilio and settings.twilio_messaging_service_sid:
        return settings.twilio_messaging_service_sid
    return from_number


def bucket_key(sender: str) -> str:
    return f"{constants.PACE_BUCKET_PREFIX}{sender}"


async def take(
    redis: ArqRedis, bucket: Bucket, sender: str, *, bulk: bool, at: float,
    turn: float = 0.0, tokens: int = 1,
) -> float:
    """Take a token of ``sender``'s at time ``at`` (epoch seconds): 0.0 when taken, else the
    seconds until this caller may try again. A reply takes one. A bulk (scheduled) caller
    takes ``tokens`` at once (:meth:`Bucket.batch`: the parts of its text go together, at its
    turn) and passes the ``turn`` it was given last time (``at`` + the wait)."""
    return await _run(redis, bucket, sender, at, "bulk" if bulk else "reply", turn,
                      bucket.batch(tokens) if bulk else 1)


async def back_off(redis: ArqRedis, bucket: Bucket, sender: str, *, at: float) -> float:
    """The provider said "too many requests": empty and block the sender's bucket; the seconds
    it is blocked. A 429 that arrives while it is blocked (a request sent before the block)
    neither lengthens nor doubles it."""
    return await _run(redis, bucket, sender, at, "backoff", 0.0, 1)


async def _run(
    redis: ArqRedis, bucket: Bucket, sender: str, at: float, mode: str, turn: float,
    tokens: int,
) -> float:
    args = (repr(at), repr(bucket.rate), repr(bucket.capacity), repr(bucket.reserve), mode,
            repr(turn), str(max(1, tokens)), str(constants.PACE_BUCKET_TTL_S),
            repr(constants.PACE_BACKOFF_S), repr(constants.PACE_BACKOFF_MAX_S),
            repr(constants.PACE_BACKOFF_MEMORY_S), repr(constants.PACE_TURN_EARLY_S))
    return float(await _SCRIPT.run(redis, [bucket_key(sender)], args))


def sleeps(wait: float, *, bulk: bool) -> bool:
    """Whether a job waits this long in place (holding its worker slot), or is re-enqueued.
    A scheduled text sleeps only for a moment: its slot is a reply's to take."""
    limit = constants.PACE_SCHEDULED_SLEEP_MAX_S if bulk else constants.PACE_SLEEP_MAX_S
    return wait <= limit


def fan_out_spacing(due: int, rate: float) -> float:
    """Seconds between consecutive due athletes' jobs in one fan-out tick: spread evenly over
    the minute, or further apart when the minute cannot hold them at the share of the rate
    planned for scheduled texts. 0 when sends are not paced (they go as fast as they are
    written). The due list is ordered by due time, so the next tick's newly due athletes,
    ranked after those still waiting, land after them: the spacing chains across ticks."""
    if rate <= 0 or due <= 0:
        return 0.0
    per_text = constants.PACE_PARTS_PER_SCHEDULED_TEXT / (rate * constants.PACE_SCHEDULED_SHARE)
    return max(60.0 / due, per_text)


def fan_out_offsets(due: int, rate: float) -> list[float]:
    """The defer, in seconds, of each of ``due`` athletes in due order (see fan_out_spacing)."""
    spacing = fan_out_spacing(due, rate)
    return [round(rank * spacing, 3) for rank in range(due)]


def spread_seconds(due: int, rate: float) -> float:
    """How long a tick's ``due`` athletes are spread over."""
    return math.ceil(due * fan_out_spacing(due, rate))
