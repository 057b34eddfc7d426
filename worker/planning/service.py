"""Writing plans and weeks: agents propose, the engine checks, PostgreSQL keeps.

``build_plan`` turns a complete profile into a fitness plan: the plan agent's outline (repaired
to the rules) becomes mesocycles and every microcycle, each an explicit [start, end) week, and
week 1's workouts are written at once. ``write_week`` writes one microcycle's workouts from the
week agent's proposal, repaired against the library and the athlete's constraints, using last
week's logs; the rollover cron calls it for every week before it starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from worker.agents.context import athlete_variables
from worker.agents.runtime import Call, Runtime
from worker.agents.schemas import PlanOutline, WeekPlan
from worker.clock import now
from worker.coach.achievements import award
from worker.coach.adapt import apply_override
from worker.db.queries import sql
from worker.planning.candidates import candidates_for
from worker.planning.engine import WARMUP_MIN, default_training_days, target_rir
from worker.planning.repair import repair_week
from worker.planning.steps import progress_week
from worker.profiles import latest_profile, missing_fields
from worker.schedule import reschedule

log = logging.getLogger(__name__)

MIN_PLAN_WEEKS = 4
MAX_PLAN_WEEKS = 24
PHASE_WEEKS = 4


@dataclass(frozen=True)
class PlanResult:
    plan_id: UUID
    created: bool
    summary: str
    start_date: date
    first_session: dict[str, Any] | None


class ProfileIncomplete(Exception):
    """The coach still needs answers before a plan can be written."""


def repair_outline(outline: PlanOutline, profile: dict[str, Any]) -> PlanOutline:
    """Phases of 3 loading weeks + a deload (training.md), 4-24 weeks, the athlete's days."""
    days = sorted(set(profile.get("training_days") or [])) or default_training_days(
        int(profile.get("days_per_week") or 3)
    )
    phases = []
    for phase in outline.phases:
        weeks = min(max(phase.weeks, 3), 6)
        deload = phase.deload_week if phase.deload_week and phase.deload_week <= weeks else weeks
        phases.append(phase.model_copy(update={"weeks": weeks, "deload_week": deload}))
    while sum(p.weeks for p in phases) < MIN_PLAN_WEEKS:
        phases.append(phases[-1].model_copy(update={"name": f"{phases[-1].name} II"}))
    while sum(p.weeks for p in phases) > MAX_PLAN_WEEKS and len(phases) > 1:
        phases.pop()
    return outline.model_copy(update={
        "phases": phases, "weeks": sum(p.weeks for p in phases), "training_days": days,
    })


async def build_plan(
    pool: asyncpg.Pool, runtime: Runtime, user_id: UUID, *, trace_id: UUID
) -> PlanResult:
    """The athlete's plan, written once: a second call returns the plan already there."""
    async with pool.acquire() as conn:
        existing = await conn.fetchrow(sql("active_plan"), user_id)
        if existing is not None:
            return PlanResult(existing["id"], False, existing["details"].get("summary", ""),
                              existing["start_date"], None)
        user = await conn.fetchrow(sql("get_user"), user_id)
        profile = await latest_profile(conn, user_id)
        assert user is not None
        missing = missing_fields(profile, user["name"])
        if profile is None or missing:
            raise ProfileIncomplete(", ".join(missing))
        variables = await athlete_variables(conn, user_id)
    start = now().astimezone(ZoneInfo(user["timezone"])).date() + timedelta(days=1)
    variables["plan_start"] = start.isoformat()
    call = Call(user_id=user_id, trace_id=trace_id, timezone=user["timezone"])
    run = await runtime.run("plan_generator", call, variables)
    assert isinstance(run.output, PlanOutline)
    outline = repair_outline(run.output, variables["profile"])

    try:
        async with pool.acquire() as conn, conn.transaction():
            plan_id = await _write_plan(conn, user_id, profile, outline, start)
            await conn.execute(sql("activate_athlete"), user_id)
            await reschedule(conn, user_id, first_date=start)
    except asyncpg.UniqueViolationError:  # another worker wrote it first
        async with pool.acquire() as conn:
            existing = await conn.fetchrow(sql("active_plan"), user_id)
        assert existing is not None
        return PlanResult(existing["id"], False, existing["details"].get("summary", ""),
                          existing["start_date"], None)

    async with pool.acquire() as conn:
        first_week = await conn.fetchval(sql("microcycle_by_week"), plan_id, 1)
    await write_week(pool, runtime, first_week, trace_id=trace_id)
    async with pool.acquire() as conn:
        upcoming = await conn.fetch(sql("workouts_between"), user_id, start,
                                    start + timedelta(days=7))
    first = next((dict(w) for w in upcoming if not w["is_rest_day"]), None)
    return PlanResult(plan_id, True, outline.summary, start, first)


