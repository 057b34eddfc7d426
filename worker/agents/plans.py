"""Writing plans and weeks: the engine drafts, agents personalise, the engine repairs, PostgreSQL
keeps.

``build_plan`` turns a profile with its essentials into a fitness plan: the engine's outline
(phases by goal, the athlete's days) is offered to the plan agent, whatever it answers is
repaired to the rules, and week 1 is written at once. ``write_week`` writes one microcycle:
the engine's week is offered to the week agent, and its answer is repaired against the library
and the athlete's constraints. The offline provider answers with the drafts themselves, so both
paths end in the same engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from worker.agents.context import athlete_context
from worker.agents.runtime import Call, Runtime
from worker.clock import now
from worker.coach.achievements import award
from worker.coach.adapt import refit_blocks
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.onboarding import (
    DEFAULT_MINUTES,
    ESSENTIALS,
    GENTLE_MINUTES,
    gentle,
    infer_experience,
    known,
)
from worker.domain.pace import paced_minutes
from worker.domain.profile import Profile
from worker.domain.programs import ProgramContent, fit
from worker.domain.travel import trip_on
from worker.domain.workouts import PlanOutline, PrescribedExercise, WeekPlan
from worker.errors import ProfileIncomplete, WeekChanged
from worker.planning.candidates import candidates_for
from worker.planning.constraints import Candidate
from worker.planning.days import choose_training_days
from worker.planning.engine import Plan, build_week
from worker.planning.outline import draft_outline
from worker.planning.programs import program_days, program_outline
from worker.planning.repair import repair_week
from worker.planning.rubric import Score, score_week
from worker.planning.steps import library_facts
from worker.planning.writer import repair_outline, write_plan, write_week_rows
from worker.schedule import reschedule, trips_for

log = logging.getLogger(__name__)

#: How often a week is written again when a turn changed it while it was being written.
WEEK_WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class PlanResult:
    plan_id: UUID
    created: bool
    summary: str
    start_date: date
    first_session: dict[str, Any] | None


def planning_profile(profile: Profile, program: ProgramContent | None = None
                     ) -> dict[str, Any]:
    """The profile as the engine plans from it: inferred level, defaults, chosen days (as many
    as a programme they follow allows)."""
    level, _ = infer_experience(profile)
    minutes = profile.session_minutes or (GENTLE_MINUTES if gentle(profile) else DEFAULT_MINUTES)
    minutes = paced_minutes(minutes, profile.pace)
    days = choose_training_days(profile, program_days(program, profile) if program else None)
    return {**profile.model_dump(mode="json"), "experience": level, "session_minutes": minutes,
            "training_days": days, "days_per_week": len(days)}


async def plan_variables(
    conn: Conn, user_id: UUID, start: date
) -> tuple[dict[str, Any], Profile, dict[str, Any]]:
    """What the plan generator is given: the athlete, the engine's planning profile and its
    draft outline (a model may change the draft; the domain repairs what it breaks)."""
    profile = await latest_profile(conn, user_id)
    missing = [f for f in ESSENTIALS if profile is None or not known(profile, f)]
    if profile is None or missing:
        raise ProfileIncomplete(", ".join(missing))
    context = await athlete_context(conn, user_id)
    enrolled = await conn.fetchrow(sql("active_enrollment"), user_id)
    # A programme joined and not yet written: the plan is its (the version joined, for good).
    program = ProgramContent.model_validate(enrolled["content"]) \
        if enrolled is not None and enrolled["plan_id"] is None else None
    refused: list[str] = []
    if program is not None and not (verdict := fit(program, profile)).ok:
        # Joined in a first text, before onboarding told us what they have: it doesn't suit
        # them after all, so the plan is the coach's own and says why.
        refused = [f"{program.name} isn't for you after all: {'; '.join(verdict.reasons)}"]
        program = None
    planning = planning_profile(profile, program)
    days, minutes = planning["training_days"], planning["session_minutes"]
    planned = Profile.model_validate(planning)
    draft = program_outline(program, planned, days, minutes) if program \
        else draft_outline(planned, days, minutes, start)
    variables = context.variables() | {"plan_start": start.isoformat(), "planning": planning,
                                       "draft": draft.model_dump(mode="json")}
    if program is not None:
        variables["program"] = program.model_dump(mode="json")
    if enrolled is not None and enrolled["plan_id"] is None:
        # The enrolment this plan is for: linked (or ended) by id, so a programme joined
        # while the plan was being written is never mistaken for this one.
        variables["program_enrollment"] = str(enrolled["id"])
    if refused:
        variables["program_refused"] = refused
    return variables, profile, planning


async def build_plan(
    pool: asyncpg.Pool, runtime: Runtime, user_id: UUID, *, trace_id: UUID
) -> PlanResult:
    """The athlete's plan, written once. A second call finishes what a killed first one left
    (the first week) and returns the plan already there, with its first session."""
    async with pool.acquire() as conn:
        existing = await conn.fetchrow(sql("active_plan"), user_id)
        if existing is not None:
            return await _finish(pool, runtime, user_id, existing, trace_id=trace_id)
        user = await conn.fetchrow(sql("get_user"), user_id)
        assert user is not None
        start = now().astimezone(ZoneInfo(user["timezone"])).date() + timedelta(days=1)
        variables, profile, planning = await plan_variables(conn, user_id, start)
    call = Call(user_id=user_id, trace_id=trace_id, timezone=user["timezone"])
    run = await runtime.run("plan_generator", call, variables)
    assert isinstance(run.output, PlanOutline)
    outline = repair_outline(run.output, profile, planning["training_days"])
    if "program" in variables:
        # A programme's phases and length are its author's; a model only words the summary.
        draft = PlanOutline.model_validate(variables["draft"])
        outline = draft.model_copy(update={"summary": outline.summary or draft.summary})
    for reason in variables.get("program_refused", []):
        outline = outline.model_copy(update={"summary": f"{reason}. {outline.summary}"})

    try:
        async with pool.acquire() as conn, conn.transaction():
            plan_id = await write_plan(conn, user_id, profile, outline, start)
            enrollment = variables.get("program_enrollment")
            if enrollment is not None and "program_refused" in variables:
                await conn.execute(sql("drop_enrollment"), UUID(enrollment), now())
            elif enrollment is not None and "program" in variables:
                await conn.execute(sql("link_enrollment_plan"), UUID(enrollment), plan_id, start)
            await conn.execute(sql("activate_athlete"), user_id)
            await reschedule(conn, user_id, first_date=start)
    except asyncpg.UniqueViolationError:  # another worker wrote it first
        async with pool.acquire() as conn:
            existing = await conn.fetchrow(sql("active_plan"), user_id)
        assert existing is not None
        return await _finish(pool, runtime, user_id, existing, trace_id=trace_id)

    first = await _first_week(pool, runtime, user_id, plan_id, start, trace_id=trace_id)
    return PlanResult(plan_id, True, outline.summary, start, first)


async def _finish(pool: asyncpg.Pool, runtime: Runtime, user_id: UUID, plan: Any, *,
                  trace_id: UUID) -> PlanResult:
    """A plan already there: its first week written (idempotent), its first session found."""
    first = await _first_week(pool, runtime, user_id, plan["id"], plan["start_date"],
                              trace_id=trace_id)
    return PlanResult(plan["id"], False, plan["details"].get("summary", ""), plan["start_date"],
                      first)


async def _first_week(pool: asyncpg.Pool, runtime: Runtime, user_id: UUID, plan_id: UUID,
                      start: date, *, trace_id: UUID) -> dict[str, Any] | None:
    async with pool.acquire() as conn:
        first_week = await conn.fetchval(sql("microcycle_by_week"), plan_id, 1)
    if first_week is not None:
        await write_week(pool, runtime, first_week, trace_id=trace_id)
    async with pool.acquire() as conn:
        upcoming = await conn.fetch(sql("workouts_between"), user_id, start,
                                    start + timedelta(days=7))
    return next((dict(w) for w in upcoming if not w["is_rest_day"]), None)


@dataclass(frozen=True)
class WeekInputs:
    """What writing one week needs: the generator's variables (with the engine's draft), the
    exercises it may use at home and on each trip day, and the library to repair against."""

    variables: dict[str, Any]
    candidates: list[dict[str, Any]]
    trip_candidates: dict[int, list[dict[str, Any]]]
    library: dict[str, dict[str, Any]]
    start: date
    #: Weekday -> the equipment of a trip that day (the rubric checks those days against it).
    trip_kit: dict[int, list[str]]


async def week_inputs(conn: Conn, week: Any) -> WeekInputs:
    user_id: UUID = week["user_id"]
    context = await athlete_context(conn, user_id)
    profile = context.profile or Profile()
    # A programme's plan is written from the version the athlete joined, whatever came since.
    followed = await conn.fetchval(sql("enrollment_of_plan"), week["plan_id"])
    program = ProgramContent.model_validate(followed) if followed is not None else None
    planning = planning_profile(profile, program)
    candidates = await candidates_for(conn, profile.equipment, profile)
    library = {r["slug"]: dict(r) for r in await conn.fetch(sql("exercise_index"))}
    start: date = week["start_date"]
    logs = await conn.fetch(sql("logs_between"), user_id, start - timedelta(days=7), start)
    trips = await trips_for(conn, user_id, start)
    trip_candidates: dict[int, list[dict[str, Any]]] = {}
    trip_kit: dict[int, list[str]] = {}
    for offset in range(7):
        day = start + timedelta(days=offset)
        trip = trip_on(trips, day)
        if trip is not None and trip.equipment is not None and offset not in trip_candidates:
            trip_candidates[offset] = await candidates_for(conn, list(trip.equipment), profile)
            trip_kit[day.isoweekday()] = list(trip.equipment)
    details = week["details"] or {}
    variables = context.variables() | {
        "profile": planning,
        "week": {
            "index": week["week_index"],
            "week_in_phase": details.get("week_in_phase", 1),
            "phase": week["phase"],
            "phase_focus": week["phase_focus"],
            "start_date": start.isoformat(),
            "is_deload": week["is_deload"],
            "target_rir": week["target_rir"],
            "training_days": planning["training_days"],
            "theme": week["phase"],
        },
        "candidates": candidates,
        "last_week_logs": [_log_summary(row) for row in logs],
    }
    if program is not None:
        variables["program"] = program.model_dump(mode="json")
    variables["draft"] = build_week(variables).model_dump(mode="json")
    return WeekInputs(variables, candidates, trip_candidates, library, start, trip_kit)


async def write_week(
    pool: asyncpg.Pool, runtime: Runtime, microcycle_id: UUID, *, trace_id: UUID
) -> int:
    """Write one microcycle's workouts (idempotent); return how many days were written.

    The agent call runs outside any transaction, so a turn can change the week meanwhile (new
    training days, a trip). The write re-reads the week under a lock on its plan and starts
    again from the new facts if they moved.
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
        inputs = await week_inputs(conn, week)
    variables, candidates, trip_candidates = (inputs.variables, inputs.candidates,
                                              inputs.trip_candidates)
    library, start = inputs.library, inputs.start
    call = Call(user_id=user_id, trace_id=trace_id, timezone=user["timezone"])
    run = await runtime.run("week_generator", call, variables)
    assert isinstance(run.output, WeekPlan)
    repaired, repairs = repair_week(run.output, variables, library)
    if trip_candidates:
        repaired = await _fit_trip_days(pool, repaired, start, trip_candidates)
    if repairs:
        log.info("week %s of %s repaired: %s", week["week_index"], user_id, "; ".join(repairs))
    names = {str(c["slug"]): str(c["name"]) for c in candidates}
    for options in trip_candidates.values():
        names |= {str(c["slug"]): str(c["name"]) for c in options}
    available = set(names)
    async with pool.acquire() as conn, conn.transaction():
        written, final = await write_week_rows(conn, week, repaired, repairs, run.provider,
                                               names, available)
        await award(conn, user_id, start)  # a new rung is a milestone, told in the recap
        if final is not None:
            verdict = score_week(final, Plan.from_variables(variables),
                                 {s: Candidate.of(r) for s, r in library.items()},
                                 trip_equipment=inputs.trip_kit)
            await _store_score(conn, week, verdict)
    return written


