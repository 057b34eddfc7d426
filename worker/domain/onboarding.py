"""Onboarding as a rule: what is known, what is essential, what to ask next, when to plan.

Only three facts are essential to write a first plan: the goal, how many days a week, and what
equipment there is. Everything else has a default or is inferred (a level from "8 strict
pull-ups" or "lifting for 2 years", 45-minute sessions, no injuries mentioned, a 07:00 text in
the zone the phone number suggests) and the athlete is told what was assumed and how to change
it. The first question asks for every missing essential at once; after that one field at a
time. No field is asked more than twice: the second ask is worded differently and offers
choices, and an essential still unanswered after that takes its default, so onboarding always
ends in a plan.

The asks already sent are counted from the database (each outbound question records the fields
it asked), never read back from a reply's wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.domain.profile import Lift, Profile
from worker.domain.vocabulary import Experience

ESSENTIALS = ("primary_goal", "days_per_week", "equipment")
MAX_ASKS = 2

#: Offered on the second ask of each essential, so a stuck athlete can just pick.
CHOICES: dict[str, tuple[str, ...]] = {
    "primary_goal": ("lose fat", "build muscle", "get stronger", "general fitness",
                     "a race or sport", "a skill (pull-up, handstand)"),
    "days_per_week": ("2", "3", "4", "5"),
    "equipment": ("just bodyweight", "dumbbells or kettlebells", "a full gym"),
}
#: What a choice number means, for replies like "2" to a numbered list.
CHOICE_VALUES: dict[str, tuple[Any, ...]] = {
    "primary_goal": ("fat_loss", "hypertrophy", "strength", "general_fitness", "endurance",
                     "skill"),
    "days_per_week": (2, 3, 4, 5),
    "equipment": ([], ["dumbbell", "kettlebell"], ["gym"]),
}

DEFAULT_MINUTES = 45
GENTLE_MINUTES = 30
DEFAULT_DAYS = 3
GENTLE_DAYS = 2
#: From this age (or with a replaced joint, or deconditioned) the defaults start gentler.
OLDER_AGE = 60


@dataclass(frozen=True)
class Ask:
    """What the next reply should ask: the fields, and which attempt it is (1 or 2)."""

    fields: tuple[str, ...]
    attempt: int
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "attempt": self.attempt,
                "choices": {k: list(v) for k, v in self.choices.items()}}


@dataclass(frozen=True)
class Assumption:
    field: str
    value: Any
    wording: str


@dataclass(frozen=True)
class OnboardingState:
    missing: tuple[str, ...]
    ask: Ask | None
    ready: bool
    #: Essentials asked twice and still unknown: filled with these values now.
    defaults: dict[str, Any]
    #: What the plan will assume, to tell the athlete with the plan.
    assumed: tuple[Assumption, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"missing": list(self.missing), "ready": self.ready,
                "ask": self.ask.as_dict() if self.ask else None,
                "defaults": dict(self.defaults),
                "assumed": [a.wording for a in self.assumed]}


def gentle(profile: Profile) -> bool:
    """Older, deconditioned or after a joint replacement: gentler defaults."""
    return bool((profile.age or 0) >= OLDER_AGE
                or any(i.status == "replaced" for i in profile.injuries)
                or (profile.returning and profile.experience in (None, "beginner")))


def known(profile: Profile, name: str) -> bool:
    if name == "equipment":
        return "equipment" in profile.stated or bool(profile.equipment)
    if name == "days_per_week":
        return profile.days_per_week is not None or bool(profile.training_days)
    return getattr(profile, name) not in (None, "", [])


def essential_default(profile: Profile, name: str) -> Any:
    if name == "primary_goal":
        return "general_fitness"
    if name == "days_per_week":
        return GENTLE_DAYS if gentle(profile) else DEFAULT_DAYS
    return []


def onboarding_state(profile: Profile, asks: Mapping[str, int]) -> OnboardingState:
    """Where onboarding stands after the facts in ``profile`` and the questions already sent."""
    missing = tuple(f for f in ESSENTIALS if not known(profile, f))
    exhausted = [f for f in missing if asks.get(f, 0) >= MAX_ASKS]
    defaults = {f: essential_default(profile, f) for f in exhausted}
    open_fields = tuple(f for f in missing if f not in exhausted)
    ask: Ask | None = None
    if open_fields:
        if not any(asks.get(f, 0) for f in ESSENTIALS):
            ask = Ask(open_fields, 1)
        else:
            first = open_fields[0]
            attempt = asks.get(first, 0) + 1
            choices = {first: CHOICES[first]} if attempt >= MAX_ASKS else {}
            ask = Ask((first,), attempt, choices)
    return OnboardingState(missing=missing, ask=ask, ready=not open_fields, defaults=defaults,
                           assumed=tuple(assumptions(profile, defaults)))


def assumptions(profile: Profile, defaults: Mapping[str, Any]) -> list[Assumption]:
    """Everything the first plan takes as given that the athlete did not say."""
    found: list[Assumption] = []
    for name, value in defaults.items():
        found.append(Assumption(name, value, _essential_wording(name, value)))
    if profile.experience is None:
        level, why = infer_experience(profile)
        found.append(Assumption("experience", level,
                                f"{level} level" + (f" ({why})" if why else "")))
    if profile.session_minutes is None:
        minutes = GENTLE_MINUTES if gentle(profile) else DEFAULT_MINUTES
        found.append(Assumption("session_minutes", minutes, f"{minutes}-minute sessions"))
    if "injuries" not in profile.stated and not profile.injuries:
        found.append(Assumption("injuries", [], "no injuries"))
    return found


def assumed_fact(profile: Profile, name: str) -> Assumption:
    """An assumption already stored in the profile, worded for the plan-ready text."""
    value = getattr(profile, name)
    if name == "experience":
        _, why = infer_experience(profile.model_copy(update={"experience": None}))
        return Assumption(name, value, f"{value} level" + (f" ({why})" if why else ""))
    if name == "session_minutes":
        return Assumption(name, value, f"{value}-minute sessions")
    return Assumption(name, value, _essential_wording(name, value))


def _essential_wording(name: str, value: Any) -> str:
    if name == "primary_goal":
        return "general fitness as the goal"
    if name == "days_per_week":
        return f"{value} days a week"
    return "bodyweight only (no equipment)"


# --- Experience, inferred --------------------------------------------------------------------

#: Estimated one-rep maxes (kg) that mark an intermediate and an advanced lifter.
LIFT_LEVELS: dict[str, tuple[float, float]] = {
    "bench": (60, 130), "squat": (80, 180), "deadlift": (100, 220), "press": (40, 85),
}
#: Bodyweight reps that mark an intermediate and an advanced calisthenics athlete.
REP_LEVELS: dict[str, tuple[int, int]] = {
    "pull": (5, 12), "chin": (5, 12), "dip": (8, 20), "push": (20, 40),
}
KG_PER_LB = 0.45359237
_ORDER: tuple[Experience, ...] = ("beginner", "intermediate", "advanced")


def e1rm(load: float, reps: int) -> float:
    """Epley's estimate of a one-rep max from a set of ``reps`` at ``load``."""
    return load if reps <= 1 else load * (1 + reps / 30)


