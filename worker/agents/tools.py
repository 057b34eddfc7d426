"""Tools the coach may call, registered by name.

A tool's arguments are what the model may choose; whose data it touches is not. The athlete id
comes from :class:`ToolContext`, filled in by the runtime from the turn being processed, and no
argument model has a field for it, so a model (or an athlete's prompt injection) cannot reach
another athlete's rows. Facts about the athlete (goal, days, equipment, injuries, send time)
are not tools: the profile extractor reads them and the domain applies them every turn.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal, get_type_hints
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from worker.agents.coaching_tools import (
    DeletePhotosArgs,
    ExplainArgs,
    JoinProgramArgs,
    LoadAdviceArgs,
    LogMetricArgs,
    LogWorkoutArgs,
    NutritionArgs,
    PlanTripArgs,
    ProgressArgs,
    RequestHumanArgs,
    SessionLengthArgs,
    delete_photos,
    explain_exercise,
    join_program,
    load_advice,
    log_metric,
    log_workout,
    nutrition_targets,
    plan_trip,
    progress_summary,
    request_human,
    session_length,
)
from worker.agents.toolbase import Args, DayRef, ToolContext, day_of
from worker.clock import now
from worker.coach.adapt import swap_exercise
from worker.coach.results import (
    CheckInResult,
    PauseResult,
    PlanAdjustment,
    RestDayTexts,
    SessionChange,
    WorkoutLookup,
)
from worker.coach.sessions import shorten_blocks
from worker.db.queries import sql
from worker.errors import ToolError
from worker.schedule import reschedule


class GetWorkoutArgs(Args):
    day: DayRef = Field(description="today, tomorrow, yesterday, a weekday, or YYYY-MM-DD")


async def get_workout(ctx: ToolContext, args: GetWorkoutArgs) -> WorkoutLookup:
    day = day_of(args.day, ctx.today())
    row = await ctx.pool.fetchrow(sql("workout_on"), ctx.user_id, day)
    if row is None:
        return WorkoutLookup(date=day.isoformat(), found=False, note="no session scheduled")
    return WorkoutLookup(date=day.isoformat(), found=True, title=row["title"],
                         focus=row["focus"], status=row["status"],
                         is_rest_day=row["is_rest_day"],
                         estimated_minutes=row["estimated_minutes"],
                         blocks=list(row["blocks"] or []))


class ModifyWorkoutArgs(Args):
    day: DayRef
    action: Literal["skip", "move", "shorten", "swap", "note"]
    move_to: DayRef | None = Field(description="For move: the day to move the session to.")
    exercise: str | None = Field(description="For swap: the exercise to replace.")
    minutes: int | None = Field(description="For shorten: the time available.", ge=5, le=240)
    note: str | None = Field(description="Why, in the athlete's words.")


async def modify_workout(ctx: ToolContext, args: ModifyWorkoutArgs) -> SessionChange:
    today = ctx.today()
    day = day_of(args.day, today)
    existing = await ctx.pool.fetchrow(sql("workout_on"), ctx.user_id, day)
    refused = SessionChange(done=False, action=args.action, date=day.isoformat())
    if existing is None:
        return refused.model_copy(update={"reason": f"no session on {day:%a %d %b}"})
    if existing["is_rest_day"] and args.action != "note":
        return refused.model_copy(update={"reason": f"{day:%a %d %b} is a rest day",
                                          "rest_day": True})
    if args.action == "swap":
        if not args.exercise:
            raise ToolError("swap needs exercise")
        async with ctx.pool.acquire() as conn, conn.transaction():
            return await swap_exercise(conn, ctx.user_id, day, args.exercise, args.note)
    if args.action == "skip":
        await ctx.pool.execute(sql("set_workout_status"), ctx.user_id, day, "skipped", args.note)
        return SessionChange(done=True, action="skip", date=day.isoformat())
    if args.action == "note":
        await ctx.pool.execute(
            sql("set_workout_status"), ctx.user_id, day, existing["status"], args.note
        )
        return SessionChange(done=True, action="note", date=day.isoformat(), note=args.note)
    if args.action == "move":
        if args.move_to is None:
            raise ToolError("move needs move_to")
        target = day_of(args.move_to, today)
        async with ctx.pool.acquire() as conn, conn.transaction():
            await conn.execute(sql("clear_rest_day"), ctx.user_id, target)  # rest rows yield
            moved = await conn.fetchval(sql("move_workout"), ctx.user_id, day, target)
        if moved is None:
            return refused.model_copy(update={"reason": f"{target:%a %d %b} already has a "
                                                        "session"})
        return SessionChange(done=True, action="move", moved_from=day.isoformat(),
                             moved_to=target.isoformat())
    if args.minutes is None:
        raise ToolError("shorten needs minutes")
    blocks, minutes = shorten_blocks(
        existing["blocks"], existing["estimated_minutes"], args.minutes
    )
    await ctx.pool.execute(
        sql("shorten_workout"), ctx.user_id, day, blocks, minutes,
        f"shortened to {args.minutes} min",
    )
    return SessionChange(done=True, action="shorten", date=day.isoformat(), minutes=minutes)


class ModifyPlanArgs(Args):
    change: str = Field(description="The change, e.g. 'more arm work' or 'no 5/3/1'.")
    reason: str | None


async def modify_plan(ctx: ToolContext, args: ModifyPlanArgs) -> PlanAdjustment:
    adjustment = {"change": args.change, "reason": args.reason, "at": now().isoformat()}
    plan_id = await ctx.pool.fetchval(sql("add_plan_adjustment"), ctx.user_id, [adjustment])
    if plan_id is None:
        return PlanAdjustment(recorded=False, reason="no active plan yet")
    return PlanAdjustment(recorded=True, applies_from="the next week that is written")


class RestDayTextsArgs(Args):
    on: bool = Field(description="Whether rest days get a short text.")


async def rest_day_texts(ctx: ToolContext, args: RestDayTextsArgs) -> RestDayTexts:
    await ctx.pool.execute(sql("set_rest_day_texts"), ctx.user_id, args.on)
    return RestDayTexts(rest_day_texts=args.on)


class PauseArgs(Args):
    action: Literal["pause", "resume"]
    until: DayRef | None = Field(description="Last day of the pause; null = until they say.")
    reason: str | None


async def pause(ctx: ToolContext, args: PauseArgs) -> PauseResult:
    if args.action == "resume":
        async with ctx.pool.acquire() as conn, conn.transaction():
            resumed = await conn.fetchval(sql("resume_user"), ctx.user_id)
            if resumed is not None:
                await reschedule(conn, ctx.user_id)
        return PauseResult(status="active", was_paused=resumed is not None)
    until: datetime | None = None
    if args.until:
        last_day = day_of(args.until, ctx.today())
        if last_day < ctx.today():
            raise ToolError("the pause would end in the past")
        until = datetime.combine(last_day + timedelta(days=1), time(0), ZoneInfo(ctx.timezone))
    row = await ctx.pool.fetchrow(sql("pause_user"), ctx.user_id, until)
    assert row is not None
    return PauseResult(status="paused",
                       resumes_on=until.date().isoformat() if until else None)


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


async def record_check_in(ctx: ToolContext, args: CheckInArgs) -> CheckInResult:
    async with ctx.pool.acquire() as conn, conn.transaction():
        open_check_in = await conn.fetchrow(sql("open_check_in"), ctx.user_id)
        if open_check_in is None:
            open_check_in = await conn.fetchrow(sql("insert_check_in"), ctx.user_id, ctx.today())
            if open_check_in is None:
                return CheckInResult(recorded=False, reason="already answered today")
        await conn.execute(sql("answer_check_in"), open_check_in["id"], args.energy,
                           args.soreness, args.sleep, args.notes, ctx.source_message_id)
        deload = None
        if (args.energy <= LOW_RECOVERY and args.sleep <= LOW_RECOVERY) or (
            args.soreness >= HIGH_SORENESS
        ):
            deload = await conn.fetchrow(sql("deload_next_week"), ctx.user_id,
                                         CHECK_IN_DELOAD, ctx.today())
    return CheckInResult(recorded=True,
                         deload_from=deload["start_date"].isoformat() if deload else None)


Handler = Callable[[ToolContext, Any], Awaitable[BaseModel]]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args_model: type[BaseModel]
    handler: Handler
    #: It writes: run once per text (in a transaction with its row in tool_effects).
    writes: bool = False

    @property
    def result_model(self) -> type[BaseModel]:
        """What the handler returns, to rebuild a stored result from tool_effects."""
        found = get_type_hints(self.handler)["return"]
        assert isinstance(found, type) and issubclass(found, BaseModel)
        return found


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("get_workout", "Look up the athlete's session for a day.", GetWorkoutArgs,
             get_workout),
        Tool("modify_workout", "Skip, move, shorten, swap an exercise of, or annotate one "
             "day's session.", ModifyWorkoutArgs, modify_workout, writes=True),
        Tool("modify_plan", "Record a wish about the plan that is not a profile fact (e.g. "
             "'no 5/3/1', 'more arm work'); applied from the next week written.",
             ModifyPlanArgs, modify_plan, writes=True),
        Tool("log_workout", "Record what the athlete actually did against the prescription.",
             LogWorkoutArgs, log_workout, writes=True),
        Tool("log_metric", "Record a measurement: body weight, resting heart rate, sleep...",
             LogMetricArgs, log_metric, writes=True),
        Tool("rest_day_texts", "Turn the short rest-day texts on or off.", RestDayTextsArgs,
             rest_day_texts, writes=True),
        Tool("pause", "Pause coaching texts until a date (illness, a break) or resume them.",
             PauseArgs, pause, writes=True),
        Tool("record_check_in", "Record the athlete's check-in: energy, soreness and sleep, "
             "1-10 each. Low recovery makes the next week a deload.", CheckInArgs,
             record_check_in, writes=True),
        Tool("plan_trip", "A trip with a start and an end: texts follow the zone there and "
             "sessions use the equipment there on those days only.", PlanTripArgs, plan_trip,
             writes=True),
        Tool("explain_exercise", "What an exercise is and how to do it, from the library, with "
             "its easier and harder variations.", ExplainArgs, explain_exercise),
        Tool("load_advice", "How heavy to go: today's prescription, target effort and what the "
             "athlete last lifted.", LoadAdviceArgs, load_advice),
        Tool("progress_summary", "The athlete's progress over a period: sessions, streaks, "
             "metrics, loads, progressions, achievements.", ProgressArgs, progress_summary),
        Tool("nutrition_targets", "Daily calories and protein (with carb and fat ranges) from "
             "the athlete's profile, latest body weight and goal, recomputed when those change; "
             "the result's text states the formula and assumptions, or says why there are no "
             "numbers (see a dietitian). Never a meal plan.", NutritionArgs, nutrition_targets),
        Tool("join_program", "Enrol the athlete in one of the programmes on offer (listed in "
             "the context), when they text its keyword ('JOIN C25K') or ask for it. The result "
             "says whether it suits them and what to tell them; joining rewrites their plan "
             "from the programme.", JoinProgramArgs, join_program, writes=True),
        Tool("session_length", "How long a session took; sessions that run long are written "
             "again to fit the time the athlete asked for.", SessionLengthArgs, session_length,
             writes=True),
        Tool("delete_photos", "Delete every progress photo the athlete texted, when they ask "
             "('delete my photos'); the result says how many and what to tell them.",
             DeletePhotosArgs, delete_photos, writes=True),
        Tool("request_human", "Ask a person from the team to text the athlete here: they asked "
             "for a person, or you cannot make out what they want. The result says what to "
             "tell them.", RequestHumanArgs, request_human, writes=True),
    )
}