async def _store_score(conn: Conn, week: Any, verdict: Score) -> None:
    """Every week written is scored; the first week's score is the plan's."""
    violations = [v.as_dict() for v in verdict.violations]
    await conn.execute(sql("set_week_score"), week["id"], verdict.total, violations)
    if week["week_index"] == 1:
        await conn.execute(sql("set_plan_score"), week["plan_id"], verdict.total, violations,
                           verdict.as_dict())
    if verdict.violations:
        log.warning("week %s of plan %s: %s", week["week_index"], week["plan_id"],
                    "; ".join(f"{v.rule}: {v.detail}" for v in verdict.violations))


async def _fit_trip_days(
    pool: asyncpg.Pool, week: WeekPlan, start: date,
    trip_candidates: dict[int, list[dict[str, Any]]],
) -> WeekPlan:
    """Days inside a trip use only the trip's equipment (same movements, nearest exercise)."""
    slugs = [e.exercise for d in week.days for b in d.blocks for e in b.exercises]
    async with pool.acquire() as conn:
        library = await library_facts(conn, slugs)
    days = []
    for plan_day in week.days:
        offset = (plan_day.weekday - start.isoweekday()) % 7
        options = trip_candidates.get(offset)
        if options is None or plan_day.is_rest_day:
            days.append(plan_day)
            continue
        blocks = [b.model_dump(mode="json") for b in plan_day.blocks]
        refit, _ = refit_blocks(blocks, options, library)
        fields = set(PrescribedExercise.model_fields)
        clean = [{**b, "exercises": [{k: v for k, v in e.items() if k in fields}
                                     for e in b["exercises"]]} for b in refit]
        days.append(plan_day.model_validate({**plan_day.model_dump(mode="json"),
                                             "blocks": clean}))
    return week.model_copy(update={"days": days})


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
