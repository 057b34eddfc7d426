"""An athlete's profile as typed facts: what they said about themselves, and where it came from.

``ProfileUpdate`` is what an extractor (a model or the offline reader) answers for one turn:
every fact the texts state, ``None`` for anything they do not. ``Profile`` is what is stored,
one append-only version per change. The rules that merge an update into a profile (equipment
is replaced only on an explicit "only", questions change nothing, a correction replaces the
last change) live in :mod:`worker.domain.merge`, so every provider goes through them.
"""

from __future__ import annotations

from datetime import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from worker.domain.vocabulary import Experience, Goal, Location, Units
from worker.domain.workouts import LoadUnit, Strict

InjuryStatus = Literal["current", "past", "replaced", "condition"]
Severity = Literal["mild", "moderate", "severe"]


class Injury(Strict):
    area: str = Field(description="Body area: knee, shoulder, lower_back, wrist, hip, ...")
    note: str = Field(description="What the athlete said about it, briefly.")
    status: InjuryStatus | None = Field(
        default=None, description="current, past (healed), replaced (a joint replacement) or "
        "condition (osteopenia, postpartum...).")
    severity: Severity | None = Field(default=None, description="mild, moderate or severe.")
    avoid: list[str] | None = Field(
        default=None, description="Movements they said hurt it, e.g. ['deadlift', "
        "'overhead press', 'deep lunges', 'kneeling', 'jumping'].")


class Lift(Strict):
    """A number the athlete can do (or did once): "bench 85kg x5", "8 strict pull-ups"."""

    exercise: str = Field(description="The lift or movement, e.g. bench press, deadlift, "
                          "pull-up, dips, wall handstand.")
    load: float | None = Field(default=None, ge=0, le=1000, description="Load; null = bodyweight.")
    unit: LoadUnit | None = None
    reps: int | None = Field(default=None, ge=1, le=500)
    seconds: int | None = Field(default=None, ge=1, le=3600)
    past: bool | None = Field(default=None, description="A past best, not what they can do now.")


class Target(Strict):
    """What they are aiming for: a lift, a skill, a body weight, an event."""

    what: str = Field(description="e.g. bench press, deadlift, muscle-up, handstand, "
                      "body weight, half marathon.")
    value: float | None = Field(default=None, description="The number, if any.")
    unit: str | None = Field(default=None, description="kg, lb, reps, seconds...")
    change: bool | None = Field(default=None,
                                description="True when value is a signed change, not a level: "
                                "lose 8 kg is value -8, gain 5 kg is value 5.")
    by: str | None = Field(default=None, description="Target date, YYYY-MM-DD, if given.")


class BodyWeight(Strict):
    """What they weigh now: "im 82 rn", "I weigh 180 lbs"; stored as a progress metric."""

    value: float = Field(gt=20, lt=400)
    unit: LoadUnit


class LoadCap(Strict):
    """The heaviest of something they own: "dumbbells up to 24 kg", "a 16kg kettlebell"."""

    equipment: str = Field(description="dumbbell, kettlebell, ...")
    max_load: float = Field(gt=0, le=500)
    unit: LoadUnit


class Activity(Strict):
    """Training they do outside the plan on a fixed weekday: a long run, climbing, a walk."""

    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday.")
    what: str = Field(description="e.g. long run, intervals, tempo run, climbing, walk.")
    hard: bool = Field(description="A key or hard session (long run, intervals, climbing).")


