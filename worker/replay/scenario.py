"""Replay scenarios: a persona, timed texts, clock moves and expectations, as YAML.

```yaml
name: beginner-no-equipment
persona: {phone: "+15551230101"}
steps:
  - at: 2026-03-02 07:58 America/Chicago    # set the clock (local time and zone)
  - text: hi                                 # the athlete texts (signed webhook)
    expect: {reply_contains: STOP}
  - text: I'm Sam
    expect: {reply_matches: "(?i)goal"}
  - advance: 2d                              # move the clock; cron texts happen on the way
  - operator: {action: take_over, morning: hold}  # a person takes over (reply, hand_back too)
  - expect: {plan_exists: true, workouts_at_least: 3, profile: {primary_goal: fat_loss}}
  - text: did 3x8 pushups, last set was hard
    expect:
      reply_not_contains: error
      exercise_log: {exercise: push_up, reps: [8, 8, 8], completion: completed}
      workout: {day: tomorrow, includes: [squat], excludes: back_squat, max_minutes: 45}
checks: [no_quiet_hours, one_morning_text_per_day]
```

Every expectation is optional; a failed one says what was found and what was expected.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from worker.localtime import resolve_day
from worker.settings import Settings

_DURATION = re.compile(r"^\s*(?:\d+\s*[mhdw]\s*)+$")
_PART = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
          "w": timedelta(weeks=1)}


def parse_duration(text: str) -> timedelta:
    """'90m', '3h', '2d', '1w', or several together: '12h30m', '1d 2h'."""
    if _DURATION.match(text) is None:
        raise ValueError(f"{text!r} is not a duration like 30m, 3h, 2d, 1w or 12h30m")
    return sum((int(n) * _UNITS[u] for n, u in _PART.findall(text)), timedelta())


def parse_at(text: str) -> datetime:
    """'2026-03-02 07:58 America/Chicago' -> an aware datetime."""
    parts = text.strip().rsplit(" ", 1)
    if len(parts) != 2:
        raise ValueError(f"{text!r}: expected 'YYYY-MM-DD HH:MM Area/City'")
    stamp, zone = parts
    return datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(zone))


WorkoutStatus = Literal["scheduled", "completed", "partial", "skipped", "moved", "rest"]
PlanStatus = Literal["draft", "active", "superseded", "completed"]


def _regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
    return value


def _slugs(value: str | list[str] | None) -> list[str] | None:
    return [value] if isinstance(value, str) else value


class ExpectExerciseLog(BaseModel):
    """The athlete's most recent exercise log (of ``exercise``, when given)."""

    model_config = ConfigDict(extra="forbid")

    exercise: str | None = Field(default=None, description="Library slug, e.g. push_up.")
    reps: list[int] | None = Field(default=None, description="Reps of each set, in order.")
    seconds: list[int] | None = Field(default=None, description="Seconds of each set.")
    load: float | list[float] | None = Field(
        default=None, description="The top load, or a list: each set's load.")
    load_unit: Literal["kg", "lb"] | None = None
    rpe: float | None = None
    pain: bool | None = None
    completion: WorkoutStatus | None = Field(
        default=None, description="Status of the workout the log answered.")


class ExpectWorkout(BaseModel):
    """The athlete's workout on one athlete-local day."""

    model_config = ConfigDict(extra="forbid")

    day: str = Field(default="today", description="today, tomorrow, a weekday or YYYY-MM-DD.")
    includes: list[str] | None = None
    excludes: list[str] | None = None
    status: WorkoutStatus | None = None
    max_minutes: int | None = Field(default=None, ge=0)
    load: dict[str, Any] | None = Field(
        default=None, description="Exercise slug -> its prescribed load.")

    @field_validator("day")
    @classmethod
    def _day(cls, value: str) -> str:
        resolve_day(value, date(2026, 1, 1))
        return value

    @field_validator("includes", "excludes", mode="before")
    @classmethod
    def _slug_or_list(cls, value: str | list[str] | None) -> list[str] | None:
        return _slugs(value)


class ExpectPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status_count: dict[PlanStatus, int] | None = Field(
        default=None, description="How many of the athlete's plans have each status.")
    goal: str | None = Field(default=None, description="The active plan's goal.")
    score_at_least: int | None = Field(
        default=None, ge=0, le=100, description="The programme rubric's score of the plan.")
    violations: list[str] | None = Field(
        default=None, description="The rubric's hard violations, by rule ([] = none).")


