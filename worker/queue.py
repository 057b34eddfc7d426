"""Enqueueing jobs on ARQ.

An enqueue that fails (Redis down, a job id already queued) loses nothing: the row it was for is
in PostgreSQL and the sweeper enqueues it again. So these helpers log and carry on.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from worker import constants
from worker.errors import ConfigError

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


async def enqueue_inbox(
    redis: ArqRedis, *, user_id: UUID, message_id: UUID, defer_s: float = 0,
    sweep_tick: int | None = None,
) -> bool:
    """Ask for the athlete's inbox to be drained, after a debounce for texts sent in a burst.
    ``sweep_tick``: re-enqueued by the sweeper, under that tick's id."""
    job_id = constants.inbox_job_id(message_id)
    return await _enqueue(
        redis,
        constants.PROCESS_INBOX,
        str(user_id),
        job_id=job_id if sweep_tick is None else constants.swept_job_id(job_id, sweep_tick),
        defer_s=defer_s,
    )


async def enqueue_send(redis: ArqRedis, message_id: UUID, *,
                       sweep_tick: int | None = None) -> bool:
    job_id = constants.send_job_id(message_id)
    return await _enqueue(
        redis, constants.SEND_MESSAGE, str(message_id),
        job_id=job_id if sweep_tick is None else constants.swept_job_id(job_id, sweep_tick),
    )


async def enqueue_daily(redis: ArqRedis, user_id: UUID, due_at: datetime) -> bool:
    return await _enqueue(
        redis, constants.SEND_DAILY, str(user_id),
        job_id=constants.daily_job_id(user_id, due_at),
    )


async def enqueue_weekly(redis: ArqRedis, user_id: UUID, due_at: datetime) -> bool:
    return await _enqueue(
        redis, constants.SEND_WEEKLY, str(user_id),
        job_id=constants.weekly_job_id(user_id, due_at),
    )


async def enqueue_build_plan(redis: ArqRedis, user_id: UUID) -> bool:
    return await _enqueue(
        redis, constants.BUILD_PLAN, str(user_id), job_id=constants.plan_job_id(user_id)
    )


async def enqueue_write_week(redis: ArqRedis, microcycle_id: UUID) -> bool:
    return await _enqueue(
        redis, constants.WRITE_WEEK, str(microcycle_id),
        job_id=constants.week_job_id(microcycle_id),
    )


async def _enqueue(
    redis: ArqRedis, function: str, *args: str, job_id: str, defer_s: float = 0
) -> bool:
    try:
        job = await redis.enqueue_job(
            function, *args, _job_id=job_id, _defer_by=defer_s or None
        )
    except (OSError, RedisError):
        log.warning("could not enqueue %s %s; the sweeper will retry", function, job_id)
        return False
    return job is not None