async def _write_plan(
    conn: Any, user_id: UUID, profile: dict[str, Any], outline: PlanOutline, start: date
) -> UUID:
    end = start + timedelta(weeks=outline.weeks)
    details = {"title": outline.title, "summary": outline.summary,
               "training_days": outline.training_days, "adjustments": []}
    plan_id: UUID = await conn.fetchval(
        sql("insert_plan"), user_id, profile["id"], outline.goal, start, end, outline.weeks,
        details,
    )
    week_index = 1
    phase_start = start
    for phase_index, phase in enumerate(outline.phases, start=1):
        phase_end = phase_start + timedelta(weeks=phase.weeks)
        mesocycle_id = await conn.fetchval(
            sql("insert_mesocycle"), plan_id, phase_index, phase.name, phase.focus, phase_start,
            phase_end, phase.weeks, phase.deload_week,
        )
        for week_in_phase in range(1, phase.weeks + 1):
            week_start = phase_start + timedelta(weeks=week_in_phase - 1)
            is_deload = week_in_phase == phase.deload_week
            await conn.fetchval(
                sql("insert_microcycle"), mesocycle_id, plan_id, user_id, week_index,
                week_start, week_start + timedelta(days=7), is_deload,
                target_rir(week_in_phase, is_deload),
                {"week_in_phase": week_in_phase, "training_days": outline.training_days},
            )
            week_index += 1
        phase_start = phase_end
    return plan_id


#: How often a week is written again when a turn changed it while it was being written.
WEEK_WRITE_ATTEMPTS = 3


class WeekChanged(Exception):
    """New training days reached the week while its workouts were being written."""


async def write_week(
    pool: asyncpg.Pool, runtime: Runtime, microcycle_id: UUID, *, trace_id: UUID
) -> int:
    """Write one microcycle's workouts (idempotent); return how many days were written.

    The agent call runs outside any transaction, so a turn can change the week meanwhile (new
    training days, a travel week). The write re-reads the week under a lock on its plan and
    starts again from the new facts if they moved.
    """
    for _ in range(WEEK_WRITE_ATTEMPTS - 1):
        try:
            return await _write_week(pool, runtime, microcycle_id, trace_id=trace_id)
        except WeekChanged:
            log.info("week %s changed while being written; writing it again", microcycle_id)
    return await _write_week(pool, runtime, microcycle_id, trace_id=trace_id)


