"""The console's health page: what an operator checks when texts feel slow or costs jump.

``/healthz`` stays the machine check (a load balancer's yes or no); this page is for people.
"""

from __future__ import annotations

from datetime import timedelta

from arq.constants import in_progress_key_prefix
from starlette.requests import Request
from starlette.responses import Response

from worker import constants
from worker.clock import now
from worker.db.queries import sql
from worker.web.console.access import page, signed_in, to_login
from worker.web.deps import deps_of

#: In-progress keys counted at most: enough to see a stuck fleet, cheap to scan.
IN_PROGRESS_SCAN_LIMIT = 10_000


async def health_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    d = deps_of(request)
    moment = now()
    day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    async with d.pool.acquire() as conn:
        vitals = await conn.fetchrow(sql("console_health"), moment - timedelta(hours=24),
                                     day_start, moment)
        sends = await conn.fetch(sql("console_sends_by_status"), moment - timedelta(hours=24))
        cost_days = await conn.fetch(sql("console_cost_by_day"), day_start - timedelta(days=13))
    queued = await d.redis.zcard(constants.QUEUE_NAME)
    in_progress = 0
    async for _ in d.redis.scan_iter(match=f"{in_progress_key_prefix}*", count=1000):
        in_progress += 1
        if in_progress >= IN_PROGRESS_SCAN_LIMIT:
            break
    last_sweep = await d.redis.get(constants.SWEEP_LAST_RUN)
    assert vitals is not None
    error_rate = vitals["agent_errors"] / vitals["agent_calls"] if vitals["agent_calls"] else 0.0
    return await page(request, "console/health.html", who, vitals=vitals, sends=sends,
                  cost_days=cost_days, queued=queued, in_progress=in_progress,
                  last_sweep=last_sweep.decode() if isinstance(last_sweep, bytes)
                  else last_sweep, error_rate=error_rate)
