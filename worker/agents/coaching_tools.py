"""Coaching tools: logging, measurements, trips and questions.

Thin on purpose: each validates what the model may choose, takes the athlete from the turn's
:class:`ToolContext` and hands the work to :mod:`worker.coach`, where it is tested without a
model in the loop.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from worker.agents.toolbase import Args, DayRef, ToolContext, day_of
from worker.clock import now
from worker.coach import answers
from worker.coach.logbook import LogEntry, record_log
from worker.coach.nutrition import nutrition_targets as targets_now
from worker.coach.nutrition import refresh_if_active
from worker.coach.pace import record_session_length
from worker.coach.programs import join_program as enroll
from worker.coach.progress import progress_summary as summarize
from worker.coach.results import (
    ExerciseExplained,
    LoadAdvice,
    LogResult,
    MetricLogged,
    NutritionTargets,
    ProgramJoined,
    Progress,
    SessionLength,
    TripPlanned,
)
from worker.coach.travel import plan_trip as record_trip
from worker.db.queries import sql
from worker.domain.escalation import Escalation, HelpReason, shortened
from worker.domain.vocabulary import body_area
from worker.errors import ToolError
from worker.photos.save import PhotosDeleted
from worker.photos.save import delete_photos as soft_delete_photos
from worker.staff.help import HumanRequested, escalate
from worker.timezones import is_valid_zone


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
    left_out: list[str] = Field(description="Planned exercises they said they did not do "
                                "('skipped the overhead press'); [] if none.")


async def log_workout(ctx: ToolContext, args: LogWorkoutArgs) -> LogResult:
    entries = [
        LogEntry(e.exercise, [s.model_dump(exclude_none=True) for s in e.sets], e.load_unit,
                 e.rpe, body_area(e.pain_area), e.notes)
        for e in args.exercises
    ]
    day = day_of(args.day, ctx.today())
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await record_log(
            conn, ctx.user_id, day, args.completion, entries,
            fraction=args.fraction, session_rpe=args.session_rpe, felt=args.felt,
            source_message_id=ctx.source_message_id, as_of_today=day == ctx.today(),
            left_out=args.left_out,
        )


class SessionLengthArgs(Args):
    minutes: int = Field(ge=3, le=300, description="How long the session took, in minutes.")
    day: DayRef = Field(description="The session's day: today, yesterday, a weekday...")


async def session_length(ctx: ToolContext, args: SessionLengthArgs) -> SessionLength:
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await record_session_length(conn, ctx.user_id, day_of(args.day, ctx.today()),
                                           args.minutes, ctx.today(), ctx.source_message_id)


class LogMetricArgs(Args):
    metric: str = Field(description="snake_case, e.g. body_weight, resting_hr, sleep_hours.")
    value: float
    unit: str | None


async def log_metric(ctx: ToolContext, args: LogMetricArgs) -> MetricLogged:
    metric = re.sub(r"[^a-z0-9]+", "_", args.metric.lower()).strip("_") or "metric"
    async with ctx.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            sql("insert_metric"), ctx.user_id, metric, args.value, args.unit, now(), {},
            ctx.source_message_id,
        )
        if metric == "body_weight":  # targets they already have follow the new weight
            await refresh_if_active(conn, ctx.user_id, ctx.today())
    return MetricLogged(logged=metric, value=args.value, unit=args.unit)


class NutritionArgs(Args):
    meal_plan_asked: bool = Field(description="They asked for a meal plan or a diet to follow: "
                                  "the coach gives targets, never meal plans.")


async def nutrition_targets(ctx: ToolContext, args: NutritionArgs) -> NutritionTargets:
    """Calories and protein (carb and fat ranges) from the profile and latest body weight."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await targets_now(conn, ctx.user_id, ctx.today(),
                                 meal_plan_asked=args.meal_plan_asked)


class DeletePhotosArgs(Args):
    """No choice to make: the athlete's request removes every progress photo they sent."""


