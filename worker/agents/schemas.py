"""Output schemas: what each agent must answer, as pydantic models registered by name.

An agent definition names its schema; the LLM is asked for exactly that JSON (structured output)
and whatever comes back is validated again here, because OpenAI-compatible servers differ in how
strictly they follow a schema. Fields are deliberately plain (strings, ints, lists, nested
models without defaults-heavy magic) so every provider's structured-output mode can express them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Experience = Literal["beginner", "intermediate", "advanced"]
Goal = Literal[
    "strength", "hypertrophy", "fat_loss", "endurance", "general_fitness", "skill", "mobility",
    "sport",
]
Location = Literal["home", "gym", "outdoors", "mixed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoachReply(_Strict):
    """The coach's answer to one turn: the text the athlete receives."""

    reply: str = Field(
        description="The SMS to send. Plain, warm, specific; usually under 320 characters.",
        min_length=1,
        max_length=1600,
    )


class Injury(_Strict):
    area: str = Field(description="Body area, e.g. knee, shoulder, lower_back, wrist.")
    note: str = Field(description="What the athlete said about it, briefly.")


class ProfileUpdate(_Strict):
    """Facts the athlete stated in this conversation; null for anything not stated."""

    name: str | None = Field(description="What the athlete wants to be called.")
    primary_goal: Goal | None = Field(description="The main goal; hypertrophy = build muscle.")
    goal_detail: str | None = Field(description="The goal in the athlete's own words.")
    experience: Experience | None
    days_per_week: int | None = Field(ge=1, le=7)
    session_minutes: int | None = Field(ge=10, le=240)
    equipment: list[str] | None = Field(
        description="Equipment available, from the library's vocabulary (dumbbell, barbell, "
        "kettlebell, bands, pull_up_bar, bench, machine, cable, ...); [] for none."
    )
    training_location: Location | None = Field(description="Where they train; travel = mixed.")
    injuries: list[Injury] | None
    training_days: list[int] | None = Field(description="ISO weekdays, 1 = Monday.")
    timezone: str | None = Field(description="IANA time zone, e.g. America/Chicago.")
    send_time: str | None = Field(description="Local time for the daily text, HH:MM 24-hour.")
    units: Literal["metric", "imperial"] | None


class PhaseOutline(_Strict):
    name: str
    focus: str = Field(description="What this phase develops, e.g. 'base strength'.")
    weeks: int = Field(ge=1, le=8)
    deload_week: int | None = Field(description="1-based week of this phase that is a deload.")


class PlanOutline(_Strict):
    """A periodised plan: phases (mesocycles) of loading weeks and deloads."""

    title: str
    goal: str
    weeks: int = Field(ge=1, le=52)
    training_days: list[int] = Field(description="ISO weekdays, 1 = Monday ... 7 = Sunday.")
    phases: list[PhaseOutline] = Field(min_length=1)
    summary: str = Field(description="Two or three sentences for the athlete, SMS-friendly.")


class PrescribedExercise(_Strict):
    exercise: str = Field(description="Library exercise slug or name.")
    sets: int = Field(ge=1, le=10)
    target_min: int = Field(ge=1, description="Reps, seconds or metres, per the exercise's unit.")
    target_max: int = Field(ge=1)
    unit: Literal["reps", "seconds", "distance"]
    rest_seconds: int = Field(ge=0, le=600)
    rir: int | None = Field(ge=0, le=5, description="Reps in reserve on work sets.")
    notes: str | None


class WorkoutBlock(_Strict):
    name: str
    kind: Literal["warmup", "strength", "superset", "circuit", "conditioning", "cooldown"]
    exercises: list[PrescribedExercise] = Field(min_length=1)


class DayPlan(_Strict):
    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday.")
    title: str
    focus: str
    is_rest_day: bool
    estimated_minutes: int = Field(ge=0, le=300)
    blocks: list[WorkoutBlock]


class WeekPlan(_Strict):
    """One microcycle: a workout (or rest) for each day of the week."""

    theme: str
    is_deload: bool
    target_rir: int = Field(ge=0, le=5)
    days: list[DayPlan] = Field(min_length=7, max_length=7)


class DailyMessage(_Strict):
    """The morning text: today's session in at most two SMS where possible."""

    message: str = Field(min_length=1, max_length=1600)


SCHEMAS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (CoachReply, ProfileUpdate, PlanOutline, WeekPlan, DailyMessage)
}


def schema_named(name: str) -> type[BaseModel]:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"unknown output schema {name!r}; known: {', '.join(sorted(SCHEMAS))}")\
            from None
