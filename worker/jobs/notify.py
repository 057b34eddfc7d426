"""notify_operators: tell the operators' webhook that the coach asked for a person.

The console's badge is the record (an open help request); the webhook
(``TEXTCOACH_OPERATOR_WEBHOOK_URL``) is a nudge to whoever is on duty, so the job is small: it
POSTs one JSON notice, stamps ``notified_at`` on a 2xx, and otherwise retries with a growing
wait, up to NOTIFY_OPERATORS_MAX_TRIES. A request resolved or already notified by the time the
job runs is not sent.

The job is enqueued by the inbox job after the turn that opened the request has committed
(:func:`enqueue_notices`), under one id per request. A notice that never got through (the
webhook down for all its tries) is enqueued again after the athlete's next turn: the request
is still open and nobody has been told.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import httpx2
from arq import Retry

from worker import constants
from worker.clock import now
from worker.db.queries import sql
from worker.jobs.context import Deps, deps
from worker.queue import JobSpec, enqueue_many

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HelpNotice:
    """The JSON body the operators' webhook receives."""

    event: str
    athlete_id: str
    name: str | None
    reason: str
    detail: str | None
    requested_at: str
    console_url: str


def notify_job(help_request_id: UUID) -> JobSpec:
    return JobSpec(constants.NOTIFY_OPERATORS, (str(help_request_id),),
                   constants.notify_job_id(help_request_id))


async def enqueue_notices(d: Deps, user_id: UUID) -> int:
    """After a turn: a notice job for the athlete's open request the webhook has not been told
    of. Nothing (not even a query) when no webhook is configured."""
    if d.settings.operator_webhook_url is None:
        return 0
    rows = await d.pool.fetch(sql("help_to_notify"), user_id)
    return await enqueue_many(d.redis, [notify_job(row["id"]) for row in rows])


def retry_after(tries: int) -> float:
    """15 s, 30 s, 1 min, 2 min... capped at NOTIFY_RETRY_MAX_S."""
    return float(min(constants.NOTIFY_RETRY_S * 2 ** (tries - 1), constants.NOTIFY_RETRY_MAX_S))


async def notify_operators(ctx: dict[str, Any], help_request_id: str) -> str:
    d = deps(ctx)
    url = d.settings.operator_webhook_url
    if url is None:
        return "no operator webhook configured"
    request_id = UUID(help_request_id)
    row = await d.pool.fetchrow(sql("help_notice"), request_id)
    if row is None:
        return "no such help request"
    if row["resolved_at"] is not None:
        return "resolved before the notice went out"
    if row["notified_at"] is not None:
        return "already notified"
    notice = HelpNotice(
        event="help_requested", athlete_id=str(row["user_id"]), name=row["name"],
        reason=row["reason"], detail=row["detail"],
        requested_at=row["created_at"].isoformat(),
        console_url=f"{d.settings.base_url}/console/athletes/{row['user_id']}",
    )
    try:
        async with httpx2.AsyncClient(timeout=constants.NOTIFY_HTTP_TIMEOUT_S) as http:
            response = await http.post(url, json=asdict(notice),
                                       headers={"User-Agent": "textcoach"})
    except httpx2.HTTPError as exc:
        failure = f"{type(exc).__name__}: {exc}"
    else:
        if response.is_success:
            await d.pool.execute(sql("mark_help_notified"), request_id, now())
            return "notified"
        failure = f"HTTP {response.status_code}"
    tries = int(ctx.get("job_try") or 1)
    if tries >= constants.NOTIFY_OPERATORS_MAX_TRIES:
        log.error("help request %s: the operators' webhook refused its notice %d times (%s); "
                  "giving up until the athlete's next turn", request_id, tries, failure)
        return f"gave up: {failure}"
    delay = retry_after(tries)
    log.warning("help request %s: operators' webhook failed (%s); retrying in %.0fs",
                request_id, failure, delay)
    raise Retry(defer=delay)
