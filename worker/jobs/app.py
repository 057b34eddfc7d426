"""The ARQ worker: its functions, its cron, and the resources every job shares."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from arq import cron
from arq.worker import Worker, func

from worker import constants
from worker.agents.runtime import Limits, Runtime
from worker.db.pool import create_pool
from worker.jobs.context import Deps, deps
from worker.jobs.daily import fan_out_daily, send_daily
from worker.jobs.inbox import process_inbox
from worker.jobs.notify import notify_operators
from worker.jobs.plans import build_plan_job, roll_weeks, write_week_job
from worker.jobs.retention import maintain_agent_logs
from worker.jobs.send import send_message
from worker.jobs.sweep import drain_inbound, sweep
from worker.jobs.weekly import send_weekly
from worker.llm.offline import OfflineProvider
from worker.llm.openai_provider import OpenAIProvider
from worker.llm.providers import make_provider
from worker.llm.types import Provider
from worker.photos.fetch import MediaSource, make_media_source
from worker.photos.save import PhotoServices, photo_services, purge_deleted
from worker.photos.store import PhotoStore, make_store
from worker.queue import redis_settings
from worker.settings import Settings
from worker.sms.channel import Channel, make_channel

log = logging.getLogger(__name__)

async def purge_photos(ctx: dict[str, Any], user_id: str | None = None) -> str:
    """Remove deleted photos' bytes from the store: one athlete's after "delete my photos",
    everyone's from the cron. A store error fails the job, and ARQ or the cron tries again."""
    d = deps(ctx)
    purged = await purge_deleted(d.pool, photo_services(ctx, d.settings).store,
                                 UUID(user_id) if user_id else None)
    return f"{purged} purged"


# (job, name, timeout, max tries). Results are never kept: the rows in PostgreSQL are the record,
# and a kept result would make ARQ refuse the sweeper's re-enqueue under the same job id.
JOBS: list[tuple[Any, str, int, int]] = [
    (process_inbox, constants.PROCESS_INBOX, constants.PROCESS_INBOX_TIMEOUT_S,
     constants.PROCESS_INBOX_MAX_TRIES),
    (send_message, constants.SEND_MESSAGE, constants.SEND_MESSAGE_TIMEOUT_S,
     constants.SEND_MESSAGE_MAX_TRIES),
    (send_daily, constants.SEND_DAILY, constants.DAILY_TIMEOUT_S, constants.DAILY_MAX_TRIES),
    (send_weekly, constants.SEND_WEEKLY, constants.DAILY_TIMEOUT_S, constants.DAILY_MAX_TRIES),
    (build_plan_job, constants.BUILD_PLAN, constants.PLAN_TIMEOUT_S, constants.PLAN_MAX_TRIES),
    (write_week_job, constants.WRITE_WEEK, constants.PLAN_TIMEOUT_S, constants.PLAN_MAX_TRIES),
    (notify_operators, constants.NOTIFY_OPERATORS, constants.NOTIFY_OPERATORS_TIMEOUT_S,
     constants.NOTIFY_OPERATORS_MAX_TRIES),
    (purge_photos, constants.PURGE_PHOTOS, constants.PURGE_PHOTOS_TIMEOUT_S,
     constants.PURGE_PHOTOS_MAX_TRIES),
]
FUNCTIONS = [
    func(job, name=name, timeout=timeout, max_tries=tries, keep_result=0)
    for job, name, timeout, tries in JOBS
]


async def _calls_tools(provider: Provider) -> bool:
    """Probe a model endpoint once at start: one that drops tool calls gets a loud warning,
    and the runtime's no-tools mode (the language layer chooses the tools)."""
    if not isinstance(provider, OpenAIProvider):
        return True
    try:
        found = await provider.probe()
    except Exception:
        log.warning("could not probe the model endpoint; assuming it calls tools",
                    exc_info=True)
        return True
    if not found.tools:
        log.warning("the model endpoint does not call tools (%s): using no-tools mode, where "
                    "the offline language layer chooses each turn's tools", found.detail)
    if not found.json_schema:
        log.warning("the model endpoint did not return structured output (%s): its answers "
                    "will be re-asked and fall back to the offline coach", found.detail)
    return found.tools


def build_worker(
    settings: Settings,
    *,
    database_url: str,
    redis_url: str,
    channel: Channel | None = None,
    provider: Provider | None = None,
    retry_wait_s: float = 0.5,
    burst: bool = False,
    handle_signals: bool = True,
    poll_delay: float = 0.1,
    media_source: MediaSource | None = None,
    photo_store: PhotoStore | None = None,
) -> Worker:
    """An ARQ worker wired to this product's jobs, cron and shared resources."""

    async def startup(ctx: dict[str, Any]) -> None:
        pool = await create_pool(database_url, max_size=settings.worker_concurrency + 2)
        model = provider or make_provider(settings)
        ctx["photos"] = PhotoServices(media_source or make_media_source(settings),
                                      photo_store or make_store(settings))
        calls_tools = await _calls_tools(model) if provider is None else True
        ctx["deps"] = Deps(
            pool=pool,
            redis=ctx["redis"],
            settings=settings,
            channel=channel or make_channel(settings),
            runtime=Runtime(
                pool,
                model,
                OfflineProvider(),
                attempts=settings.llm_attempts,
                retry_wait_s=retry_wait_s,
                limits=Limits.of(settings.daily_budget_usd, settings.model_turns_per_hour),
                model_calls_tools=calls_tools,
            ),
        )

    async def shutdown(ctx: dict[str, Any]) -> None:
        # Close only what this worker opened: a channel or provider handed in (a replay runs
        # one worker per step on one provider) belongs to the caller, who closes it.
        found = ctx.get("deps")
        if isinstance(found, Deps):
            if channel is None:
                await found.channel.close()
            if found.runtime is not None and provider is None:
                await found.runtime.provider.close()
            await found.pool.close()
        photos = ctx.get("photos")
        if isinstance(photos, PhotoServices) and media_source is None:
            await photos.source.close()

    return Worker(
        functions=FUNCTIONS,
        cron_jobs=[
            cron(
                drain_inbound,
                name=constants.DRAIN_INBOUND,
                second=set(range(0, 60, constants.DRAIN_EVERY_S)),
                timeout=constants.SWEEP_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
            cron(
                sweep,
                name=constants.SWEEP,
                second=30,
                timeout=constants.SWEEP_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
            cron(
                fan_out_daily,
                name=constants.FAN_OUT_DAILY,
                second=0,
                timeout=constants.SWEEP_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
            cron(
                roll_weeks,
                name=constants.ROLL_WEEKS,
                minute={7, 37},
                second=0,
                timeout=constants.SWEEP_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
            cron(
                purge_photos,
                name=constants.PURGE_PHOTOS,
                minute=set(constants.PURGE_PHOTOS_MINUTES),
                second=0,
                timeout=constants.PURGE_PHOTOS_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
            cron(
                maintain_agent_logs,
                name=constants.MAINTAIN_AGENT_LOGS,
                hour=3,
                minute=17,
                second=0,
                timeout=constants.MAINTAIN_AGENT_LOGS_TIMEOUT_S,
                unique=True,
                run_at_startup=True,
            ),
        ],
        queue_name=constants.QUEUE_NAME,
        redis_settings=redis_settings(redis_url),
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=settings.worker_concurrency,
        burst=burst,
        handle_signals=handle_signals,
        poll_delay=poll_delay,
        health_check_interval=constants.HEALTH_CHECK_INTERVAL_S,
        keep_result=0,
    )
