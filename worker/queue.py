"""Enqueueing jobs on ARQ.

An enqueue that fails (Redis down, a job id already queued) loses nothing: the row it was for is
in PostgreSQL and the sweeper enqueues it again. So these helpers log and carry on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from worker import constants
from worker.errors import ConfigError
from worker.lua import LuaScript

log = logging.getLogger(__name__)


def redis_settings(url: str) -> RedisSettings:
    """ARQ settings for a redis://, rediss:// or unix:// URL, retrying through short outages."""
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 5
    settings.conn_retries = 10
    settings.conn_retry_delay = 1
    settings.retry_on_timeout = True
    settings.retry_on_error = [RedisConnectionError]
    return settings


async def connect_redis(url: str) -> ArqRedis:
    try:
        return await create_pool(
            redis_settings(url), default_queue_name=constants.QUEUE_NAME, retry=2
        )
    except (OSError, RedisError) as exc:
        raise ConfigError(f"cannot connect to Redis at {url}: {exc}") from None


def inbox_job(user_id: UUID, message_id: UUID, *, defer_s: float = 0,
              sweep_tick: int | None = None) -> JobSpec:
    """The job that drains the athlete's inbox, after a debounce for texts sent in a burst.
    ``sweep_tick``: re-enqueued by the sweeper, under that tick's id."""
    job_id = constants.inbox_job_id(message_id)
    if sweep_tick is not None:
        job_id = constants.swept_job_id(job_id, sweep_tick)
    return JobSpec(constants.PROCESS_INBOX, (str(user_id),), job_id, defer_s)


async def enqueue_inbox(
    redis: ArqRedis, *, user_id: UUID, message_id: UUID, defer_s: float = 0,
    sweep_tick: int | None = None,
) -> bool:
    return await _enqueue_job(
        redis, inbox_job(user_id, message_id, defer_s=defer_s, sweep_tick=sweep_tick)
    )


async def enqueue_send(redis: ArqRedis, message_id: UUID, *,
                       sweep_tick: int | None = None, first: bool = False,
                       defer_s: float = 0, paced_turn: float | None = None) -> bool:
    """``first``: a reply's send, to run now, queued REPLY_QUEUE_LEAD_S in the past. ARQ
    starts the lowest score (the moment a job may start) first, so it goes ahead of scheduled
    jobs that became ready within that lead (a morning's backlog) instead of behind them. Not
    for a deferred job: a score in the past would run it at once. ``paced_turn``: a send
    deferred by pacing (``defer_s`` from now), under its own id, with the bucket's turn."""
    job_id = constants.send_job_id(message_id)
    if sweep_tick is not None:
        job_id = constants.swept_job_id(job_id, sweep_tick)
    args = [str(message_id)]
    if paced_turn is not None:
        job_id = constants.paced_job_id(job_id, paced_turn)
        args.append(repr(paced_turn))
    if first:
        defer_s -= constants.REPLY_QUEUE_LEAD_S
    return await _enqueue(redis, constants.SEND_MESSAGE, *args, job_id=job_id, defer_s=defer_s)


def daily_job(user_id: UUID, due_at: datetime, *, defer_s: float = 0) -> JobSpec:
    return JobSpec(constants.SEND_DAILY, (str(user_id),), constants.daily_job_id(user_id, due_at),
                   defer_s)


def weekly_job(user_id: UUID, due_at: datetime, *, defer_s: float = 0) -> JobSpec:
    return JobSpec(constants.SEND_WEEKLY, (str(user_id),),
                   constants.weekly_job_id(user_id, due_at), defer_s)


async def enqueue_daily(redis: ArqRedis, user_id: UUID, due_at: datetime) -> bool:
    return await _enqueue_job(redis, daily_job(user_id, due_at))


async def enqueue_weekly(redis: ArqRedis, user_id: UUID, due_at: datetime) -> bool:
    return await _enqueue_job(redis, weekly_job(user_id, due_at))


