"""Tools the coach may call, registered by name.

A tool's arguments are what the model may choose; whose data it touches is not. The athlete id
comes from :class:`ToolContext`, filled in by the runtime from the turn being processed, and no
argument model has a field for it, so a model (or an athlete's prompt injection) cannot reach
another athlete's rows.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from worker.agents.coaching_tools import (
    AdaptEquipmentArgs,
    ChangeDaysArgs,
    ChangeGoalArgs,
    ExplainArgs,
    LoadAdviceArgs,
    LogWorkoutArgs,
    ProgressArgs,
    ReportPainArgs,
    adapt_equipment,
    change_goal,
    change_training_days,
    explain_exercise,
    load_advice,
    log_workout,
    progress_summary,
    report_pain,
)
from worker.agents.schemas import ProfileUpdate
from worker.agents.toolbase import (
    Args,
    DayRef,
    ToolContext,
    ToolError,
    clock_of,
    day_of,
)
from worker.clock import now
from worker.coach.adapt import swap_exercise
from worker.db.queries import sql
from worker.profiles import apply_profile_update
from worker.schedule import clamp_send_time, reschedule


class GetWorkoutArgs(Args):
    day: DayRef = Field(description="today, tomorrow, yesterday, a weekday, or YYYY-MM-DD")


async def get_workout(ctx: ToolContext, args: GetWorkoutArgs) -> dict[str, Any]:
    day = day_of(args.day, ctx.today())
    row = await ctx.pool.fetchrow(sql("workout_on"), ctx.user_id, day)
    if row is None:
        return {"date": day.isoformat(), "found": False, "note": "no session scheduled"}
    return {"date": day.isoformat(), "found": True, **_workout(row)}


class UpdateProfileArgs(Args):
    update: ProfileUpdate


async def update_profile(ctx: ToolContext, args: UpdateProfileArgs) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn, conn.transaction():
        result = await apply_profile_update(
            conn, ctx.user_id, args.update, source_message_id=ctx.source_message_id
        )
    return result


class ModifyWorkoutArgs(Args):
    day: DayRef
    action: Literal["skip", "move", "shorten", "swap", "note"]
    move_to: DayRef | None = Field(description="For move: the day to move the session to.")
    exercise: str | None = Field(description="For swap: the exercise to replace.")
    minutes: int | None = Field(description="For shorten: the time available.", ge=5, le=240)
    note: str | None = Field(description="Why, in the athlete's words.")


async def modify_workout(ctx: ToolContext, args: ModifyWorkoutArgs) -> dict[str, Any]:
    today = ctx.today()
    day = day_of(args.day, today)
    existing = await ctx.pool.fetchrow(sql("workout_on"), ctx.user_id, day)
    if existing is None:
        return {"done": False, "action": args.action, "date": day.isoformat(),
                "reason": f"no session on {day.isoformat()}"}
    if existing["is_rest_day"] and args.action != "note":
        return {"done": False, "action": args.action, "date": day.isoformat(),
                "reason": f"{day:%a %d %b} is a rest day"}
    if args.action == "swap":
        if not args.exercise:
            raise ToolError("swap needs exercise")
        async with ctx.pool.acquire() as conn, conn.transaction():
            return await swap_exercise(conn, ctx.user_id, day, args.exercise, args.note)
    if args.action == "skip":
        await ctx.pool.execute(sql("set_workout_status"), ctx.user_id, day, "skipped", args.note)
        return {"done": True, "action": "skip", "date": day.isoformat()}
    if args.action == "note":
        await ctx.pool.execute(
            sql("set_workout_status"), ctx.user_id, day, existing["status"], args.note
        )
        return {"done": True, "action": "note", "date": day.isoformat()}
    if args.action == "move":
        if args.move_to is None:
            raise ToolError("move needs move_to")
        target = day_of(args.move_to, today)
        async with ctx.pool.acquire() as conn, conn.transaction():
            await conn.execute(sql("clear_rest_day"), ctx.user_id, target)  # rest rows yield
            moved = await conn.fetchval(sql("move_workout"), ctx.user_id, day, target)
        if moved is None:
            return {"done": False, "reason": f"{target.isoformat()} already has a session"}
        return {"done": True, "action": "move", "from": day.isoformat(), "to": target.isoformat()}
    if args.minutes is None:
        raise ToolError("shorten needs minutes")
    blocks, minutes = shorten_blocks(
        existing["blocks"], existing["estimated_minutes"], args.minutes
    )
    await ctx.pool.execute(
        sql("shorten_workout"), ctx.user_id, day, blocks, minutes,
        f"shortened to {args.minutes} min",
    )
    return {"done": True, "action": "shorten", "date": day.isoformat(), "minutes": minutes,
            "blocks": blocks}


def shorten_blocks(
    blocks: list[dict[str, Any]], estimated: int | None, minutes: int
) -> tuple[list[dict[str, Any]], int]:
    """Fit a session into ``minutes``: keep the warm-up and main work, cut sets, then extras.

    Strength blocks keep their first exercises and lose a set each before anything is dropped,
    because the main lifts are what the week's progression depends on.
    """
    estimated = estimated or max(minutes, 45)
    if estimated <= minutes:
        return blocks, estimated
    ratio = minutes / estimated
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("kind") in ("cooldown", "conditioning") and ratio < 0.8:
            continue
        exercises = list(block.get("exercises") or [])
        if ratio < 0.6 and block.get("kind") not in ("warmup",):
            exercises = exercises[: max(1, round(len(exercises) * ratio + 0.5))]
        trimmed = []
        for exercise in exercises:
            item = dict(exercise)
            if block.get("kind") not in ("warmup",):
                item["sets"] = max(1, round(int(item.get("sets", 1)) * max(ratio, 0.5)))
            trimmed.append(item)
        if trimmed:
            kept.append({**block, "exercises": trimmed})
    return kept, minutes


class ModifyPlanArgs(Args):
    change: str = Field(description="The change, e.g. 'train Tue/Thu/Sat' or 'focus on running'.")
    reason: str | None


async def modify_plan(ctx: ToolContext, args: ModifyPlanArgs) -> dict[str, Any]:
    adjustment = {"change": args.change, "reason": args.reason, "at": now().isoformat()}
    plan_id = await ctx.pool.fetchval(sql("add_plan_adjustment"), ctx.user_id, [adjustment])
    if plan_id is None:
        return {"recorded": False, "reason": "no active plan yet"}
    return {"recorded": True, "applies_from": "the next week that is generated"}


class LogMetricArgs(Args):
    metric: str = Field(description="snake_case, e.g. body_weight, resting_hr, sleep_hours.")
    value: float
    unit: str | None


async def log_metric(ctx: ToolContext, args: LogMetricArgs) -> dict[str, Any]:
    metric = re.sub(r"[^a-z0-9]+", "_", args.metric.lower()).strip("_") or "metric"
    await ctx.pool.execute(
        sql("insert_metric"), ctx.user_id, metric, args.value, args.unit, now(), {},
        ctx.source_message_id,
    )
    return {"logged": metric, "value": args.value, "unit": args.unit}


class SetScheduleArgs(Args):
    send_time: str | None = Field(description="HH:MM, 24-hour, athlete-local.")
    timezone: str | None = Field(description="IANA time zone, e.g. Europe/London.")
    rest_day_texts: bool | None = Field(description="Whether rest days get a short text.")


async def set_schedule(ctx: ToolContext, args: SetScheduleArgs) -> dict[str, Any]:
    wanted = clock_of(args.send_time) if args.send_time else None
    send_time = clamp_send_time(wanted) if wanted else None
    if args.timezone:
        try:
            ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ToolError(f"unknown time zone {args.timezone!r}") from None
    async with ctx.pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            sql("update_user_identity"), ctx.user_id, None, args.timezone, send_time, None
        )
        assert row is not None
        if args.rest_day_texts is not None:
            await conn.execute(sql("set_rest_day_texts"), ctx.user_id, args.rest_day_texts)
        if await conn.fetchval(sql("user_status"), ctx.user_id) == "active":
            await reschedule(conn, ctx.user_id)
    result: dict[str, Any] = {"send_time": row["send_time"].strftime("%H:%M"),
                              "timezone": row["timezone"]}
    if args.rest_day_texts is not None:
        result["rest_day_texts"] = args.rest_day_texts
    if wanted is not None and send_time != wanted:
        result["note"] = "texts only go out between 08:00 and 21:00, so the time was adjusted"
    return result


class PauseArgs(Args):
    action: Literal["pause", "resume"]
    until: DayRef | None = Field(description="Last day of the pause; null = until they say.")
    reason: str | None


async def pause(ctx: ToolContext, args: PauseArgs) -> dict[str, Any]:
    if args.action == "resume":
        async with ctx.pool.acquire() as conn, conn.transaction():
            resumed = await conn.fetchval(sql("resume_user"), ctx.user_id)
            if resumed is not None:
                await reschedule(conn, ctx.user_id)
        return {"status": "active", "was_paused": resumed is not None}
    until: datetime | None = None
    if args.until:
        last_day = day_of(args.until, ctx.today())
        if last_day < ctx.today():
            raise ToolError("the pause would end in the past")
        until = datetime.combine(last_day + timedelta(days=1), time(0), ZoneInfo(ctx.timezone))
    row = await ctx.pool.fetchrow(sql("pause_user"), ctx.user_id, until)
    assert row is not None
    return {"status": "paused",
            "resumes_on": (until.date().isoformat() if until else "when the athlete says")}


class CheckInArgs(Args):
    energy: int = Field(ge=1, le=10)
    soreness: int = Field(ge=1, le=10)
    sleep: int = Field(ge=1, le=10)
    notes: str | None


CHECK_IN_DELOAD = ("Your check-in showed low energy and recovery, so next week is lighter "
                   "(about half the sets, easier effort) to recover.")
#: Energy and sleep this low together, or soreness this high, call for an unscheduled deload.
LOW_RECOVERY = 4
HIGH_SORENESS = 8


async def record_check_in(ctx: ToolContext, args: CheckInArgs) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn, conn.transaction():
        open_check_in = await conn.fetchrow(sql("open_check_in"), ctx.user_id)
        if open_check_in is None:
            open_check_in = await conn.fetchrow(sql("insert_check_in"), ctx.user_id, ctx.today())
            if open_check_in is None:
                return {"recorded": False, "reason": "already answered today"}
        await conn.execute(sql("answer_check_in"), open_check_in["id"], args.energy,
                           args.soreness, args.sleep, args.notes, ctx.source_message_id)
        deload = None
        if (args.energy <= LOW_RECOVERY and args.sleep <= LOW_RECOVERY) or (
            args.soreness >= HIGH_SORENESS
        ):
            deload = await conn.fetchrow(sql("deload_next_week"), ctx.user_id,
                                         CHECK_IN_DELOAD, ctx.today())
    result: dict[str, Any] = {"recorded": True}
    if deload is not None:
        result["deload_from"] = deload["start_date"].isoformat()
    return result


def _workout(row: Any) -> dict[str, Any]:
    return {
        "title": row["title"],
        "focus": row["focus"],
        "status": row["status"],
        "is_rest_day": row["is_rest_day"],
        "estimated_minutes": row["estimated_minutes"],
        "blocks": row["blocks"],
    }


Handler = Callable[[ToolContext, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args_model: type[BaseModel]
    handler: Handler


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("get_workout", "Look up the athlete's session for a day.", GetWorkoutArgs,
             get_workout),
        Tool("update_profile", "Record facts the athlete stated about themselves (goals, "
             "experience, schedule, equipment, injuries, time zone).", UpdateProfileArgs,
             update_profile),
        Tool("modify_workout", "Skip, move, shorten, swap an exercise of, or annotate one "
             "day's session.",
             ModifyWorkoutArgs, modify_workout),
        Tool("modify_plan", "Record a lasting change to the plan; applied from the next week.",
             ModifyPlanArgs, modify_plan),
        Tool("log_workout", "Record what the athlete actually did against the prescription; "
             "returns what it means for next time and any achievement to announce.",
             LogWorkoutArgs, log_workout),
        Tool("log_metric", "Record a measurement: body weight, resting heart rate, sleep...",
             LogMetricArgs, log_metric),
        Tool("set_schedule", "Change the time of the daily text or the athlete's time zone.",
             SetScheduleArgs, set_schedule),
        Tool("pause", "Pause coaching texts until a date (travel, illness) or resume them.",
             PauseArgs, pause),
        Tool("record_check_in", "Record the athlete's check-in: energy, soreness and sleep, "
             "1-10 each. Low recovery makes the next week a deload.", CheckInArgs,
             record_check_in),
        Tool("adapt_equipment", "Travel or a different gym: rewrite sessions until a day to "
             "use only the equipment available there.", AdaptEquipmentArgs, adapt_equipment),
        Tool("report_pain", "Record pain or an injury and take what loads it out of upcoming "
             "sessions; red flags clear today and get no training advice.", ReportPainArgs,
             report_pain),
        Tool("change_training_days", "Train on different weekdays from tomorrow; the plan's "
             "remaining sessions are laid out again.", ChangeDaysArgs, change_training_days),
        Tool("change_goal", "A new main goal: the current plan ends today (history kept) and a "
             "new plan is written from tomorrow.", ChangeGoalArgs, change_goal),
        Tool("explain_exercise", "What an exercise is and how to do it, from the library, with "
             "its easier and harder variations.", ExplainArgs, explain_exercise),
        Tool("load_advice", "How heavy to go: today's prescription, target effort and what the "
             "athlete last lifted.", LoadAdviceArgs, load_advice),
        Tool("progress_summary", "The athlete's progress over a period: sessions, streaks, "
             "metrics, loads, progressions, achievements.", ProgressArgs, progress_summary),
    )
}