async def _write_week(
    pool: asyncpg.Pool, runtime: Runtime, microcycle_id: UUID, *, trace_id: UUID
) -> int:
    async with pool.acquire() as conn:
        week = await conn.fetchrow(sql("microcycle_to_write"), microcycle_id)
        if week is None or week["status"] != "planned" or week["plan_status"] != "active":
            return 0
        user_id: UUID = week["user_id"]
        user = await conn.fetchrow(sql("get_user"), user_id)
        assert user is not None
        variables = await athlete_variables(conn, user_id)
        profile = variables["profile"] or {}
        candidates = await candidates_for(conn, profile.get("equipment") or [],
                                          profile.get("injuries") or [])
        library = {r["slug"]: dict(r) for r in await conn.fetch(sql("exercise_index"))}
        start: date = week["start_date"]
        logs = await conn.fetch(sql("logs_between"), user_id, start - timedelta(days=7), start)
    details = week["details"] or {}
    variables |= {
        "week": {
            "index": week["week_index"],
            "week_in_phase": details.get("week_in_phase", 1),
            "phase": week["phase"],
            "phase_focus": week["phase_focus"],
            "start_date": start.isoformat(),
            "is_deload": week["is_deload"],
            "target_rir": week["target_rir"],
            "training_days": details.get("training_days") or profile.get("training_days"),
            "theme": week["phase"],
        },
        "candidates": candidates,
        "last_week_logs": [_log_summary(row) for row in logs],
    }
    call = Call(user_id=user_id, trace_id=trace_id, timezone=user["timezone"])
    run = await runtime.run("week_generator", call, variables)
    assert isinstance(run.output, WeekPlan)
    repaired, repairs = repair_week(run.output, variables, library)
    if repairs:
        log.info("week %s of %s repaired: %s", week["week_index"], user_id, "; ".join(repairs))
    names = {c["slug"]: c["name"] for c in candidates}
    # Monday first: blocks as stored, one list per weekday.
    days = [
        [{"name": b.name, "kind": b.kind, "exercises": [
            {**e.model_dump(), "name": names.get(e.exercise, e.exercise)}
            for e in b.exercises]}
         for b in plan_day.blocks]
        for plan_day in repaired.days
    ]

    written = 0
    async with pool.acquire() as conn, conn.transaction():
        # Turns that change the plan update fitness_plans first, so they queue behind this.
        locked = await conn.fetchrow(sql("lock_week_plan"), microcycle_id, user_id)
        if locked is None or locked["week_status"] != "planned":
            return 0
        if locked["week_details"] != week["details"]:
            raise WeekChanged(str(microcycle_id))
        plan_details = locked["plan_details"]
        claimed = await conn.fetchval(sql("mark_microcycle_written"), microcycle_id, repairs,
                                      run.provider)
        if claimed is None:
            return 0  # another worker wrote this week first
        progress = await progress_week(conn, user_id, microcycle_id, start, days,
                                       {str(c["slug"]) for c in candidates})
        deload = progress.deload_reason if not week["is_deload"] else None
        if deload is not None and await conn.fetchval(
            sql("mark_week_deload"), microcycle_id, deload, user_id
        ) is not None:
            days = [deload_blocks(blocks) for blocks in days]
            log.info("week %s of %s made a deload: %s", week["week_index"], user_id, deload)
        for offset in range(7):
            day = start + timedelta(days=offset)
            plan_day = repaired.days[day.isoweekday() - 1]
            title, minutes = plan_day.title, plan_day.estimated_minutes
            if deload is not None and not plan_day.is_rest_day:
                title += "" if "deload" in title else " (deload)"
                minutes = WARMUP_MIN + (minutes - WARMUP_MIN) // 2  # half the work sets
            inserted = await conn.fetchval(
                sql("insert_workout"), user_id, week["plan_id"], microcycle_id, day,
                title, plan_day.focus, "rest" if plan_day.is_rest_day else "scheduled",
                plan_day.is_rest_day, days[day.isoweekday() - 1], max(minutes, 0), None,
            )
            written += inserted is not None
        for override in (plan_details or {}).get("equipment_overrides") or []:
            await apply_override(conn, user_id, override, start, start + timedelta(days=7))
        await award(conn, user_id, start)  # a new rung is a milestone, told in the recap
    return written


def deload_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A deload keeps the exercises and halves the work sets at an easy effort (training.md)."""
    return [
        block if block.get("kind") == "warmup" else {**block, "exercises": [
            {**e, "sets": max(1, int(e.get("sets") or 1) // 2), "rir": 4}
            for e in block.get("exercises") or []]}
        for block in blocks
    ]


def _log_summary(row: Any) -> dict[str, Any]:
    sets = row["sets"] or []
    reps = ",".join(str(s.get("reps") or s.get("seconds") or "?") for s in sets)
    load = f" @{row['top_load']}{row['load_unit'] or ''}" if row["top_load"] else ""
    return {
        "sets": sets,
        "pain": row["pain"],
        "performed_on": row["performed_on"].isoformat(),
        "exercise_name": row["exercise_name"],
        "slug": row["slug"],
        "summary": (f"{len(sets)} sets: {reps}{load}" if sets else "done") +
                   (f" (pain: {row['pain_area'] or 'yes'})" if row["pain"] else ""),
        "rpe": float(row["rpe"]) if row["rpe"] is not None else None,
    }
