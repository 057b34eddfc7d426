"""Plans and workouts as typed objects: what agents write and what the engine repairs.

Fields stay plain (strings, ints, lists, nested models) so every provider's structured-output
mode can express them; the engine and the rubric read the same objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["warmup", "skill", "strength", "superset", "circuit", "conditioning",
                    "cooldown"]
Unit = Literal["reps", "seconds", "distance"]
LoadUnit = Literal["kg", "lb"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PhaseOutline(Strict):
    name: str
    focus: str = Field(description="What this phase develops, e.g. 'base strength'.")
    weeks: int = Field(ge=1, le=8)
    deload_week: int | None = Field(description="1-based week of this phase that is a deload.")


class PlanOutline(Strict):
    """A periodised plan: phases (mesocycles) of loading weeks and deloads."""

    title: str
    goal: str
    weeks: int = Field(ge=1, le=52)
    training_days: list[int] = Field(description="ISO weekdays, 1 = Monday ... 7 = Sunday.")
    phases: list[PhaseOutline] = Field(min_length=1)
    summary: str = Field(description="Two or three sentences for the athlete, SMS-friendly.")


class PrescribedExercise(Strict):
    exercise: str = Field(description="Library exercise slug or name.")
    sets: int = Field(ge=1, le=10)
    target_min: int = Field(ge=1, description="Reps, seconds or metres, per the exercise's unit.")
    target_max: int = Field(ge=1)
    unit: Unit
    rest_seconds: int = Field(ge=0, le=600)
    rir: int | None = Field(ge=0, le=5, description="Reps in reserve on work sets.")
    notes: str | None
    load: float | None = Field(default=None, ge=0, le=1000,
                               description="Working load per set, when the lift is loaded.")
    load_unit: LoadUnit | None = None


class WorkoutBlock(Strict):
    name: str
    kind: BlockKind
    exercises: list[PrescribedExercise] = Field(min_length=1)


class DayPlan(Strict):
    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday.")
    title: str
    focus: str
    is_rest_day: bool
    estimated_minutes: int = Field(ge=0, le=300)
    blocks: list[WorkoutBlock]


class WeekPlan(Strict):
    """One microcycle: a workout (or rest) for each day of the week."""

    theme: str
    is_deload: bool
    target_rir: int = Field(ge=0, le=5)
    days: list[DayPlan] = Field(min_length=7, max_length=7)
