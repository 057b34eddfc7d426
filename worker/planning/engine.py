"""The week engine: a programme's sessions filled from the exercises this athlete may do.

Given the athlete's profile, the week's place in the plan and the library exercises they can do
(equipment they have, nothing their injuries or promises rule out), it lays out a microcycle
from the athlete's archetype (:mod:`worker.planning.archetypes`): each session's slots filled
near the athlete's level, doses by role, loads from the numbers they stated
(:mod:`worker.planning.loads`), and the session grown or trimmed to the time they have (within
10%, warm-up included) by sets, rest and related accessory work, never by unrelated padding.
It writes whole weeks on the offline provider and is the yardstick model-written weeks are
repaired against. It always starts from the athlete's level: where each athlete has got to since
is :mod:`worker.planning.steps`' business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, cast

from worker.domain.profile import LoadCap, Profile
from worker.domain.programs import ProgramContent, Role
from worker.domain.vocabulary import LOADABLE
from worker.domain.workouts import (
    DayPlan,
    LoadUnit,
    PrescribedExercise,
    WeekPlan,
    WorkoutBlock,
)
from worker.library.seed import load_library_file
from worker.planning.archetypes import (
    GOAL_MOVE_GROUPS,
    LOWER,
    PULL,
    PUSH,
    Archetype,
    Dose,
    Session,
    Slot,
    archetype_for,
    goal_moves,
    skill_chains,
)
from worker.planning.constraints import Candidate, Constraints, constraints_for
from worker.planning.loads import (
    Max,
    TargetRate,
    capped,
    lift_slug,
    maxes,
    planned_max,
    target_rates,
)
from worker.planning.loads import working_load as load_for
from worker.planning.programs import program_archetype

WARMUP_MIN = 8
#: A short session warms up with one drill, in about this long.
SHORT_WARMUP_MIN = 4
#: Sessions this short (minutes) warm up with one drill.
SHORT_SESSION = 30
#: Seconds per rep, plus the set-up of each set, for estimating a session's length.
SECONDS_PER_REP = 3
SET_UP_SECONDS = 15
#: A distance set (a carry, a sprint) takes about this long.
DISTANCE_SET_SECONDS = 45
#: A session is on time within this fraction of the minutes asked.
TIME_TOLERANCE = 0.10
MIN_WORK_EXERCISES = 2
#: Loads from a cap this light change the rep range: more reps, since the weight can't grow.
LIGHT_CAP_KG = 15.0
LIGHT_CAP_REPS = (12, 20)

DEFAULT_DAYS: dict[int, list[int]] = {
    1: [3], 2: [1, 4], 3: [1, 3, 5], 4: [1, 2, 4, 5], 5: [1, 2, 3, 5, 6],
    6: [1, 2, 3, 4, 5, 6], 7: [1, 2, 3, 4, 5, 6, 7],
}
#: Patterns where external load is the better tool when available (not core, skills or cardio).
LOADED_PATTERNS = frozenset({"squat", "hinge", "horizontal_push", "horizontal_pull",
                             "vertical_push", "carry"})
#: The first main lifts of a session take the main dose; later "main" slots are dosed as
#: accessories (a strength day is two heavy lifts, not four).
HEAVY_SLOTS = 2
#: Block names and kinds, in session order.
BLOCKS: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("Skill", "skill", frozenset({"skill"})),
    ("Main", "strength", frozenset({"main", "function"})),
    ("Accessories", "strength", frozenset({"accessory", "core", "balance"})),
    ("Conditioning", "conditioning", frozenset({"conditioning"})),
)


def default_training_days(days_per_week: int) -> list[int]:
    return DEFAULT_DAYS[max(1, min(7, days_per_week))]


def target_rir(week_in_phase: int, is_deload: bool) -> int:
    """Reps in reserve: 3 -> 2 -> 1 over the loading weeks, 4 on a deload."""
    if is_deload:
        return 4
    return max(1, 4 - max(1, min(3, week_in_phase)))


# --- Time ------------------------------------------------------------------------------------


#: Metres a second by kind of distance work, for sessions that end with a walk or a ride.
PACES: tuple[tuple[str, float], ...] = (("walk", 1.5), ("swim", 0.8), ("row", 3.5),
                                        ("cycl", 6.0), ("bike", 6.0), ("run", 2.8),
                                        ("jog", 2.5))
#: Distances up to this are carries and sprints (a set of about DISTANCE_SET_SECONDS).
SHORT_DISTANCE = 200


def pace(slug: str) -> float:
    return next((speed for word, speed in PACES if word in slug), 2.0)


def set_seconds(item: PrescribedExercise, unilateral: bool = False) -> float:
    """One set's work: reps at about 3 s each, holds as long as the hold, a carry about 45 s,
    a walk or ride at its pace, plus set-up; both sides for a one-sided exercise."""
    if item.unit == "seconds":
        work = float(item.target_max)
    elif item.unit == "distance":
        work = float(DISTANCE_SET_SECONDS) if item.target_max <= SHORT_DISTANCE else \
            item.target_max / pace(item.exercise)
    else:
        work = float(item.target_max * SECONDS_PER_REP)
    return work * (2 if unilateral else 1) + SET_UP_SECONDS


def estimate_minutes(blocks: Sequence[WorkoutBlock], unilateral: frozenset[str] = frozenset()
                     ) -> int:
    """The warm-up (about WARMUP_MIN minutes, less when it is a single drill) plus, per work
    set, the work and the prescribed rest."""
    drills = sum(len(b.exercises) for b in blocks if b.kind == "warmup")
    total: float = (WARMUP_MIN if drills != 1 else SHORT_WARMUP_MIN) * 60
    for block in blocks:
        if block.kind == "warmup":
            continue
        for item in block.exercises:
            total += item.sets * (set_seconds(item, item.exercise in unilateral)
                                  + item.rest_seconds)
    return round(total / 60)


def on_time(minutes: int, asked: int) -> bool:
    return abs(minutes - asked) <= max(2, round(asked * TIME_TOLERANCE))


def fit_minutes(blocks: list[WorkoutBlock], minutes: int,
                unilateral: frozenset[str] = frozenset()) -> tuple[list[WorkoutBlock], bool]:
    """Trim a session to ``minutes``, cutting what matters least first.

    Conditioning and accessory sets, then accessories, then long rests, then main-lift sets
    down to two, then anything down to one set and short rests. The first two work exercises
    are the main lifts the week's progression hangs on, so they go last. Returns the blocks and
    whether anything was cut.
    """
    blocks = [b.model_copy(update={"exercises": list(b.exercises)}) for b in blocks]
    changed = False
    while estimate_minutes(blocks, unilateral) > minutes:
        work = [(bi, ei) for bi, b in enumerate(blocks) if b.kind != "warmup"
                for ei in range(len(b.exercises))]
        accessories, mains = work[MIN_WORK_EXERCISES:], work[:MIN_WORK_EXERCISES]

        step: tuple[str, tuple[int, int]] | None = None
        for action, slots, test in (
            ("set", accessories, lambda e: e.sets > 2),
            ("drop", accessories, lambda e: True),
            ("rest", work, lambda e: e.rest_seconds > 90),
            ("set", mains, lambda e: e.sets > 2),
            ("set", work, lambda e: e.sets > 1),
            ("rest", work, lambda e: e.rest_seconds > 30),
        ):
            found = next(((bi, ei) for bi, ei in reversed(slots)
                          if test(blocks[bi].exercises[ei])), None)
            if found is not None:
                step = (action, found)
                break
        if step is None:
            break
        action, (bi, ei) = step
        item = blocks[bi].exercises[ei]
        if action == "drop":
            blocks[bi].exercises.pop(ei)
        elif action == "set":
            blocks[bi].exercises[ei] = item.model_copy(update={"sets": item.sets - 1})
        else:
            rest = max(30, item.rest_seconds - 30)
            blocks[bi].exercises[ei] = item.model_copy(update={"rest_seconds": rest})
        blocks = [b for b in blocks if b.exercises]
        changed = True
    return blocks, changed


# --- The athlete, as the engine plans for them -----------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Everything the engine decides from: one athlete, one week."""

    profile: Profile
    archetype: Archetype
    constraints: Constraints
    candidates: tuple[Candidate, ...]
    days: tuple[int, ...]
    minutes: int
    level: str
    week_index: int
    week_in_phase: int
    is_deload: bool
    rir: int
    maxes: Mapping[str, Max] = field(default_factory=dict)
    rates: tuple[TargetRate, ...] = ()
    chains: tuple[str, ...] = ()
    #: Exercises practising the everyday movements the athlete asked for (see goal_moves).
    wanted: tuple[str, ...] = ()
    theme: str = "Build"

    @property
    def caps(self) -> Mapping[str, LoadCap]:
        return self.constraints.caps

    @property
    def loadable(self) -> bool:
        return self.archetype.prefer_loaded and any(c.equipment & LOADABLE
                                                    for c in self.candidates)

    def unilateral(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.candidates if c.unilateral)

    @classmethod
    def from_variables(cls, variables: Mapping[str, Any]) -> Plan:
        """The engine's view of the generator's variables (the same facts a model sees)."""
        raw: Mapping[str, Any] = variables.get("profile") or {}
        profile = Profile.model_validate(raw)
        week: Mapping[str, Any] = variables.get("week") or {}
        program = variables.get("program")
        content = ProgramContent.model_validate(program) if program else None
        archetype = program_archetype(content) if content else archetype_for(profile)
        constraints = constraints_for(profile)
        rows = variables.get("candidates") or []
        candidates = tuple(c for c in (Candidate.of(r) for r in rows)
                           if constraints.allows(c) and not (c.tags & archetype.forbid))
        days = tuple(sorted(set(week.get("training_days") or raw.get("training_days") or [])))\
            or tuple(default_training_days(int(raw.get("days_per_week") or 3)))
        is_deload = bool(week.get("is_deload"))
        week_in_phase = int(week.get("week_in_phase") or 1)
        rir = week.get("target_rir")
        start = week.get("start_date")
        today = date.fromisoformat(start) if isinstance(start, str) else date.today()
        chains = list(dict.fromkeys([*(content.chains if content else []),
                                     *skill_chains(profile)]))
        if archetype.key == "skill" and not chains:
            chains = ["handstand", "l_sit"]
        return cls(
            profile=profile, archetype=archetype, constraints=constraints,
            candidates=candidates, days=days, minutes=int(raw.get("session_minutes") or 45),
            level=str(raw.get("experience") or "beginner"),
            week_index=int(week.get("index") or 1), week_in_phase=week_in_phase,
            is_deload=is_deload,
            rir=int(rir) if rir is not None else target_rir(week_in_phase, is_deload),
            maxes=maxes(profile), rates=tuple(target_rates(profile, today)),
            chains=tuple(chains), wanted=goal_moves(profile),
            theme=str(week.get("theme") or "Build"),
        )


