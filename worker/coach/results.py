"""What coaching operations report: typed results a model and the offline coach both read.

A model reads them as JSON in the tool message; the offline coach words its reply from the same
objects. Coaching functions in :mod:`worker.coach` build them from the record, never from the
model's imagination.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolFailed(Result):
    """The tool could not run: invalid arguments, an unknown tool, a bug (logged)."""

    error: str


class WorkoutLookup(Result):
    date: str
    found: bool
    note: str | None = None
    title: str | None = None
    focus: str | None = None
    status: str | None = None
    is_rest_day: bool = False
    estimated_minutes: int | None = None
    blocks: list[dict[str, Any]] = Field(default_factory=list)


class SessionChange(Result):
    done: bool
    action: str
    date: str | None = None
    reason: str | None = None
    #: Refused because the day is a rest day: there was nothing to skip or change.
    rest_day: bool = False
    moved_from: str | None = None
    moved_to: str | None = None
    swapped_from: str | None = None
    swapped_to: str | None = None
    minutes: int | None = None
    #: For a note: what was noted on the day, in the athlete's words.
    note: str | None = None


class PlanAdjustment(Result):
    recorded: bool
    reason: str | None = None
    applies_from: str | None = None


class Achievement(Result):
    id: str
    slug: str
    name: str
    description: str | None = None


class LogResult(Result):
    date: str
    completion: str
    matched_workout: bool
    logged: list[str] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    as_prescribed: bool = False
    #: Planned exercises the athlete said they did not do; nothing is logged for them.
    left_out: list[str] = Field(default_factory=list)
    nothing_scheduled: bool = False
    rpe_noted: str | None = None
    pain: bool = False
    #: What changes next time and why (appended to the reply by code, not by the model).
    next: list[str] = Field(default_factory=list)
    #: Milestones reached (appended to the reply by code, not by the model).
    achievements: list[Achievement] = Field(default_factory=list)


class MetricLogged(Result):
    logged: str
    value: float
    unit: str | None


class RestDayTexts(Result):
    rest_day_texts: bool


class PauseResult(Result):
    status: str
    resumes_on: str | None = None
    was_paused: bool | None = None


class CheckInResult(Result):
    recorded: bool
    reason: str | None = None
    deload_from: str | None = None


class TripPlanned(Result):
    starts_on: str
    ends_on: str
    place: str | None
    timezone: str | None
    equipment: list[str] | None
    sessions_rewritten: int
    #: The equipment is a typical hotel gym's, until they say what it has.
    assumed_kit: bool = False


class ExerciseExplained(Result):
    found: bool
    #: A training term rather than an exercise ("hip hinge", "RIR"): its meaning, in plain words.
    term: str | None = None
    name: str | None = None
    slug: str | None = None
    pattern: str | None = None
    equipment: list[str] = Field(default_factory=list)
    cue: str | None = None
    description: str | None = None
    unit: str | None = None
    range: list[int | None] = Field(default_factory=list)
    easier: str | None = None
    harder: str | None = None
    #: How to do it, in two or three sentences (the explainer agent's, with a model).
    how_to: str | None = None


class LoadTip(Result):
    exercise: str
    reps: str
    rir: int
    load: float | None = None
    load_unit: str | None = None
    basis: str
    last: str | None = None


class LoadAdvice(Result):
    date: str
    advice: list[LoadTip] = Field(default_factory=list)
    bodyweight: list[str] = Field(default_factory=list)
    rule: str


class MetricTrend(Result):
    first: float
    last: float
    unit: str | None
    readings: int


class LoadTrend(Result):
    exercise: str
    first: float
    best: float
    unit: str | None
    sessions: int


class StepTold(Result):
    from_: str = Field(alias="from")
    to: str
    action: str
    why: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Progress(Result):
    days: int
    from_: str = Field(alias="from")
    sessions_done: int
    sessions_due: int
    session_streak: int
    week_streak: int
    metrics: dict[str, MetricTrend] = Field(default_factory=dict)
    loads: list[LoadTrend] = Field(default_factory=list)
    progressions: list[StepTold] = Field(default_factory=list)
    achievements: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SessionLength(Result):
    """How long a session took against its estimate, and what the coach did about it."""

    took: int
    found: bool
    estimated: int | None = None
    asked: int | None = None
    #: Their pace after this report (None: on time, nothing changed).
    pace: float | None = None
    #: What coming sessions are now written to be, by the estimate, so they take ``asked``.
    next_estimate: int | None = None
    replanned: bool = False



class NutritionTargets(Result):
    """Daily targets from the profile and latest body weight, or why there are none.

    ``text`` is what to tell the athlete (formula and assumptions stated, no meal plan).
    """

    given: bool
    text: str
    #: Why there are no numbers: no_body_weight, under_18 or medical (see a dietitian).
    refused: str | None = None
    calories: int | None = None
    protein_g: int | None = None
    protein_per_kg: float | None = None
    carbs_g: list[int] = Field(default_factory=list)
    fat_g: list[int] = Field(default_factory=list)
    formula: str | None = None
    assumptions: list[str] = Field(default_factory=list)
    #: The targets were computed again this turn (new weight or goal), not read as stored.
    recalculated: bool = False


class ProgramJoined(Result):
    """What came of asking to join a programme: joined, already on it, refused as unsuitable,
    or not found (with what there is). ``text`` is what to tell the athlete."""

    joined: bool
    text: str
    program: str | None = None
    version: int | None = None
    #: Why it was refused (unsuitable for them), in words for the athlete.
    reasons: list[str] = Field(default_factory=list)
    #: The programmes on offer, as "KEYWORD (name)".
    available: list[str] = Field(default_factory=list)