async def enqueue_build_plan(redis: ArqRedis, user_id: UUID) -> bool:
    return await _enqueue(
        redis, constants.BUILD_PLAN, str(user_id), job_id=constants.plan_job_id(user_id)
    )


async def enqueue_write_week(redis: ArqRedis, microcycle_id: UUID) -> bool:
    return await _enqueue(
        redis, constants.WRITE_WEEK, str(microcycle_id),
        job_id=constants.week_job_id(microcycle_id),
    )


@dataclass(frozen=True)
class JobSpec:
    """One job to enqueue: what ``ArqRedis.enqueue_job`` would be given."""

    function: str
    args: tuple[str, ...]
    job_id: str
    defer_s: float = 0


#: ARQ's enqueue for any number of jobs, as one atomic script: a job id that is queued or has
#: a result is refused, any other job is stored and added to the queue. ``enqueue_job`` does
#: one job in three round trips (WATCH, EXISTS, MULTI/EXEC); this does a batch in one.
#: KEYS: the queue, then each job's key and result key. ARGV: each job's expiry (ms),
#: serialised job, score and id. Returns 1 or 0 per job, in order.
_ENQUEUE = LuaScript("""
local added = {}
for i = 0, (#KEYS - 1) / 2 - 1 do
  local job_key, result_key = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  if redis.call('EXISTS', job_key, result_key) == 0 then
    redis.call('PSETEX', job_key, ARGV[1 + 4 * i], ARGV[2 + 4 * i])
    redis.call('ZADD', KEYS[1], ARGV[3 + 4 * i], ARGV[4 + 4 * i])
    added[i + 1] = 1
  else
    added[i + 1] = 0
  end
end
return added
""")


async def _run_enqueue(redis: ArqRedis, jobs: Sequence[JobSpec]) -> list[int]:
    """One script run for ``jobs``, writing what ARQ itself would write for each: the same
    key names, serialised job, score and expiry, so ARQ's worker runs it as if
    ``enqueue_job`` had."""
    keys: list[str] = [redis.default_queue_name]
    args: list[bytes | int | str] = []
    enqueued_ms = timestamp_ms()
    for job in jobs:
        score = enqueued_ms + round(job.defer_s * 1000)
        keys += [job_key_prefix + job.job_id, result_key_prefix + job.job_id]
        args += [score - enqueued_ms + redis.expires_extra_ms,
                 serialize_job(job.function, job.args, {}, None, enqueued_ms,
                               serializer=redis.job_serializer),
                 score, job.job_id]
    added = await _ENQUEUE.run(redis, keys, args)
    return [int(flag) for flag in added]


async def enqueue_many(redis: ArqRedis, jobs: Sequence[JobSpec]) -> int:
    """Enqueue ``jobs`` in batches of ENQUEUE_BATCH, one Redis call each; how many were new.
    A failed batch is logged and skipped: every job is for a row in PostgreSQL that the next
    tick or the sweeper finds again."""
    added = 0
    for start in range(0, len(jobs), constants.ENQUEUE_BATCH):
        batch = jobs[start:start + constants.ENQUEUE_BATCH]
        try:
            added += sum(await _run_enqueue(redis, batch))
        except (OSError, RedisError):
            log.warning("could not enqueue %d jobs; the next tick or the sweeper will retry",
                        len(batch))
    return added


async def _enqueue(
    redis: ArqRedis, function: str, *args: str, job_id: str, defer_s: float = 0
) -> bool:
    return await _enqueue_job(redis, JobSpec(function, args, job_id, defer_s))


async def _enqueue_job(redis: ArqRedis, job: JobSpec) -> bool:
    try:
        return (await _run_enqueue(redis, [job])) == [1]
    except (OSError, RedisError):
        log.warning("could not enqueue %s %s; the sweeper will retry", job.function, job.job_id)
        return False