@cache
def _chains() -> dict[str, tuple[str, ...]]:
    return {c.chain: c.rungs for c in load_library_file().progressions}


def target_lift(plan: Plan) -> str | None:
    """The lift a strength athlete is chasing (a dated target first, else any lift target)."""
    if plan.archetype.key != "strength":
        return None
    if plan.rates:
        return plan.rates[0].slug
    for target in plan.profile.targets:
        slug = lift_slug(target.what, loaded=(target.value or 0) >= 20)
        if slug and any(c.slug == slug for c in plan.candidates):
            return slug
    return None


# --- Choosing exercises ----------------------------------------------------------------------


@dataclass
class Choice:
    """What the week has used so far, so sessions of the same kind vary."""

    by_title: dict[str, set[str]] = field(default_factory=dict)
    #: Hard sets per pattern so far this week.
    week_sets: Counter[str] = field(default_factory=Counter)
    #: Every exercise used so far this week (a second choice beats a repeat).
    week_used: set[str] = field(default_factory=set)


def _aim(plan: Plan, role: Role) -> int:
    level = plan.archetype.levels.get(plan.level, 3)
    return level - 1 if role in ("accessory", "core", "balance") else level


def _options(plan: Plan, slot: Slot, used: set[str]) -> list[Candidate]:
    """The candidates for a slot, from its first pattern that has any; a lift slot skips a
    pattern whose only options are isolation moves (curls are no pull for a main lift)."""
    lift = slot.role in ("main", "accessory") and "isolation" not in slot.prefer \
        and not slot.require  # a slot that names its tag (calves) asks for exactly that
    # What the athlete asked to practise is an option wherever its pattern fits the slot.
    wanted = [c for c in plan.candidates if c.slug in plan.wanted and c.slug not in used
              and c.pattern in slot.patterns]
    # A programme's own exercises for the slot, when this athlete may do them, come first.
    named = [c for slug in slot.exercises for c in plan.candidates
             if c.slug == slug and c.slug not in used]
    wanted = named + [c for c in wanted if c not in named]
    for pattern in slot.patterns:
        found = [c for c in plan.candidates if c.pattern == pattern and c.slug not in used
                 and (not slot.require or c.tags & slot.require)
                 and not (lift and "isolation" in c.tags)]
        if found:
            return found + [c for c in wanted if c not in found]
    return wanted