def lift_level(lift: Lift) -> Experience | None:
    name = lift.exercise.lower()
    if lift.load is not None and lift.reps:
        kg = lift.load * (KG_PER_LB if lift.unit == "lb" else 1)
        estimate = e1rm(kg, lift.reps)
        for key, (mid, top) in LIFT_LEVELS.items():
            if key in name or (key == "deadlift" and name in ("dl", "deads")):
                return "advanced" if estimate >= top else (
                    "intermediate" if estimate >= mid else "beginner")
    if lift.load is None and lift.reps:
        for key, (mid, top) in REP_LEVELS.items():
            if key in name:
                return "advanced" if lift.reps >= top else (
                    "intermediate" if lift.reps >= mid else "beginner")
    return None


def infer_experience(profile: Profile) -> tuple[Experience, str]:
    """A level for an athlete who did not name one, and the reason in a few words."""
    if profile.experience is not None:
        return profile.experience, ""
    levels = [(lvl, lift) for lift in profile.lifts if not lift.past
              if (lvl := lift_level(lift)) is not None]
    if levels:
        level, lift = max(levels, key=lambda pair: _ORDER.index(pair[0]))
        return level, f"from your {_lift_words(lift)}"
    past = [(lvl, lift) for lift in profile.lifts if lift.past
            if (lvl := lift_level(lift)) is not None]
    if past:  # "pulled 500 at one point": a trained lifter coming back, a level below
        level, lift = max(past, key=lambda pair: _ORDER.index(pair[0]))
        return _ORDER[max(0, _ORDER.index(level) - 1)], f"your {_lift_words(lift)} before"
    years = profile.training_years
    if years is not None:
        by_years: Experience = ("beginner" if years < 1 else
                                "intermediate" if years < 6 else "advanced")
        if profile.returning:
            by_years = _ORDER[max(0, _ORDER.index(by_years) - 1)]
        return by_years, f"{years:g} years of training" + (
            ", coming back" if profile.returning else "")
    if profile.returning:
        return "beginner", "coming back after a break"
    return "beginner", ""


def _lift_words(lift: Lift) -> str:
    if lift.load is not None:
        unit = lift.unit or "kg"
        return f"{lift.exercise} {lift.load:g}{unit} x{lift.reps}"
    return f"{lift.reps} {lift.exercise}"
