"""An athlete's situation as one typed object: what every agent is rendered from.

Built by :mod:`worker.agents.context` from the database; templates get
``model_dump(mode="json")`` and the offline provider reads the same dump back with
:meth:`AthleteContext.model_validate`, so both providers see the same facts. Athlete text only
ever appears here as values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from worker.domain.profile import Profile


class TripInfo(BaseModel):
    starts_on: str
    ends_on: str
    place: str | None
    timezone: str | None
    equipment: list[str] | None
    active: bool


class AthleteInfo(BaseModel):
    name: str | None
    phone_country: str
    timezone: str
    home_timezone: str
    timezone_label: str | None
    timezone_confident: bool
    send_time: str
    units: str
    status: str
    paused_until: str | None
    first_contact: bool
    trips: list[TripInfo] = Field(default_factory=list)


class OnboardingInfo(BaseModel):
    missing: list[str]
    ready: bool
    ask: dict[str, Any] | None
    defaults: dict[str, Any]
    assumed: list[str]
    asked_before: dict[str, int]


class PlanInfo(BaseModel):
    goal: str | None
    start_date: str
    weeks: int | None
    week_index: int | None
    phase: str | None
    phase_focus: str | None
    is_deload: bool
    adjustments: list[dict[str, Any]]


class WorkoutInfo(BaseModel):
    date: str
    weekday: str
    title: str
    focus: str | None
    status: str
    is_rest_day: bool
    estimated_minutes: int | None
    blocks: list[dict[str, Any]]


class Line(BaseModel):
    who: str
    text: str
    at: str


class Recorded(BaseModel):
    """One fact this turn recorded, for the reply to acknowledge."""

    field: str
    value: str


class TurnFacts(BaseModel):
    """What code already did this turn, before the coach writes its reply."""

    recorded: list[Recorded] = Field(default_factory=list)
    #: Facts stated again as they already were ("2 to start" when 2 days was known).
    confirmed: list[Recorded] = Field(default_factory=list)
    replanned: bool = False
    new_goal: str | None = None
    trip_updated: bool = False
    #: The text time set this turn when the one asked for was outside the window ("04:30").
    send_time_adjusted: str | None = None
    declines: list[str] = Field(default_factory=list)
    plan_coming: str | None = None


class ProgramInfo(BaseModel):
    """A programme on offer, as the coach names it ("JOIN C25K")."""

    keyword: str
    name: str
    summary: str
    aliases: list[str] = Field(default_factory=list)


class AthleteContext(BaseModel):
    now_local: str
    today: str
    weekday: str
    part_of_day: str
    windows: dict[str, str]
    athlete: AthleteInfo
    profile: Profile | None
    experience: dict[str, str]
    onboarding: OnboardingInfo | None
    plan: PlanInfo | None
    today_workout: WorkoutInfo | None
    upcoming: list[WorkoutInfo]
    recent_workouts: list[WorkoutInfo]
    history: list[Line]
    last_coach_message: str | None
    #: The profile fields the coach's last text asked about or offered to change (a bare "3",
    #: "Sam" or "8:30am please" answers it).
    last_asked: list[str] = Field(default_factory=list)
    inbox: list[Line]
    check_in_open: bool = False
    #: Programmes an athlete can join, and the one they follow (its name), if any.
    programs: list[ProgramInfo] = Field(default_factory=list)
    program: str | None = None
    turn: TurnFacts = Field(default_factory=TurnFacts)

    def variables(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def inbox_texts(self) -> list[str]:
        return [m.text for m in self.inbox]

    def today_date(self) -> date:
        return date.fromisoformat(self.today)