def _light_cap(plan: Plan, exercise: Candidate) -> bool:
    for item in exercise.equipment & {"dumbbell", "kettlebell"}:
        cap = plan.caps.get(item)
        if cap is not None and (cap.max_load if cap.unit == "kg" else cap.max_load / 2.2) \
                <= LIGHT_CAP_KG:
            return True
    return False


def choose(plan: Plan, slot: Slot, used: set[str], avoid: set[str], *,
           prefer_slug: str | None = None, week_used: set[str] | None = None
           ) -> Candidate | None:
    """The exercise for ``slot``: the athlete's target lift if it fits, else one near their
    level, loaded for lifters, one-sided when their dumbbells are light, varied across the
    week (``avoid``), easier on ties (a coach starts a rung low)."""
    options = _options(plan, slot, used)
    if slot.role == "skill" and plan.chains:
        options = _skill_options(plan, options, used)
    if not options:
        return None
    aim = _aim(plan, slot.role)
    loaded = LOADED_PATTERNS | ({"vertical_pull"} if plan.level == "beginner" else set())
    loaded_first = plan.loadable and slot.role in ("main", "accessory") \
        and any(p in loaded for p in slot.patterns)
    repeats = week_used or set()
    wants_isolation = "isolation" in slot.prefer

    def score(c: Candidate) -> tuple[int, bool, int, bool, bool, bool, bool, int, int, str]:
        unloaded = loaded_first and c.pattern in loaded and not (c.equipment & LOADABLE)
        light_bilateral = _light_cap(plan, c) and not c.unilateral and c.pattern in LOWER
        isolation = not wants_isolation and slot.role in ("main", "accessory") \
            and "isolation" in c.tags
        flexion_core = slot.role == "core" and "spinal_flexion" in c.tags
        distance = abs(c.difficulty - aim) + (2 if c.slug in repeats else 0)
        tags = c.tags | ({"unilateral"} if c.unilateral else set())
        # What they asked to be able to do comes first, once a week each (the stairs once,
        # then the usual choice: a sit-to-stand, not the stairs again in another form).
        asked = slot.role != "skill" and c.slug in plan.wanted and not (
            set(GOAL_MOVE_GROUPS.get(c.slug, (c.slug,))) & repeats)
        order = plan.wanted.index(c.slug) if asked else len(plan.wanted)
        # The author's order first, for a programme's slot (len: not one of theirs).
        authored = slot.exercises.index(c.slug) if c.slug in slot.exercises \
            else len(slot.exercises)
        return (authored, c.slug != prefer_slug and not asked, order,
                isolation or flexion_core,
                bool(slot.prefer) and not (tags & slot.prefer), c.slug in avoid,
                unloaded or light_bilateral, distance, c.difficulty, c.slug)

    return min(options, key=score)


def _skill_options(plan: Plan, options: list[Candidate], used: set[str]) -> list[Candidate]:
    """Rungs of the athlete's skill ladders: each skill slot practises the next skill in turn,
    so a muscle-up and a handstand both get practised, fresh, every session."""
    chains = _chains()
    practised = {chain for chain in plan.chains
                 if any(slug in used for slug in chains.get(chain, ()))}
    order = [c for c in plan.chains if c not in practised] + [c for c in plan.chains
                                                               if c in practised]
    kipping = any("kip" in g.lower() for g in [*plan.profile.goals,
                                              *(t.what for t in plan.profile.targets)])
    for chain in order:
        # Practice is the rungs below the goal (the last rung is the skill they are after),
        # and a kipping version only for someone who asked for one: a strict muscle-up is
        # a different skill from a kipping one.
        ladder = chains.get(chain, ())
        rungs = [r for r in ladder[:-1] or ladder
                 if r not in used and (kipping or not r.startswith("kipping_"))]
        found = [c for c in plan.candidates if c.slug in rungs]
        if found:
            return found
    return options


def dose(plan: Plan, role: Role) -> Dose:
    return plan.archetype.doses.get(role) or plan.archetype.doses["accessory"]