class ProfileUpdate(Strict):
    """Facts the athlete stated about themselves in these texts; null for anything not stated.

    Questions state nothing. Facts about other people (a friend's lift, a partner's equipment)
    are not the athlete's.
    """

    name: str | None = Field(default=None, description="What the athlete wants to be called.")
    age: int | None = Field(default=None, ge=10, le=110)
    primary_goal: Goal | None = Field(default=None,
                                      description="The main goal; hypertrophy = build muscle.")
    goal_detail: str | None = Field(default=None, description="The goal in their own words.")
    experience: Experience | None = Field(default=None,
                                          description="Only when they say their level.")
    training_years: float | None = Field(default=None, ge=0, le=80,
                                         description="Years of training they mention.")
    returning: bool | None = Field(default=None,
                                   description="They trained before but not for a long while.")
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    training_days: list[int] | None = Field(default=None,
                                            description="ISO weekdays, 1 = Monday.")
    excluded_days: list[int] | None = Field(default=None,
                                            description="Weekdays they cannot or will not train.")
    session_minutes: int | None = Field(default=None, ge=10, le=240)
    equipment: list[str] | None = Field(
        default=None, description="Equipment they have, from the vocabulary (dumbbell, barbell, "
        "kettlebell, bands, pull_up_bar, bench, machine, cable, gym, ...); [] for none.")
    equipment_only: bool | None = Field(
        default=None, description="True when they said this is ALL they have ('only', "
        "'that's it', 'nothing else'): it replaces what was known.")
    equipment_removed: list[str] | None = Field(
        default=None, description="Equipment they said they do not have ('no barbell').")
    training_location: Location | None = None
    load_caps: list[LoadCap] | None = None
    lifts: list[Lift] | None = None
    targets: list[Target] | None = None
    injuries: list[Injury] | None = Field(default=None,
                                          description="[] when they say they have none.")
    activities: list[Activity] | None = None
    timezone: str | None = Field(default=None, description="IANA time zone, e.g. "
                                 "America/Chicago.")
    send_time: str | None = Field(default=None,
                                  description="Local time for the daily text, HH:MM 24-hour.")
    units: Units | None = None
    body_weight: BodyWeight | None = Field(
        default=None, description="Their body weight now, if they state it (not a target).")
    correction: bool | None = Field(
        default=None, description="True when they correct something said before ('no, I "
        "said full gym', 'actually 4 days'): what they state replaces it.")

    def facts(self) -> dict[str, Any]:
        """The fields this update states (not None), without the correction marker."""
        return {k: v for k, v in self.model_dump(exclude={"correction"}).items()
                if v is not None}


EMPTY_UPDATE = ProfileUpdate()


class Source(BaseModel):
    """Where one field's value came from: the text, or an assumption the coach made."""

    model_config = ConfigDict(extra="ignore")

    message_id: str | None = None
    text: str | None = None
    assumed: bool = False


#: Every field an athlete can answer; a profile stating all of them has finished onboarding.
STATABLE = ("primary_goal", "days_per_week", "session_minutes", "experience", "equipment",
            "injuries", "name", "timezone", "send_time", "units")


class Profile(BaseModel):
    """One stored version of the profile, read from ``fitness_profiles``."""

    model_config = ConfigDict(extra="ignore")

    id: Any = None
    version: int = 0
    goals: list[str] = Field(default_factory=list)
    primary_goal: Goal | None = None
    experience: Experience | None = None
    days_per_week: int | None = None
    training_days: list[int] = Field(default_factory=list)
    excluded_days: list[int] = Field(default_factory=list)
    session_minutes: int | None = None
    equipment: list[str] = Field(default_factory=list)
    training_location: Location | None = None
    injuries: list[Injury] = Field(default_factory=list)
    age: int | None = None
    lifts: list[Lift] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    load_caps: list[LoadCap] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    training_years: float | None = None
    returning: bool = False
    #: Fields the athlete has answered (equipment and injuries may legitimately be empty).
    stated: list[str] = Field(default_factory=list)
    #: Fields filled with a default the athlete has not confirmed.
    assumed: list[str] = Field(default_factory=list)
    #: How long their sessions really take against the estimate ("took me 30" for 20 is 1.5),
    #: from what they reported; sessions are written to fit at their pace. None = as estimated.
    pace: float | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    summary: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Profile:
        data = dict(row)
        preferences = data.pop("preferences", None) or {}
        return cls.model_validate({
            **data,
            "training_years": preferences.get("training_years"),
            "returning": bool(preferences.get("returning")),
            "stated": list(preferences.get("stated") or []),
            "assumed": list(preferences.get("assumed") or []),
            "pace": preferences.get("pace"),
            "training_days": list(data.get("training_days") or []),
            "excluded_days": list(data.get("excluded_days") or []),
        })

    def preferences(self) -> dict[str, Any]:
        """The small typed facts kept in the ``preferences`` column."""
        return {"training_years": self.training_years, "returning": self.returning,
                "stated": sorted(set(self.stated)), "assumed": sorted(set(self.assumed)),
                "pace": self.pace}

    def cap_for(self, equipment: str) -> LoadCap | None:
        return next((c for c in self.load_caps if c.equipment == equipment), None)

    def current_injuries(self) -> list[Injury]:
        """Injuries and conditions that shape training now (healed ones only inform)."""
        return [i for i in self.injuries if i.status != "past"]


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"
