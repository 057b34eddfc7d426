"""Writing a plan's rows and a week's workouts, whoever proposed them.

``write_plan`` turns a repaired outline into the plan, its mesocycles and every microcycle (each
an explicit [start, end) week). ``write_week_rows`` writes one microcycle's seven days inside a
transaction that holds the plan row, so a turn changing the week meanwhile (new training days,
a trip) is either seen or makes the caller start again (:class:`WeekChanged`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.profile import Profile
from worker.domain.workouts import (
    DayPlan,
    PlanOutline,
    PrescribedExercise,
    WeekPlan,
    WorkoutBlock,
)
from worker.errors import WeekChanged
from worker.planning.engine import WARMUP_MIN, default_training_days, target_rir
from worker.planning.steps import progress_week

MIN_PLAN_WEEKS = 4
MAX_PLAN_WEEKS = 24


def repair_outline(outline: PlanOutline, profile: Profile, days: Sequence[int]) -> PlanOutline:
    """Phases of 3 loading weeks + a deload (training.md), 4-24 weeks, the athlete's days."""
    chosen = sorted(set(days)) or default_training_days(profile.days_per_week or 3)
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
        "phases": phases, "weeks": sum(p.weeks for p in phases), "training_days": chosen,
    })


async def write_plan(
    conn: Conn, user_id: UUID, profile: Profile, outline: PlanOutline, start: date,
    details: Mapping[str, Any] | None = None,
) -> UUID:
    end = start + timedelta(weeks=outline.weeks)
    plan_details = {"title": outline.title, "summary": outline.summary,
                    "training_days": outline.training_days, "adjustments": [],
                    **(details or {})}
    plan_id: UUID = await conn.fetchval(
        sql("insert_plan"), user_id, profile.id, outline.goal, start, end, outline.weeks,
        plan_details,
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


def deload_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A deload keeps the exercises and halves the work sets at an easy effort (training.md)."""
    return [
        block if block.get("kind") in ("warmup", "skill") else {**block, "exercises": [
            {**e, "sets": max(1, int(e.get("sets") or 1) // 2), "rir": 4}
            for e in block.get("exercises") or []]}
        for block in blocks
    ]


async def write_week_rows(
    conn: Conn, week: Any, plan: WeekPlan, repairs: list[str], provider: str,
    names: Mapping[str, str], candidates: set[str],
) -> tuple[int, WeekPlan | None]:
    """Write one microcycle's days (call inside a transaction): how many days were written,
    and the week as written (after progression and any deload), None if nothing was.

    ``week`` is the microcycle row read before the proposal was written: if the row changed
    since, :class:`WeekChanged` asks the caller to start again from the new facts.
    """
    microcycle_id: UUID = week["id"]
    user_id: UUID = week["user_id"]
    start: date = week["start_date"]
    # Turns that change the plan update fitness_plans first, so they queue behind this.
    locked = await conn.fetchrow(sql("lock_week_plan"), microcycle_id, user_id)
    if locked is None or locked["week_status"] != "planned":
        return 0, None
    if locked["week_details"] != week["details"]:
        raise WeekChanged(str(microcycle_id))
    claimed = await conn.fetchval(sql("mark_microcycle_written"), microcycle_id, repairs,
                                  provider)
    if claimed is None:
        return 0, None  # another worker wrote this week first
    # Monday first: blocks as stored, one list per weekday.
    days = [
        [{"name": b.name, "kind": b.kind, "exercises": [
            {**e.model_dump(), "name": names.get(e.exercise, e.exercise)}
            for e in b.exercises]}
         for b in plan_day.blocks]
        for plan_day in plan.days
    ]
    progress = await progress_week(conn, user_id, microcycle_id, start, days, candidates)
    deload = progress.deload_reason if not week["is_deload"] else None
    if deload is not None and await conn.fetchval(
        sql("mark_week_deload"), microcycle_id, deload, user_id
    ) is not None:
        days = [deload_blocks(blocks) for blocks in days]
    final: list[DayPlan] = []
    dates, titles, minutes_each = [], [], []
    for offset in range(7):
        day = start + timedelta(days=offset)
        plan_day = plan.days[day.isoweekday() - 1]
        title, minutes = plan_day.title, plan_day.estimated_minutes
        if deload is not None and not plan_day.is_rest_day:
            title += "" if "deload" in title else " (deload)"
            minutes = WARMUP_MIN + (minutes - WARMUP_MIN) // 2  # half the work sets
        dates.append(day)
        titles.append(title)
        minutes_each.append(max(minutes, 0))
        final.append(_as_written(plan_day, title, days[day.isoweekday() - 1]))
    plan_days = [plan.days[day.isoweekday() - 1] for day in dates]
    inserted = await conn.fetch(
        sql("insert_workouts"), user_id, week["plan_id"], microcycle_id, dates, titles,
        [d.focus for d in plan_days], ["rest" if d.is_rest_day else "scheduled" for d in plan_days],
        [d.is_rest_day for d in plan_days],
        [json.dumps(days[day.isoweekday() - 1]) for day in dates], minutes_each,
    )
    written = len(inserted)
    final.sort(key=lambda d: d.weekday)
    return written, plan.model_copy(update={"days": final,
                                            "is_deload": plan.is_deload or deload is not None})


def _as_written(day: DayPlan, title: str, blocks: list[dict[str, Any]]) -> DayPlan:
    """The day as stored (progression may have changed exercises and loads), typed again."""
    typed = [WorkoutBlock(name=b["name"], kind=b["kind"], exercises=[
        PrescribedExercise.model_validate({k: v for k, v in e.items() if k != "name"})
        for e in b["exercises"]]) for b in blocks if b.get("exercises")]
    return day.model_copy(update={"title": title, "blocks": typed})