async def delete_photos(ctx: ToolContext, args: DeletePhotosArgs) -> PhotosDeleted:
    """Every progress photo of the athlete, soft-deleted now (never shown again); a job then
    removes the stored bytes."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        return PhotosDeleted.of(await soft_delete_photos(conn, ctx.user_id, now()))


class JoinProgramArgs(Args):
    program: str = Field(description="The programme as the athlete named it: its keyword "
                         "(C25K) or its name ('the pull-up programme').")


async def join_program(ctx: ToolContext, args: JoinProgramArgs) -> ProgramJoined:
    """Enrol the athlete in a published programme, if it suits them; the plan follows it."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await enroll(conn, ctx.user_id, args.program, ctx.today())


class PlanTripArgs(Args):
    start: DayRef | None = Field(description="First day away; null = today.")
    until: DayRef | None = Field(description="Last day away; null = a week from the start.")
    place: str | None = Field(description="Where they are going, e.g. Lisbon.")
    timezone: str | None = Field(description="IANA zone there, e.g. Europe/Lisbon; null if "
                                 "the same as home.")
    equipment: list[str] | None = Field(
        description="What they will have there, e.g. [] or ['dumbbell', 'bench']; null if "
        "they did not say.")
    hotel_gym: bool = Field(description="They said there is a hotel gym (kit unknown).")
    reason: str | None


async def plan_trip(ctx: ToolContext, args: PlanTripArgs) -> TripPlanned:
    if args.timezone and not is_valid_zone(args.timezone):
        raise ToolError(f"unknown time zone {args.timezone!r}")
    today = ctx.today()
    async with ctx.pool.acquire() as conn, conn.transaction():
        trip = await record_trip(
            conn, ctx.user_id, today=today,
            starts_on=day_of(args.start, today) if args.start else None,
            ends_on=day_of(args.until, today) if args.until else None,
            place=args.place, timezone=args.timezone, equipment=args.equipment,
            hotel_gym=args.hotel_gym, reason=args.reason,
            source_message_id=ctx.source_message_id)
    return TripPlanned(starts_on=trip.starts_on.isoformat(), ends_on=trip.ends_on.isoformat(),
                       place=trip.place, timezone=trip.timezone, equipment=trip.equipment,
                       sessions_rewritten=trip.sessions_rewritten,
                       assumed_kit=args.hotel_gym and args.equipment is None)


class ExplainArgs(Args):
    exercise: str


async def explain_exercise(ctx: ToolContext, args: ExplainArgs) -> ExerciseExplained:
    async with ctx.pool.acquire() as conn:
        found = await answers.explain_exercise(conn, args.exercise)
    if found.found and found.slug is not None and ctx.explain is not None:
        # A model's how-to, the same for everyone who asks (cached by exercise and version).
        found = found.model_copy(update={"how_to": await ctx.explain(found)})
    return found


class LoadAdviceArgs(Args):
    exercise: str | None = Field(description="The exercise asked about; null = today's lifts.")


async def load_advice(ctx: ToolContext, args: LoadAdviceArgs) -> LoadAdvice:
    async with ctx.pool.acquire() as conn:
        return await answers.load_advice(conn, ctx.user_id, ctx.today(), args.exercise)


class ProgressArgs(Args):
    days: int = Field(ge=7, le=365, description="The period: 30 for 'this month'.")


async def progress_summary(ctx: ToolContext, args: ProgressArgs) -> Progress:
    async with ctx.pool.acquire() as conn:
        return await summarize(conn, ctx.user_id, ctx.today(), ctx.timezone, args.days)


class RequestHumanArgs(Args):
    reason: HelpReason = Field(description="asked_for_person: they asked for a person; "
                               "confusion: you cannot make out what they want; red_flag: a "
                               "symptom that needs a professional.")
    detail: str = Field(description="What the person should know first, in a few words.")


async def request_human(ctx: ToolContext, args: RequestHumanArgs) -> HumanRequested:
    """A person from the team is asked to text the athlete; one request open at a time."""
    async with ctx.pool.acquire() as conn:
        return await escalate(conn, ctx.user_id, Escalation(args.reason, shortened(args.detail)),
                              ctx.source_message_id, ctx.turn_id)