class ExpectWeek(BaseModel):
    """The athlete's sessions over seven days from ``start`` (athlete-local)."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(default="today", description="today, tomorrow, a weekday or YYYY-MM-DD.")
    sessions: int | None = Field(default=None, ge=0, le=7)
    days: list[str] | None = Field(default=None, description="Weekdays with a session: Mon..")
    includes: list[str] | None = Field(default=None, description="Slugs in some session.")
    includes_any: list[str] | None = Field(
        default=None, description="At least one of these slugs in some session.")
    excludes: list[str] | None = Field(default=None, description="Slugs in no session.")
    excludes_tags: list[str] | None = Field(
        default=None, description="Library tags no exercise may carry (impact, kneeling...).")
    minutes: tuple[int, int] | None = Field(
        default=None, description="Every session's estimated minutes within [low, high].")
    max_load: float | None = Field(default=None, description="No prescribed load above this.")
    each_session: list[str] | None = Field(
        default=None, description="Groups every session trains: push, pull, lower, skill, "
        "balance, functional, conditioning.")
    first_block: str | None = Field(
        default=None, description="The kind of every session's first block after warm-up.")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        resolve_day(value, date(2026, 1, 1))
        return value

    @field_validator("includes", "includes_any", "excludes", mode="before")
    @classmethod
    def _slug_or_list(cls, value: str | list[str] | None) -> list[str] | None:
        return _slugs(value)


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply_contains: str | None = None
    reply_matches: str | None = None
    reply_not_contains: str | None = None
    reply_not_matches: str | None = None
    no_reply: bool | None = None
    plan_exists: bool | None = None
    referral_credited: bool | None = Field(
        default=None, description="The persona's referrer has been credited for them (once, "
        "thanked once).")
    program: str | None = Field(
        default=None, description="The programme the athlete follows (its slug), or 'none'.")
    workouts_at_least: int | None = None
    profile: dict[str, Any] | None = Field(
        default=None, description="Profile fields: a value, a list (same items, any order), "
        "an object (at least these fields) or an item the field's list contains.")
    profile_lacks: dict[str, Any] | None = Field(
        default=None, description="Profile fields that must NOT match, e.g. equipment: barbell.")
    athlete: dict[str, Any] | None = None
    exercise_logs_at_least: int | None = None
    outbound_kinds_include: list[str] | None = None
    exercise_log: ExpectExerciseLog | None = None
    workout: ExpectWorkout | None = None
    metric: dict[str, float] | None = Field(
        default=None, description="Metric name -> its latest value.")
    achievements_include: list[str] | None = None
    plan: ExpectPlan | None = None
    week: ExpectWeek | None = None
    plan_score_at_least: int | None = Field(
        default=None, ge=0, le=100, description="Shorthand for plan: {score_at_least: N}.")
    plan_violations: list[str] | None = Field(
        default=None, description="Shorthand for plan: {violations: [...]}.")
    photos: int | None = Field(default=None, ge=0,
                               description="How many live (not deleted) progress photos.")
    photos_deleted: int | None = Field(default=None, ge=0,
                                       description="How many deleted progress photos.")
    photo_captions: list[str] | None = Field(
        default=None, description="The live photos' captions, oldest first.")

    @model_validator(mode="after")
    def _plan_shorthands(self) -> Expect:
        """``plan_score_at_least`` and ``plan_violations`` are the plan's rubric checks."""
        if self.plan_score_at_least is None and self.plan_violations is None:
            return self
        plan = self.plan or ExpectPlan()
        self.plan = plan.model_copy(update={
            "score_at_least": self.plan_score_at_least if self.plan_score_at_least is not None
            else plan.score_at_least,
            "violations": self.plan_violations if self.plan_violations is not None
            else plan.violations})
        return self

    @field_validator("reply_matches", "reply_not_matches")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return _regex(value)

    @field_validator("achievements_include", mode="before")
    @classmethod
    def _slug_or_list(cls, value: str | list[str] | None) -> list[str] | None:
        return _slugs(value)


class OperatorStep(BaseModel):
    """A person from the team acts in the console: take over, reply, hand back, or mark a
    request for a person handled."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["take_over", "reply", "hand_back", "resolve"]
    text: str | None = Field(default=None, description="What the person texts (reply only).")
    morning: Literal["hold", "send"] = "hold"

    @model_validator(mode="after")
    def _reply_has_text(self) -> OperatorStep:
        if (self.action == "reply") != bool(self.text):
            raise ValueError("a reply needs its text, and only a reply has one")
        return self


#: The Stripe events a replay step can deliver (signed, to the real /stripe/webhook).
StripeEventType = Literal["checkout.session.completed", "customer.subscription.created",
                          "customer.subscription.updated", "customer.subscription.deleted",
                          "invoice.paid", "invoice.payment_failed"]


class StripeStep(BaseModel):
    """Stripe tells the product about the persona's subscription: a checkout (a new
    subscription, named by the athlete's client_reference_id), or an event about the latest
    one (``status`` for subscription events: active by default, canceled when deleted)."""

    model_config = ConfigDict(extra="forbid")

    type: StripeEventType
    status: Literal["trialing", "active", "past_due", "canceled", "unpaid", "incomplete",
                    "incomplete_expired", "paused"] | None = None


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: str | None = None
    text: str | None = None
    photo: str | None = Field(
        default=None, description="A picture the athlete texts (MMS), a path from the "
        "repository's root (tests/scenarios/media/...); ``text`` is then its caption.")
    burst: list[str] | None = Field(default=None, description="Texts sent back to back.")
    was: list[str] | None = Field(default=None, description="What the coach answered before.")
    operator: OperatorStep | None = None
    stripe: StripeStep | None = None
    advance: str | None = None
    expect: Expect | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, value: str | None) -> str | None:
        if value is not None:
            parse_at(value)
        return value

    @field_validator("advance")
    @classmethod
    def _advance(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$")
    description: str | None = None


Check = Literal["no_quiet_hours", "one_morning_text_per_day", "no_reply_more_than_twice",
                "no_echo"]


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    persona: Persona
    #: Someone who invites the persona: before the first step they text INVITE, and
    #: {referral_code} in the persona's texts is the code they were given.
    referrer: Persona | None = None
    steps: list[Step] = Field(min_length=1)
    checks: list[Check] = Field(default_factory=list)
    settings: dict[str, bool | int | float | str] = Field(
        default_factory=dict, description="Settings this scenario runs with, by field name "
        "(subscription_required: true), over the replay's own.")

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, value: dict[str, bool | int | float | str]
                        ) -> dict[str, bool | int | float | str]:
        unknown = sorted(set(value) - set(Settings.model_fields))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}")
        return value


def load_scenario(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Scenario.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "scenario"
        raise ValueError(f"{path}: {where}: {error['msg']}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