def prescribe(plan: Plan, exercise: Candidate, role: Role, *, heavy: bool = True,
              first_main: bool = False) -> PrescribedExercise:
    """Sets, reps, effort, rest and load for one exercise in one role."""
    d = dose(plan, role)
    low, high = exercise.default_min, exercise.default_max
    if exercise.unit == "reps" and d.reps is not None and role not in ("skill",) \
            and "isolation" not in exercise.tags and (
            exercise.equipment & LOADABLE or plan.archetype.key not in ("strength",
                                                                         "hypertrophy")):
        # Loaded lifts take the programme's reps; a bodyweight move keeps its own range
        # (strength comes from harder rungs, not from 3 push-ups).
        low, high = d.reps
        if exercise.default_max < low:  # 8-12 floor transfers is nobody's programme
            low, high = exercise.default_min, exercise.default_max
        if not heavy:  # the second time the target lift comes round: a volume day
            low, high = low + 2, high + 2
    if exercise.unit == "reps" and _light_cap(plan, exercise) and role in ("main", "accessory") \
            and exercise.slug not in plan.maxes:
        low, high = max(low, LIGHT_CAP_REPS[0]), max(high, LIGHT_CAP_REPS[1])
    if role == "conditioning" and _steady(exercise):
        return _steady_dose(plan, exercise, CONDITIONING_MINUTES.get(plan.archetype.key, 8),
                            STEADY_HOW)
    rir: int | None = 4 if plan.is_deload else min(4, max(1, plan.rir + d.rir_offset))
    if role in ("skill", "balance"):
        rir = max(rir or 0, 2)
    if role == "conditioning" or exercise.pattern in ("mobility", "balance"):
        rir = None
    sets = max(1, d.sets // 2) if plan.is_deload else d.sets
    load, unit, notes = _load(plan, exercise, (low + high) // 2, rir or 2, ask=first_main)
    rest = d.rest
    if role in ("main", "accessory") and not exercise.equipment & LOADABLE:
        rest = min(rest, BODYWEIGHT_REST)
    return PrescribedExercise(
        exercise=exercise.slug, sets=sets, target_min=low, target_max=max(low, high),
        unit=exercise.unit,
        rest_seconds=rest, rir=rir, notes=notes, load=load, load_unit=unit,
    )


#: Rest between sets of an unloaded move (push-ups, rows under a table, lunges): the long
#: rests of heavy barbell work only pad a bodyweight session out.
BODYWEIGHT_REST = 90


#: What the engine itself says of a steady bout: anything else on one (a programme's week,
#: "run 60 s, walk 90 s, 8 times") is an instruction the athlete must see.
STEADY_HOW = "steady, able to talk in short sentences"
FINISH_HOW = "easy pace, to finish"
STOCK_NOTES = frozenset({STEADY_HOW, FINISH_HOW})

#: Minutes of steady conditioning in a session, by programme (intervals are dosed by sets).
CONDITIONING_MINUTES = {"fat_loss": 12, "general": 8, "gentle": 8}


def _steady(exercise: Candidate) -> bool:
    """A walk, run or ride done as one continuous effort rather than sets."""
    return (exercise.unit == "distance" and exercise.default_max > SHORT_DISTANCE) or (
        exercise.unit == "seconds" and exercise.default_max > 120)


def _steady_dose(plan: Plan, exercise: Candidate, minutes: int, how: str, *,
                 halve: bool = True) -> PrescribedExercise:
    """``minutes`` of steady work; halved in a deload unless the caller's note already says
    what the lighter week holds (``halve`` False: a programme's week)."""
    seconds = minutes * 60 - SET_UP_SECONDS
    if exercise.unit == "distance":
        top = max(100, int(seconds * pace(exercise.slug)) // 100 * 100)
    else:
        top = max(60, seconds // 60 * 60)
    if plan.is_deload and halve:
        top = max(60, top // 2)
    return PrescribedExercise(
        exercise=exercise.slug, sets=1, target_min=max(1, int(top * 0.8)), target_max=top,
        unit=exercise.unit, rest_seconds=0, rir=None, notes=how)


def _load(plan: Plan, exercise: Candidate, reps: int, rir: int, *, ask: bool
          ) -> tuple[float | None, Any, str | None]:
    if not (exercise.equipment & LOADABLE) or exercise.unit != "reps":
        return None, None, None
    known = plan.maxes.get(exercise.slug)
    if known is not None:
        top = planned_max(known, plan.rates, plan.week_index)
        load = capped(load_for(top, reps, rir, known.unit), sorted(exercise.equipment),
                      plan.caps, known.unit)
        return load, known.unit, f"from your {known.source}"
    cap = next((plan.caps[e] for e in sorted(exercise.equipment) if e in plan.caps), None)
    if ask and plan.week_index == 1 and not plan.is_deload:
        limit = f" (up to your {cap.max_load:g}{cap.unit})" if cap else ""
        return None, None, (f"first week: find a weight{limit} you could lift about "
                            f"{reps + rir} times, and text me what you used")
    return None, None, None


# --- Sessions --------------------------------------------------------------------------------


def _blocks(plan: Plan, work: Sequence[tuple[Role, PrescribedExercise]],
            warmup: Sequence[PrescribedExercise]) -> list[WorkoutBlock]:
    blocks = [WorkoutBlock(name="Warm-up", kind="warmup", exercises=list(warmup))] \
        if warmup else []
    order = sorted(BLOCKS, key=lambda b: b[1] != "conditioning") \
        if plan.archetype.conditioning_first else BLOCKS
    for name, kind, roles in order:
        items = [item for role, item in work if role in roles]
        if items:
            blocks.append(WorkoutBlock(name=name, kind=kind,  # type: ignore[arg-type]
                                       exercises=items))
    return blocks


def _warmup(plan: Plan, used: set[str], index: int) -> list[PrescribedExercise]:
    """Two dynamic drills (moving, not held stretches), different from session to session;
    wrist preparation first for skill work on the hands."""
    drills = sorted((c for c in plan.candidates if c.pattern == "mobility" and c.unit == "reps"
                     and c.difficulty <= 2 and not c.tags & {"floor", "kneeling"}),
                    key=lambda c: c.slug)
    chosen: list[Candidate] = []
    if plan.archetype.key == "skill":
        chosen += [c for c in plan.candidates if c.pattern == "wrist" and c.unit == "seconds"
                   and not c.equipment][:1]
    if drills:
        for offset in (0, 1):
            drill = drills[(index * 2 + offset) % len(drills)]
            if drill not in chosen:
                chosen.append(drill)
    found = []
    # A short session, or one that opens with its own easy bout (a run-walk starts with five
    # minutes of brisk walking), needs one drill.
    one = plan.minutes <= SHORT_SESSION or plan.archetype.conditioning_first
    for drill in chosen[:1 if one else 3]:
        used.add(drill.slug)
        found.append(PrescribedExercise(
            exercise=drill.slug, sets=1, target_min=drill.default_min,
            target_max=drill.default_max, unit=drill.unit, rest_seconds=0, rir=None,
            notes=None))
    return found


def pattern_of(plan: Plan) -> dict[str, str]:
    """Slug -> movement pattern; isolation moves count for no pattern (a curl is not a pull
    for the balance of a session)."""
    return {c.slug: "isolation" if "isolation" in c.tags else c.pattern
            for c in plan.candidates}


def covers(patterns: set[str]) -> dict[str, bool]:
    return {"push": bool(patterns & PUSH), "pull": bool(patterns & PULL),
            "lower": bool(patterns & LOWER)}


def build_session(plan: Plan, session: Session, choice: Choice, *, index: int,
                  target: str | None = None, heavy: bool = True
                  ) -> tuple[str, str, list[WorkoutBlock]]:
    """One session of the programme, filled, balanced and fitted to the time."""
    used: set[str] = set()
    avoid = choice.by_title.setdefault(session.title.rstrip(" ABC"), set())
    work: list[tuple[Role, PrescribedExercise]] = []
    slots = list(session.slots)
    if target is not None:
        target_pattern = next((c.pattern for c in plan.candidates if c.slug == target), None)
        first = next((s for s in slots if target_pattern in s.patterns), None)
        if first is not None:  # the lift they chase comes first, as a main lift
            slots.remove(first)
            slots.insert(0, Slot("main", first.patterns, first.prefer, first.require))
    mains = 0
    patterns = pattern_of(plan)
    for slot in slots:
        # Skills and main lifts come round on the same rung or lift through the week (that is
        # how they improve); accessories vary.
        steady = slot.role in ("skill", "main")
        exercise = choose(plan, slot, used, set() if steady else avoid,
                          prefer_slug=target if slot is slots[0] else None,
                          week_used=None if steady else choice.week_used)
        if exercise is None:
            continue
        used.add(exercise.slug)
        role: Role = slot.role
        if role == "main":
            mains += 1
            if mains > HEAVY_SLOTS:
                role = "accessory"
        item = prescribe(plan, exercise, role, heavy=heavy or exercise.slug != target,
                         first_main=role == "main")
        item = _authored(plan, slot, exercise, item)
        room = weekly_room(plan, choice.week_sets, work, patterns.get(exercise.slug, ""))
        if room < 1 and len(work) >= MIN_WORK_EXERCISES:
            used.discard(exercise.slug)
            continue  # this pattern has had its week
        work.append((role, item.model_copy(update={"sets": max(1, min(item.sets, room))})))
    if session.full_body:
        work = _balance(plan, work, used, avoid)
    warmup = _warmup(plan, used, index)
    blocks = _blocks(plan, work, warmup)
    theme = None if session.full_body else frozenset(
        p for slot in session.slots for p in slot.patterns)
    blocks = grow(plan, blocks, work, used, avoid, choice.week_sets, theme)
    avoid.update(used)
    choice.week_used.update(used)
    for block in blocks:
        if block.kind != "warmup":
            for item in block.exercises:
                choice.week_sets[patterns.get(item.exercise, item.exercise)] += item.sets
    title = session.title + (" (deload)" if plan.is_deload else "")
    firsts = [p for s in session.slots for p in s.patterns[:1]]
    focus = ", ".join(dict.fromkeys(p.replace("_", " ") for p in firsts[:3]))
    return title, focus, blocks


def _authored(plan: Plan, slot: Slot, exercise: Candidate, item: PrescribedExercise
              ) -> PrescribedExercise:
    """A programme slot's own dose: its minutes of steady work and this week's note (the
    run-walk ratio of a couch-to-5k week)."""
    # The week's note is written for the author's first exercise: a walk that replaced a
    # run-walk (a knee) is not told to run.
    first = not slot.exercises or exercise.slug == slot.exercises[0]
    note = slot.notes_for(plan.week_index) if first else None
    if slot.minutes is not None and _steady(exercise):
        item = _steady_dose(plan, exercise, slot.minutes, note or STEADY_HOW, halve=False)
    elif note is not None:
        item = item.model_copy(update={"notes": note})
    return item


def _balance(plan: Plan, work: list[tuple[Role, PrescribedExercise]], used: set[str],
             avoid: set[str]) -> list[tuple[Role, PrescribedExercise]]:
    """A full-body session trains a push, a pull and the legs: add what the slots missed."""
    patterns = pattern_of(plan)
    have = covers({patterns.get(i.exercise, "") for _, i in work})
    for name, group in (("push", PUSH), ("pull", PULL), ("lower", LOWER)):
        if have[name]:
            continue
        exercise = choose(plan, Slot("accessory", tuple(sorted(group))), used, avoid)
        if exercise is not None:
            used.add(exercise.slug)
            work.append(("accessory", prescribe(plan, exercise, "accessory")))
    return work


#: A deload session takes at most this share of the usual time.
DELOAD_TIME = 0.65
#: A push, pull or leg group may get this many sets beyond the programme's weekly aim.
GROUP_SLACK = 4
GROUPS = (PUSH, PULL, LOWER)


def weekly_room(plan: Plan, week: Counter[str], work: Sequence[tuple[Role, PrescribedExercise]],
                pattern: str) -> int:
    """Sets still allowed this week for ``pattern``: under the per-pattern cap and, for a
    push, pull or leg pattern, under the programme's weekly aim for the group plus a little."""
    patterns = pattern_of(plan)
    session = Counter(patterns.get(i.exercise, "") for _, i in work for _ in range(i.sets))
    room = PATTERN_WEEKLY_CAP - week[pattern] - session[pattern]
    for group in GROUPS:
        if pattern in group:
            done = sum(week[p] + session[p] for p in group)
            room = min(room, plan.archetype.weekly_sets[1] + GROUP_SLACK - done)
    return room


#: Hard sets a pattern may get in a week, so growing sessions never breaks the volume cap.
PATTERN_WEEKLY_CAP = 18
#: Rest the main lifts may grow to when a session has time to spare, by programme.
LONGEST_REST = {"strength": 240, "hypertrophy": 150}
#: The rest an accessory set gets at least, once the session has the time for it.
ACCESSORY_REST = 60
#: The easy cardio that closes a session with time left, best first.
FINISHERS = ("brisk_walk", "incline_treadmill_walk", "elliptical", "cycling", "rowing",
             "swimming")


def grow(plan: Plan, blocks: list[WorkoutBlock], work: list[tuple[Role, PrescribedExercise]],
         used: set[str], avoid: set[str], week_sets: Counter[str] | None = None,
         theme: frozenset[str] | None = None) -> list[WorkoutBlock]:
    """Fill the session to the time asked: sets on the work already there, then the
    programme's own accessories, then longer rests on the main lifts, then easy cardio to
    finish; trim if it runs over. ``week_sets`` (hard sets per pattern so far this week)
    keeps any pattern under the weekly cap."""
    unilateral = plan.unilateral()
    asked = plan.minutes
    ceiling = asked  # "I have 40 minutes" is a limit: use it, never run past it
    if plan.is_deload:  # a lighter week is a shorter one too
        ceiling = max(SHORT_WARMUP_MIN + 6, round(asked * DELOAD_TIME))
    floor_ = asked - max(1, round(asked * TIME_TOLERANCE))
    warmup = blocks[0].exercises if blocks and blocks[0].kind == "warmup" else []
    patterns = pattern_of(plan)
    week = week_sets if week_sets is not None else Counter()

    def minutes(items: list[tuple[Role, PrescribedExercise]]) -> int:
        return estimate_minutes(_blocks(plan, items, warmup), unilateral)

    def room(slug: str, extra: int) -> bool:
        return weekly_room(plan, week, work, patterns.get(slug, slug)) >= extra

    if minutes(work) > ceiling:
        work = shrink(plan, work, ceiling, minutes)
    extras = [] if plan.is_deload else list(plan.archetype.extras)
    # A deload is meant to be shorter: half the sets, nothing added back to fill the time.
    while minutes(work) < floor_ and not plan.is_deload:
        grown = False
        for i, (role, item) in enumerate(work):  # one more set where the dose allows
            if _steady_item(item):
                continue
            # The programme's own extras (the arms of a hypertrophy week) come before sets
            # past the dose's usual count.
            most = dose(plan, role).sets if extras else dose(plan, role).max_sets
            if plan.is_deload:
                most = max(1, most // 2)
            if item.sets < most and room(item.exercise, 1):
                trial = [*work[:i], (role, item.model_copy(update={"sets": item.sets + 1})),
                         *work[i + 1:]]
                if minutes(trial) <= ceiling:
                    work, grown = trial, True
                    break
        while extras and not grown:
            slot = extras.pop(0)
            if not _fits(slot, theme, {patterns.get(i.exercise) for _, i in work}):
                continue
            exercise = choose(plan, slot, used, avoid)
            if exercise is None:
                continue
            item = prescribe(plan, exercise, slot.role)
            trial = [*work, (slot.role, item)]
            if minutes(trial) <= ceiling and room(exercise.slug, item.sets):
                used.add(exercise.slug)
                work, grown = trial, True
        if not grown:
            longest = LONGEST_REST.get(plan.archetype.key, 120)
            for i, (role, item) in enumerate(work):
                if (role == "main" and item.rest_seconds < longest) or (
                        role == "accessory" and item.rest_seconds < ACCESSORY_REST):
                    trial = [*work[:i], (role, item.model_copy(
                        update={"rest_seconds": item.rest_seconds + 30})), *work[i + 1:]]
                    if minutes(trial) <= ceiling:
                        work, grown = trial, True
                        break
        if not grown:
            work, grown = _finish(plan, work, used, asked - minutes(work))
        if not grown:
            break
    if minutes(work) > ceiling:
        work = shrink(plan, work, ceiling, minutes)
    return _blocks(plan, work, warmup)


#: Patterns any session may add when it has time, whatever its theme.
ANY_SESSION = frozenset({"core_stability", "anti_rotation", "rotation", "balance",
                         "locomotion", "ballistic"})


def _fits(slot: Slot, theme: frozenset[str] | None, present: set[str | None]) -> bool:
    """An extra belongs in this session: its pattern is one the session trains (a split day
    stays on its theme) or goes anywhere (core, balance, conditioning), and the session has
    none of it yet."""
    first = slot.patterns[0]
    if first in present and first not in ("core_stability", "anti_rotation") \
            and "isolation" not in slot.prefer:  # curls beside pull-ups are arm work, not more
        return False
    return theme is None or bool(set(slot.patterns) & (theme | ANY_SESSION))


def _steady_item(item: PrescribedExercise) -> bool:
    return (item.unit == "distance" and item.target_max > SHORT_DISTANCE) or (
        item.unit == "seconds" and item.target_max > 120)


def _finish(plan: Plan, work: list[tuple[Role, PrescribedExercise]], used: set[str],
            spare: int) -> tuple[list[tuple[Role, PrescribedExercise]], bool]:
    """Easy cardio sized to the minutes left (a brisk walk, a ride), once per session; a walk
    already in the session gets longer instead."""
    if spare < 3:
        return work, False
    for i, (role, item) in enumerate(work):
        if item.exercise in FINISHERS and item.unit != "reps" and item.sets == 1:
            extra = spare * 60 * (pace(item.exercise) if item.unit == "distance" else 1)
            top = int(item.target_max + extra) // 100 * 100 or item.target_max + 60
            longer = item.model_copy(update={"target_max": top,
                                             "target_min": max(1, int(top * 0.8))})
            return [*work[:i], (role, longer), *work[i + 1:]], top > item.target_max
    present = {i.exercise for _, i in work}  # one trimmed away earlier may come back
    options = {c.slug: c for c in plan.candidates if c.slug in FINISHERS
               and c.slug not in present}
    exercise = next((options[s] for s in FINISHERS if s in options), None)
    if exercise is None:
        return work, False
    item = _steady_dose(plan, exercise, spare, FINISH_HOW)
    used.add(exercise.slug)
    return [*work, ("conditioning", item)], True


#: The shortest steady bout worth doing, in seconds.
MIN_STEADY_SECONDS = 300


def _shorter(item: PrescribedExercise, over: int) -> PrescribedExercise | None:
    """A steady bout (a ride, a walk) cut by ``over`` minutes, or None when it is already at
    its shortest; cutting the bout is cheaper than cutting the session's strength work."""
    rate = pace(item.exercise) if item.unit == "distance" else 1.0
    floor = int(MIN_STEADY_SECONDS * rate)
    top = max(floor, int(item.target_max - max(over, 1) * 60 * rate))
    if item.unit == "distance":
        top = top // 100 * 100 or floor
    if top >= item.target_max:
        return None
    return item.model_copy(update={"target_max": top,
                                   "target_min": min(item.target_min, max(1, int(top * 0.8)))})


def shrink(plan: Plan, work: list[tuple[Role, PrescribedExercise]], ceiling: int,
           minutes: Callable[[list[tuple[Role, PrescribedExercise]]], int],
           ) -> list[tuple[Role, PrescribedExercise]]:
    """Cut a session to the time: accessory sets, then whole accessories (never the ones the
    programme is about: skill practice, balance for older athletes, a missing push, pull or
    leg pattern), then main sets, then rests."""
    protected: set[Role] = {"skill"} if plan.archetype.key == "skill" else set()
    if plan.archetype.key == "gentle":
        protected |= {"balance", "function"}
    protected |= plan.archetype.protected
    patterns = pattern_of(plan)

    def droppable(i: int) -> bool:
        role, item = work[i]
        if i < MIN_WORK_EXERCISES or role in protected:
            return False
        rest = {patterns.get(x.exercise, "") for j, (_, x) in enumerate(work) if j != i}
        before = covers(rest | {patterns.get(item.exercise, "")})
        return covers(rest) == before

    while minutes(work) > ceiling:
        light = [i for i, (r, x) in enumerate(work)
                 if r in ("accessory", "core", "conditioning", "balance") and x.sets > 2]
        drop = [i for i in range(len(work)) if droppable(i)]
        heavy = [i for i, (r, x) in enumerate(work) if x.sets > 2]
        single = [i for i, (r, x) in enumerate(work) if x.sets > 1 and r not in protected]
        rests = [i for i, (r, x) in enumerate(work) if x.rest_seconds > 30]
        steady = [i for i, (r, x) in enumerate(work)
                  if _steady_item(x) and x.sets == 1 and r not in protected
                  and _shorter(x, minutes(work) - ceiling) is not None]
        if steady:
            i = steady[-1]
            work[i] = (work[i][0], cast(PrescribedExercise,
                                        _shorter(work[i][1], minutes(work) - ceiling)))
        elif light:
            i = light[-1]
            work[i] = (work[i][0], work[i][1].model_copy(update={"sets": work[i][1].sets - 1}))
        elif drop:
            work.pop(drop[-1])
        elif heavy:
            i = heavy[-1]
            work[i] = (work[i][0], work[i][1].model_copy(update={"sets": work[i][1].sets - 1}))
        elif single:
            i = single[-1]
            work[i] = (work[i][0], work[i][1].model_copy(update={"sets": work[i][1].sets - 1}))
        elif rests:
            i = rests[-1]
            rest = max(30, work[i][1].rest_seconds - 15)
            work[i] = (work[i][0], work[i][1].model_copy(update={"rest_seconds": rest}))
        elif protected:
            protected = set()  # nothing else left to cut: the programme's extras go too
        else:
            break
    return work


#: Patterns that belong in a warm-up.
WARMUP_PATTERNS = frozenset({"mobility", "wrist", "flow"})
def _within_caps(plan: Plan, item: PrescribedExercise) -> PrescribedExercise:
    """A load no heavier than the athlete's dumbbells or kettlebells, in their unit."""
    fact = next((c for c in plan.candidates if c.slug == item.exercise), None)
    if item.load is None or fact is None:
        return item
    default: LoadUnit = next((c.unit for c in plan.caps.values()), "kg")
    unit: LoadUnit = item.load_unit or default
    load = capped(item.load, sorted(fact.equipment), plan.caps, unit)
    return item if load == item.load else item.model_copy(update={"load": load,
                                                                  "load_unit": unit})


#: Roles by the engine's own block names; a model's blocks are read by kind and position.
ROLE_BY_BLOCK: dict[str, Role] = {"Skill": "skill", "Main": "main", "Accessories": "accessory",
                                  "Conditioning": "conditioning"}


def _role_of(block: WorkoutBlock, position: int) -> Role:
    if block.name in ROLE_BY_BLOCK:
        return ROLE_BY_BLOCK[block.name]
    if block.kind == "skill":
        return "skill"
    if block.kind == "conditioning":
        return "conditioning"
    return "main" if position < HEAVY_SLOTS else "accessory"


def finish_day(plan: Plan, blocks: Sequence[WorkoutBlock], weekday: int, choice: Choice
               ) -> list[WorkoutBlock]:
    """A session someone else wrote (a model), held to the programme: a full-body day gets
    its missing push, pull or leg pattern, and the session is grown or trimmed to the time
    asked the way the engine's own are. Its exercises are kept."""
    sessions = plan.archetype.weeks[max(1, min(7, len(plan.days)))]
    index = plan.days.index(weekday) if weekday in plan.days else 0
    session = sessions[index % len(sessions)]
    patterns = pattern_of(plan)
    warmup = [i for b in blocks if b.kind == "warmup" for i in b.exercises
              if patterns.get(i.exercise) in WARMUP_PATTERNS]
    work: list[tuple[Role, PrescribedExercise]] = []
    for block in blocks:
        for item in block.exercises:
            if block.kind != "warmup":
                role = "conditioning" if patterns.get(item.exercise) == "locomotion" \
                    else _role_of(block, len(work))
                if (_steady_item(item) or item.exercise in FINISHERS) and item.sets > 1:
                    # 3 x 1 km walks is one 3 km walk
                    item = item.model_copy(update={
                        "sets": 1, "target_min": item.target_min * item.sets,
                        "target_max": item.target_max * item.sets, "rest_seconds": 0})
                work.append((role, item))
            elif patterns.get(item.exercise) not in WARMUP_PATTERNS:
                # A row or a squat written as a warm-up is work: count it as work.
                work.append(("accessory", item.model_copy(update={
                    "sets": max(item.sets, 2),
                    "rest_seconds": max(item.rest_seconds, ACCESSORY_REST)})))
    used = {i.exercise for _, i in work} | {i.exercise for i in warmup}
    avoid = choice.by_title.setdefault(session.title.rstrip(" ABC"), set())
    skill = next((slot for slot in session.slots if slot.role == "skill"), None)
    if skill is not None and not any(role == "skill" for role, _ in work):
        practice = choose(plan, skill, used, set())  # a skills session starts with skills
        if practice is not None:
            used.add(practice.slug)
            work.insert(0, ("skill", prescribe(plan, practice, "skill")))
    if session.full_body:
        work = _balance(plan, work, used, avoid)
    theme = None if session.full_body else frozenset(
        p for slot in session.slots for p in slot.patterns)
    work = [(role, _within_caps(plan, item)) for role, item in work]
    done = grow(plan, _blocks(plan, work, warmup), work, used, avoid, choice.week_sets, theme)
    avoid.update(used)
    for block in done:
        if block.kind != "warmup":
            for item in block.exercises:
                choice.week_sets[patterns.get(item.exercise, item.exercise)] += item.sets
    return done


# --- A week ----------------------------------------------------------------------------------


def design_week(plan: Plan) -> WeekPlan:
    sessions = plan.archetype.weeks[max(1, min(7, len(plan.days)))]
    target = target_lift(plan)
    choice = Choice()
    plan_days: list[DayPlan] = []
    by_day = dict(zip(plan.days, sessions, strict=False))
    order = {day: i for i, day in enumerate(plan.days)}
    target_days = _target_days(plan, target, by_day)
    for weekday in range(1, 8):
        session = by_day.get(weekday)
        if session is None:
            plan_days.append(DayPlan(weekday=weekday, title="Rest day", focus="recovery",
                                     is_rest_day=True, estimated_minutes=0, blocks=[]))
            continue
        heavy = target_days.index(weekday) == 0 if weekday in target_days else True
        title, focus, blocks = build_session(
            plan, session, choice, index=order[weekday],
            target=target if weekday in target_days else None, heavy=heavy)
        plan_days.append(DayPlan(
            weekday=weekday, title=title, focus=focus, is_rest_day=False,
            estimated_minutes=min(estimate_minutes(blocks, plan.unilateral()), 300),
            blocks=blocks))
    theme = "Deload" if plan.is_deload else plan.theme
    return WeekPlan(theme=theme, is_deload=plan.is_deload, target_rir=plan.rir, days=plan_days)


#: The lift a strength athlete chases comes round this often a week (when they train enough).
TARGET_FREQUENCY = 2


def _target_days(plan: Plan, target: str | None, by_day: Mapping[int, Session]) -> list[int]:
    if target is None:
        return []
    days = list(by_day)
    if len(days) <= 1:
        return days
    # Spread: the first session and one as far from it as the week allows.
    wanted = min(TARGET_FREQUENCY + (1 if len(days) >= 5 else 0), len(days))
    step = len(days) / wanted
    return [days[int(i * step)] for i in range(wanted)]


def build_week(variables: Mapping[str, Any]) -> WeekPlan:
    """A whole microcycle for the athlete described by ``variables`` (the generator's)."""
    return design_week(Plan.from_variables(variables))


def pick(
    candidates: Sequence[Mapping[str, Any]],
    pattern: str,
    level: int,
    used: set[str],
    *,
    prefer_loaded: bool = False,
    avoid: frozenset[str] = frozenset(),
) -> Mapping[str, Any] | None:
    """The unused library row of ``pattern`` nearest ``level``: for swaps and refits of one
    exercise, which keep the session's shape (loaded stays loaded where it can)."""
    options = [c for c in candidates if c["pattern"] == pattern and c["slug"] not in used]
    if not options:
        return None
    loaded_first = prefer_loaded and pattern in LOADED_PATTERNS

    def score(c: Mapping[str, Any]) -> tuple[bool, bool, int, int, str]:
        unloaded = loaded_first and not (set(c.get("equipment") or []) & LOADABLE)
        return (c["slug"] in avoid, unloaded, abs(int(c["difficulty"]) - level),
                int(c["difficulty"]), str(c["slug"]))

    return min(options, key=score)
