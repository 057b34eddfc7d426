"""Plan jobs: the first plan after onboarding, each week's workouts, and the weekly rollover.

Each is idempotent against PostgreSQL (one active plan per athlete; a week is written once), so
ARQ re-running one, or two workers racing, writes nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from uuid import UUID

import asyncpg

from worker import constants
from worker.agents.plans import build_plan, write_week
from worker.agents.runtime import deadline_after
from worker.clock import now
from worker.coach.referrals import credit_referral
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.onboarding import ESSENTIALS, Assumption, assumed_fact, assumptions
from worker.domain.profile import Profile
from worker.domain.programs import recommend
from worker.errors import ProfileIncomplete
from worker.jobs.context import deps
from worker.library.programs import published_programs
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_send, enqueue_write_week
from worker.staff.takeover import current_takeover
from worker.timezones import zone_label

log = logging.getLogger(__name__)


async def build_plan_job(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    trace = uuid.uuid4()
    try:
        with deadline_after(constants.PLAN_TIMEOUT_S):
            result = await build_plan(d.pool, d.agents(), athlete, trace_id=trace)
    except ProfileIncomplete as exc:
        return f"profile incomplete: {exc}"
    # Onboarding is complete: whoever referred this athlete is credited (once; a re-run
    # credits nothing more), whatever happens to the plan's own text below.
    async with d.pool.acquire() as conn, conn.transaction():
        thanks = await credit_referral(
            conn, athlete, coach_number=d.settings.coach_number,
            free_days=constants.REFERRAL_FREE_DAYS if d.settings.subscription_required else 0)
    for message_id in thanks:
        await enqueue_send(d.redis, message_id)
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("get_user"), athlete)
        profile = await latest_profile(conn, athlete) or Profile()
        enrolled = await conn.fetchrow(sql("active_enrollment"), athlete)
        # A programme written for exactly what they said they want is worth a line.
        offer = None if enrolled is not None else recommend(
            profile, await published_programs(conn))
    assert user is not None
    assumed = plan_assumptions(profile, user)
    body = plan_message(user, result.summary, result.first_session,
                        [a.wording for a in assumed])
    if offer is not None:
        body += (f" There's a programme made for that goal: text JOIN {offer.keyword} to "
                 f"follow {offer.name} instead.")
    try:
        async with d.pool.acquire() as conn, conn.transaction():
            if await current_takeover(conn, athlete) is not None:
                # A person has the conversation: the plan's text waits for the hand-back
                # (resume_coach queues this job again; the plan itself is written).
                return f"plan {result.plan_id} ready; its text waits: a person has taken over"
            # The assumptions are offered for correction: the reply to this text answers them.
            ids = await write_outbound(
                conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
                from_number=d.settings.coach_number, to_number=user["phone"], body=body,
                kind="plan_summary", turn_id=trace, dedupe_key=f"plan:{result.plan_id}",
                asks=[a.field for a in assumed] or None,
            )
    except asyncpg.UniqueViolationError:
        # Its plan-ready text went out already: the one text per plan is its dedupe key.
        return "plan already exists"
    for message_id in ids:
        await enqueue_send(d.redis, message_id, first=True)  # the athlete is waiting for it
    # A re-run after a kill between the plan's commit and this text finishes it here.
    return f"plan {result.plan_id} {'written' if result.created else 'finished'}"


def plan_assumptions(profile: Profile, user: Any) -> list[Assumption]:
    """What the plan took as given that the athlete did not say, in a few words each."""
    stored = [f for f in profile.assumed if f in ESSENTIALS]
    found = assumptions(profile, {f: getattr(profile, f) for f in stored})
    found += [assumed_fact(profile, f) for f in sorted(profile.assumed)
              if f not in ESSENTIALS and getattr(profile, f) is not None]
    if "timezone" not in profile.stated:
        zone = user["timezone"]
        found.append(Assumption("timezone", zone, f"{zone_label(zone) or zone} time"))
    if "send_time" not in profile.stated:
        clock_time = user["send_time"].strftime("%H:%M")
        found.append(Assumption("send_time", clock_time, f"a {clock_time} text"))
    return found


def plan_message(
    user: Any, summary: str, first: dict[str, Any] | None, assumed: list[str] | None = None
) -> str:
    """The plan-ready text: what the plan is, when it starts, and what was assumed."""
    name = f", {user['name']}" if user["name"] else ""
    send_time = user["send_time"].strftime("%H:%M")
    if first is None:
        when = "Your first session is coming up this week"
    else:
        when = f"First session: {first['date']:%a %d %b} ({first['title']})"
    text = f"Your plan is ready{name}! {summary} {when}, texted at {send_time}."
    if assumed:
        listed = assumed[0] if len(assumed) == 1 else (
            f"{', '.join(assumed[:-1])} and {assumed[-1]}")
        text += f" I assumed {listed}; text me anything that's different."
    return text


async def write_week_job(ctx: dict[str, Any], microcycle_id: str) -> str:
    d = deps(ctx)
    with deadline_after(constants.PLAN_TIMEOUT_S):
        written = await write_week(d.pool, d.agents(), UUID(microcycle_id),
                                   trace_id=uuid.uuid4())
    return f"{written} days written"


async def roll_weeks(ctx: dict[str, Any]) -> str:
    """Cron: enqueue the writing of every week starting within WEEK_LEAD_DAYS, athlete-local.

    One indexed query finds them; each week is its own job with its own retries.
    """
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        due = await conn.fetch(
            sql("due_microcycles"), now(), constants.WEEK_LEAD_DAYS, constants.SWEEP_BATCH,
            None,
        )
    for row in due:
        await enqueue_write_week(d.redis, row["id"])
    return f"{len(due)} weeks due"
