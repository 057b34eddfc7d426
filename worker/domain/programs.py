"""Programmes: what a coach authors in ``programs/*.yaml``, and who it suits.

A programme is a coach's template made public: its phases, its sessions (slots of library
exercises by role, with the exercises the author wants first), its doses and how athletes move
on, and the audience it was written for. A version's content is stored as one JSON document,
immutable once published, so an enrolled athlete's weeks are always written from the exact
version they joined; the engine (:mod:`worker.planning.programs`) scales it to their days,
minutes, equipment and injuries like any plan.

Whether a programme suits an athlete (``fit``) and which one to suggest (``recommend``) are
decided here, once, for both LLM providers: a model may only relay the verdict.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from worker.constants import REFERRAL_CODE_ALPHABET, REFERRAL_CODE_LENGTH
from worker.domain.onboarding import known
from worker.domain.profile import Profile
from worker.domain.vocabulary import EQUIPMENT, Experience, Goal
from worker.domain.workouts import Strict

#: A session slot's job, as the engine doses it (the same roles every archetype uses).
Role = Literal["skill", "main", "accessory", "function", "balance", "core", "conditioning"]
ROLES: tuple[Role, ...] = ("skill", "main", "accessory", "function", "balance", "core",
                           "conditioning")

#: How an athlete texts a programme's keyword: letters and digits, 2-12 of them. "JOIN <code>"
#: also carries referral codes (worker.coach.referrals), so a keyword must never have a
#: referral code's shape: it needs a vowel, or another length.
KEYWORD = re.compile(r"^[A-Z0-9]{2,12}$")
SLUG = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
REFERRAL_SHAPE = re.compile(rf"^[{REFERRAL_CODE_ALPHABET}]{{{REFERRAL_CODE_LENGTH}}}$")


class DoseSpec(Strict):
    sets: int = Field(ge=1, le=10)
    reps: tuple[int, int] | None = None
    rir: int = Field(default=0, ge=-2, le=4, description="Offset from the week's target RIR.")
    rest: int = Field(ge=0, le=600, description="Seconds between sets.")
    max_sets: int = Field(ge=1, le=12)


class SlotSpec(Strict):
    role: Role
    #: Movement patterns the slot may draw from, best first (library patterns).
    patterns: list[str] = Field(min_length=1)
    #: Library exercises the author wants here, best first; the first this athlete may do
    #: (equipment, injuries) is used, else the engine picks from the patterns.
    exercises: list[str] = Field(default_factory=list)
    prefer: list[str] = Field(default_factory=list, description="Library tags preferred.")
    require: list[str] = Field(default_factory=list, description="Library tags required.")
    #: For steady conditioning (a walk, a run-walk): minutes of it in the session.
    minutes: int | None = Field(default=None, ge=3, le=90)
    #: What to do this week, by week of the programme ("run 1 min, walk 90 s, 8 times"); the
    #: last week given carries on.
    notes_by_week: dict[int, str] = Field(default_factory=dict)


class SessionSpec(Strict):
    title: str = Field(min_length=1, max_length=40)
    slots: list[SlotSpec] = Field(min_length=1)
    full_body: bool = True


class PhaseSpec(Strict):
    name: str = Field(min_length=1, max_length=40)
    focus: str = Field(min_length=1, max_length=80)
    #: 3-6 weeks, one of them lighter: the rule every plan's phases keep (training.md).
    weeks: int = Field(ge=3, le=6)
    #: The phase's lighter week, 1-based within it.
    deload_week: int = Field(ge=1, le=6)


class DaysSpec(Strict):
    recommended: int = Field(ge=1, le=7)
    min: int = Field(ge=1, le=7)
    max: int = Field(ge=1, le=7)


class Audience(Strict):
    """Who the author wrote it for: what the coach checks before enrolling, and suggests by."""

    goals: list[Goal] = Field(min_length=1)
    levels: list[Experience] = Field(min_length=1)
    #: At least one of these must be in the athlete's kit (empty: no equipment needed).
    equipment_any: list[str] = Field(default_factory=list)
    #: Current injuries to these areas rule the programme out (a past one does not).
    not_for_injuries: list[str] = Field(default_factory=list)
    #: Words of a goal that this programme answers ("pull-up", "5k"), as regexes.
    goal_words: list[str] = Field(default_factory=list)
    min_age: int = Field(default=16, ge=13, le=100)

    @field_validator("goal_words")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"goal word {pattern!r} is not a valid pattern: {exc}") from None
        return value


class Owner(Strict):
    slug: str
    name: str
    contact: str | None = None


class Family(Strict):
    slug: str
    name: str
    description: str | None = None


class ProgramContent(Strict):
    """One version of a programme, as authored and as stored in ``program_versions.content``."""

    slug: str
    keyword: str
    name: str = Field(min_length=1, max_length=60)
    #: What athletes call it besides its name and keyword ("pull up program", "couch to 5k").
    aliases: list[str] = Field(default_factory=list)
    #: One line for the athlete: what the programme does.
    summary: str = Field(min_length=1, max_length=160)
    description: str = ""
    owner: Owner
    family: Family
    level: Literal["beginner", "intermediate", "advanced", "all"]
    days: DaysSpec
    audience: Audience
    phases: list[PhaseSpec] = Field(min_length=1)
    sessions: list[SessionSpec] = Field(min_length=1)
    doses: dict[Role, DoseSpec]
    #: Library skill ladders the skill slots climb (e.g. pull_up).
    chains: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list, description="Tags nobody here does.")
    prefer_loaded: bool = True
    weekly_sets: tuple[int, int] = (6, 16)
    progression: str = Field(min_length=1)
    changelog: str = ""

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("slug must be lower_snake_case")
        return value

    @field_validator("keyword")
    @classmethod
    def _keyword(cls, value: str) -> str:
        value = value.upper()
        if not KEYWORD.match(value):
            raise ValueError("keyword must be 2-12 letters or digits")
        if REFERRAL_SHAPE.match(value):
            raise ValueError("keyword looks like a referral code (six consonants and digits)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ProgramContent:
        if not self.days.min <= self.days.recommended <= self.days.max:
            raise ValueError("days: min <= recommended <= max")
        missing = {slot.role for s in self.sessions for slot in s.slots} - set(self.doses)
        if "accessory" not in self.doses:
            missing.add("accessory")
        if missing:
            raise ValueError(f"doses missing for roles: {', '.join(sorted(missing))}")
        unknown = set(self.audience.equipment_any) - EQUIPMENT
        if unknown:
            raise ValueError(f"unknown equipment: {', '.join(sorted(unknown))}")
        for phase in self.phases:
            if phase.deload_week > phase.weeks:
                raise ValueError(f"phase {phase.name}: deload week after its end")
        return self

    @property
    def weeks(self) -> int:
        return sum(p.weeks for p in self.phases)

    def exercises(self) -> set[str]:
        """Every library exercise the content names (checked against the library at sync)."""
        return {e for s in self.sessions for slot in s.slots for e in slot.exercises}

    def patterns(self) -> set[str]:
        return {p for s in self.sessions for slot in s.slots for p in slot.patterns}


class ProgramRef(Strict):
    """A published programme as the coach offers it: enough to name it and check fit."""

    slug: str
    keyword: str
    name: str
    summary: str
    version: int
    content: ProgramContent


class Fit(Strict):
    ok: bool
    #: Why not, in words for the athlete ("it needs a pull-up bar").
    reasons: list[str] = Field(default_factory=list)
    #: What the plan changes for them although it fits ("4 days, not the 3 it was written for").
    adjustments: list[str] = Field(default_factory=list)


def fit(content: ProgramContent, profile: Profile) -> Fit:
    """Whether ``content`` suits this athlete, and what it changes for them.

    Equipment and injuries are hard limits (a pull-up programme without a bar, running with a
    current knee injury it was not written for); age under the programme's minimum too. Days
    outside the author's range are adjusted, not refused: the engine writes the programme's
    sessions over the days the athlete has.
    """
    reasons: list[str] = []
    audience = content.audience
    # Equipment they haven't told us (a first text "JOIN DB3", or bodyweight assumed when they
    # never said) is no reason to refuse: only kit they said they lack is.
    if audience.equipment_any and known(profile, "equipment") \
            and "equipment" not in profile.assumed and not (
            set(audience.equipment_any) & set(profile.equipment)):
        kit = " or ".join(e.replace("_", " ") for e in audience.equipment_any)
        reasons.append(f"it needs a {kit}")
    # A joint replacement, or a current injury that is more than an ache: an ache that is
    # fine on the flat ("dodgy knee, aches on the stairs") is a constraint the engine plans
    # around, not a reason to refuse a beginner programme.
    replaced = sorted({i.area.replace("_", " ") for i in profile.injuries
                       if i.area in audience.not_for_injuries and i.status == "replaced"})
    injured = sorted({i.area.replace("_", " ") for i in profile.injuries
                      if i.area in audience.not_for_injuries and i.status in (None, "current")
                      and i.severity in ("moderate", "severe")})
    if replaced:
        reasons.append(f"it isn't written for a {' or '.join(replaced)} replacement")
    if injured:
        reasons.append(f"it isn't written for a {' or '.join(injured)} that's bothering you")
    if profile.age is not None and profile.age < audience.min_age:
        reasons.append(f"it's for {audience.min_age} and over")
    adjustments: list[str] = []
    days = profile.days_per_week
    if days is not None and not content.days.min <= days <= content.days.max:
        fitted = min(max(days, content.days.min), content.days.max)
        adjustments.append(f"it runs on {fitted} days a week, not {days}")
    return Fit(ok=not reasons, reasons=reasons, adjustments=adjustments)


def recommend(profile: Profile, programs: list[ProgramRef]) -> ProgramRef | None:
    """The published programme this athlete's own words ask for, if one fits them.

    Only a goal that names what a programme is for ("my first pull-up", "run a 5k") counts:
    a coach suggests a programme when it answers what the athlete said, never as an upsell.
    """
    words = " ".join([*profile.goals, *(t.what for t in profile.targets)])
    if not words:
        return None
    for ref in programs:
        audience = ref.content.audience
        named = any(re.search(w, words, re.I) for w in audience.goal_words)
        # Written for their level too: a sub-20 5k runner is no couch-to-5k athlete.
        level = profile.experience is None or profile.experience in audience.levels
        if named and level and fit(ref.content, profile).ok:
            return ref
    return None


def find(programs: list[ProgramRef], asked: str) -> ProgramRef | None:
    """The programme an athlete named: its keyword, slug or name, in any case and spacing."""
    key = re.sub(r"[^a-z0-9]", "", asked.lower())
    if not key:
        return None
    for ref in programs:
        names = {ref.keyword.lower(), ref.slug.replace("_", ""),
                 *(re.sub(r"[^a-z0-9]", "", n.lower()) for n in [ref.name,
                                                                 *ref.content.aliases])}
        if key in names:
            return ref
    return None
