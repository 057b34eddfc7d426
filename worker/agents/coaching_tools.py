"""Coaching tools: logging, progress, questions and changes to the plan.

Thin on purpose: each validates what the model may choose, takes the athlete from the turn's
:class:`ToolContext` and hands the work to :mod:`worker.coach`, where it is tested without a
model in the loop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field

from worker.agents.schemas import Goal, Injury, ProfileUpdate
from worker.agents.toolbase import Args, DayRef, ToolContext, day_of
from worker.coach import adapt, answers
from worker.coach.logbook import LogEntry, record_log
from worker.coach.progress import progress_summary as summarize
from worker.db.queries import sql
from worker.planning.candidates import body_area
from worker.profiles import apply_profile_update, normalize_equipment


class LoggedSet(Args):
    reps: int | None = Field(ge=0, le=1000)
    seconds: int | None = Field(ge=0, le=36000)
    load: float | None = Field(ge=0, le=2000)


class LoggedExercise(Args):
    exercise: str = Field(description="What the athlete named, e.g. 'pushups'.")
    sets: list[LoggedSet] = Field(description="One entry per set; [] if they gave no numbers.")
    load_unit: Literal["kg", "lb"] | None = Field(description="null = the athlete's units.")
    rpe: float | None = Field(ge=1, le=10)
    pain_area: str | None
    notes: str | None


class LogWorkoutArgs(Args):
    day: DayRef
    completion: Literal["completed", "partial", "skipped"]
    exercises: list[LoggedExercise] = Field(
        description="What they reported; [] for 'did it' (logged as prescribed).")
    fraction: float | None = Field(ge=0, le=1, description="For partial: share of the session.")
    session_rpe: float | None = Field(ge=1, le=10, description="Effort of the session or of "
                                      "its last set, if they said (RPE 1-10).")
    felt: str | None = Field(description="How it felt, in the athlete's words.")


async def log_workout(ctx: ToolContext, args: LogWorkoutArgs) -> dict[str, Any]:
    entries = [
        LogEntry(e.exercise, [s.model_dump(exclude_none=True) for s in e.sets], e.load_unit,
                 e.rpe, body_area(e.pain_area), e.notes)
        for e in args.exercises
    ]
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await record_log(
            conn, ctx.user_id, day_of(args.day, ctx.today()), args.completion, entries,
            fraction=args.fraction, session_rpe=args.session_rpe, felt=args.felt,
            source_message_id=ctx.source_message_id,
        )
    return outcome.as_dict()


class AdaptEquipmentArgs(Args):
    equipment: list[str] = Field(description="What they have there, e.g. [] or "
                                 "['dumbbell', 'bench', 'treadmill'] for a hotel gym.")
    start: DayRef | None = Field(description="First day away; null = today.")
    until: DayRef | None = Field(description="Last day away; null = the Sunday of the first "
                                 "day's week.")
    reason: str | None


async def adapt_equipment(ctx: ToolContext, args: AdaptEquipmentArgs) -> dict[str, Any]:
    today = ctx.today()
    start = max(day_of(args.start, today), today) if args.start else today
    until = day_of(args.until, today) if args.until else start + timedelta(
        days=6 - start.weekday())
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await adapt.adapt_equipment(conn, ctx.user_id, start,
                                           normalize_equipment(args.equipment),
                                           max(until, start), args.reason or "travel")


class ReportPainArgs(Args):
    area: str = Field(description="Body area: knee, shoulder, lower_back, wrist, ...")
    note: str = Field(description="What they said about it, briefly.")
    red_flag: bool = Field(description="Chest pain, fainting, numbness, a joint giving way, "
                           "pain at night or after a fall: see a professional, no training.")


async def report_pain(ctx: ToolContext, args: ReportPainArgs) -> dict[str, Any]:
    area = body_area(args.area)
    today = ctx.today()
    async with ctx.pool.acquire() as conn, conn.transaction():
        if args.red_flag:
            cleared = await conn.fetchval(sql("skip_if_scheduled"), ctx.user_id, today,
                                          "red flag: " + args.note[:100])
            return {"red_flag": True, "today_cleared": cleared is not None}
        if area is None:
            return {"recorded": False, "reason": f"which body part is {args.area!r}?"}
        update = ProfileUpdate.model_validate(
            {k: None for k in ProfileUpdate.model_fields} |
            {"injuries": [Injury(area=area, note=args.note[:120])]})
        await apply_profile_update(conn, ctx.user_id, update,
                                   source_message_id=ctx.source_message_id)
        refit = await adapt.avoid_area(conn, ctx.user_id, today, f"{area} pain")
    return {"recorded": True, "area": area, **refit}


class ChangeDaysArgs(Args):
    days: list[int] = Field(description="ISO weekdays to train from now on, 1 = Monday.")


async def change_training_days(ctx: ToolContext, args: ChangeDaysArgs) -> dict[str, Any]:
    days = sorted({d for d in args.days if 1 <= d <= 7})
    if not days:
        return {"done": False, "reason": "no valid training days given"}
    update = ProfileUpdate.model_validate(
        {k: None for k in ProfileUpdate.model_fields} |
        {"training_days": days, "days_per_week": len(days)})
    async with ctx.pool.acquire() as conn, conn.transaction():
        await apply_profile_update(conn, ctx.user_id, update,
                                   source_message_id=ctx.source_message_id)
        return await adapt.change_training_days(conn, ctx.user_id, ctx.today(), days)


class ChangeGoalArgs(Args):
    goal: Goal
    detail: str | None = Field(description="The new goal in their words.")


async def change_goal(ctx: ToolContext, args: ChangeGoalArgs) -> dict[str, Any]:
    update = ProfileUpdate.model_validate(
        {k: None for k in ProfileUpdate.model_fields} |
        {"primary_goal": args.goal, "goal_detail": args.detail})
    async with ctx.pool.acquire() as conn, conn.transaction():
        await apply_profile_update(conn, ctx.user_id, update,
                                   source_message_id=ctx.source_message_id)
        return await adapt.change_goal(conn, ctx.user_id, ctx.today(), args.goal)


class ExplainArgs(Args):
    exercise: str


async def explain_exercise(ctx: ToolContext, args: ExplainArgs) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn:
        return await answers.explain_exercise(conn, args.exercise)


class LoadAdviceArgs(Args):
    exercise: str | None = Field(description="The exercise asked about; null = today's lifts.")


async def load_advice(ctx: ToolContext, args: LoadAdviceArgs) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn:
        return await answers.load_advice(conn, ctx.user_id, ctx.today(), args.exercise)


class ProgressArgs(Args):
    days: int = Field(ge=7, le=365, description="The period: 30 for 'this month'.")


async def progress_summary(ctx: ToolContext, args: ProgressArgs) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn:
        return await summarize(conn, ctx.user_id, ctx.today(), ctx.timezone, args.days)
