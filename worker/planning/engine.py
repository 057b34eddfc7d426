"""The deterministic week engine: sessions from the exercise library, within safe bounds.

Given the athlete's profile, the week's place in the plan and the library exercises they can do
(equipment they have, nothing loading an injured area), it lays out a microcycle: a session
split by training days, one exercise per movement slot chosen near the athlete's level,
sets/reps/effort from reference/training.md (RIR 3 -> 2 -> 1, deload = half the sets at RIR 4),
trimmed to the session length. It writes whole weeks on the offline provider and is the
yardstick model-written weeks are repaired against. It always starts from the athlete's level:
where each athlete has got to since is :mod:`worker.planning.steps`' business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from worker.domain.vocabulary import LOADABLE
from worker.domain.workouts import DayPlan, PrescribedExercise, WeekPlan, WorkoutBlock

LEVEL_DIFFICULTY = {"beginner": 3, "intermediate": 5, "advanced": 7}
MAIN_SETS = {"beginner": 3, "intermediate": 4, "advanced": 4}
WARMUP_MIN = 8
SECONDS_PER_SET = 45

DEFAULT_DAYS: dict[int, list[int]] = {
    1: [3], 2: [1, 4], 3: [1, 3, 5], 4: [1, 2, 4, 5], 5: [1, 2, 3, 5, 6],
    6: [1, 2, 3, 4, 5, 6], 7: [1, 2, 3, 4, 5, 6, 7],
}

# Movement slots per session type, most important first (trimming drops from the end).
SESSIONS: dict[str, tuple[str, list[str]]] = {
    "full_a": ("Full body A", ["squat", "horizontal_push", "horizontal_pull", "hinge",
                               "core_stability", "carry"]),
    "full_b": ("Full body B", ["hinge", "vertical_pull", "vertical_push", "squat",
                               "anti_rotation", "core_stability"]),
    "full_c": ("Full body C", ["squat", "vertical_push", "horizontal_pull", "hinge", "rotation",
                               "core_stability"]),
    "upper": ("Upper body", ["horizontal_push", "horizontal_pull", "vertical_push",
                             "vertical_pull", "core_stability"]),
    "lower": ("Lower body", ["squat", "hinge", "squat", "anti_rotation", "core_stability"]),
    "push": ("Push", ["horizontal_push", "vertical_push", "horizontal_push", "core_stability"]),
    "pull": ("Pull", ["vertical_pull", "horizontal_pull", "hinge", "grip"]),
    "legs": ("Legs", ["squat", "hinge", "squat", "plyometrics", "core_stability"]),
    "conditioning": ("Conditioning", ["locomotion", "ballistic", "plyometrics",
                                      "core_stability"]),
}
ROTATIONS: dict[int, list[str]] = {
    1: ["full_a"], 2: ["full_a", "full_b"], 3: ["full_a", "full_b", "full_c"],
    4: ["upper", "lower", "upper", "lower"],
    5: ["upper", "lower", "push", "pull", "legs"],
    6: ["push", "pull", "legs", "push", "pull", "legs"],
    7: ["push", "pull", "legs", "conditioning", "upper", "lower", "conditioning"],
}
ENDURANCE_SWAP = {3: 2, 4: 1}  # sessions that become conditioning for endurance/fat loss


def default_training_days(days_per_week: int) -> list[int]:
    return DEFAULT_DAYS[max(1, min(7, days_per_week))]


def target_rir(week_in_phase: int, is_deload: bool) -> int:
    """Reps in reserve: 3 -> 2 -> 1 over the loading weeks, 4 on a deload."""
    if is_deload:
        return 4
    return max(1, 4 - max(1, min(3, week_in_phase)))


#: Patterns where external load is the better tool when available (not core, skills or cardio).
LOADED_PATTERNS = frozenset({"squat", "hinge", "horizontal_push", "horizontal_pull",
                             "vertical_push", "vertical_pull", "carry"})


def pick(
    candidates: Sequence[Mapping[str, Any]],
    pattern: str,
    level: int,
    used: set[str],
    *,
    prefer_loaded: bool = False,
    avoid: frozenset[str] = frozenset(),
) -> Mapping[str, Any] | None:
    """The unused exercise of ``pattern`` whose difficulty is closest to ``level``.

    With ``prefer_loaded`` a loadable lift (barbell, dumbbell, machine...) beats a bodyweight
    variation for strength patterns: a lifter with a gym is not given box pistols. ``avoid``
    (the same session type's picks earlier in the week) is used only when nothing else fits,
    so an A/B split varies. Ties go to the easier one: a coach starts a rung low.
    """
    options = [c for c in candidates if c["pattern"] == pattern and c["slug"] not in used]
    if not options:
        return None
    loaded_first = prefer_loaded and pattern in LOADED_PATTERNS

    def score(c: Mapping[str, Any]) -> tuple[bool, bool, int, int, str]:
        unloaded = loaded_first and not (set(c.get("equipment") or []) & LOADABLE)
        return (c["slug"] in avoid, unloaded, abs(int(c["difficulty"]) - level),
                int(c["difficulty"]), str(c["slug"]))

    return min(options, key=score)


def _prescription(
    exercise: Mapping[str, Any], sets: int, rir: int | None, rest: int
) -> PrescribedExercise:
    low = int(exercise.get("default_min") or 8)
    high = int(exercise.get("default_max") or max(low, 12))
    return PrescribedExercise(
        exercise=str(exercise["slug"]), sets=sets, target_min=low, target_max=max(low, high),
        unit=exercise.get("unit") or "reps", rest_seconds=rest, rir=rir, notes=None,
    )


def estimate_minutes(blocks: Sequence[WorkoutBlock]) -> int:
    """Warm-up plus, per work set, ~45 s of work and the prescribed rest."""
    total: float = WARMUP_MIN
    for block in blocks:
        if block.kind == "warmup":
            continue
        for item in block.exercises:
            total += item.sets * (SECONDS_PER_SET + item.rest_seconds) / 60
    return round(total)


MIN_WORK_EXERCISES = 2


def fit_minutes(blocks: list[WorkoutBlock], minutes: int) -> tuple[list[WorkoutBlock], bool]:
    """Trim a session to ``minutes``, cutting what matters least first.

    Accessory sets, then accessories, then long rests, then main-lift sets down to two, then
    anything down to one set and short rests. The first two work exercises are the main lifts
    the week's progression hangs on, so they go last. Returns the blocks and whether anything
    was cut.
    """
    blocks = [b.model_copy(update={"exercises": list(b.exercises)}) for b in blocks]
    changed = False
    while estimate_minutes(blocks) > minutes:
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


def build_session(
    kind: str,
    candidates: Sequence[Mapping[str, Any]],
    *,
    experience: str,
    minutes: int,
    rir: int,
    is_deload: bool,
    levels: Mapping[str, int] | None = None,
    prefer_loaded: bool = False,
    avoid: frozenset[str] = frozenset(),
) -> tuple[str, str, list[WorkoutBlock]]:
    title, slots = SESSIONS[kind]
    level = LEVEL_DIFFICULTY.get(experience, 3)
    main_sets = MAIN_SETS.get(experience, 3)
    used: set[str] = set()
    work: list[PrescribedExercise] = []
    for index, pattern in enumerate(slots):
        aim = (levels or {}).get(pattern, level if index < 2 else level - 1)
        exercise = pick(candidates, pattern, aim, used, prefer_loaded=prefer_loaded,
                        avoid=avoid)
        if exercise is None:
            continue
        used.add(str(exercise["slug"]))
        sets = main_sets if index < 2 else 3
        if is_deload:
            sets = max(1, sets // 2)
        rest = 120 if index < 2 else 75
        work.append(_prescription(exercise, sets, rir, rest))
    warmup = [
        _prescription(e, 1, None, 0)
        for e in (pick(candidates, "mobility", 2, used), pick(candidates, "mobility", 3, used))
        if e is not None
    ]
    blocks = [WorkoutBlock(name="Warm-up", kind="warmup", exercises=warmup)] if warmup else []
    if work:
        blocks.append(WorkoutBlock(name="Main", kind="strength", exercises=work))
    blocks, _ = fit_minutes(blocks, minutes)
    focus = ", ".join(dict.fromkeys(p.replace("_", " ") for p in slots[:3]))
    return title, focus, blocks


def build_week(variables: Mapping[str, Any]) -> WeekPlan:
    """A whole microcycle for the athlete described by ``variables``.

    Expects ``profile`` (experience, training_days, days_per_week, session_minutes,
    primary_goal), ``week`` (week_in_phase, is_deload, theme) and ``candidates`` (library
    exercises this athlete can do: slug, pattern, difficulty, unit, default_min/max).
    """
    profile: Mapping[str, Any] = variables.get("profile") or {}
    week: Mapping[str, Any] = variables.get("week") or {}
    candidates: Sequence[Mapping[str, Any]] = variables.get("candidates") or []
    days = sorted(set(profile.get("training_days") or [])) or default_training_days(
        int(profile.get("days_per_week") or 3)
    )
    is_deload = bool(week.get("is_deload"))
    rir = target_rir(int(week.get("week_in_phase") or 1), is_deload)
    rotation = list(ROTATIONS[len(days)])
    if profile.get("primary_goal") in ("endurance", "fat_loss") and len(days) in ENDURANCE_SWAP:
        rotation[ENDURANCE_SWAP[len(days)]] = "conditioning"
    minutes = int(profile.get("session_minutes") or 45)
    experience = str(profile.get("experience") or "beginner")
    prefer_loaded = bool(set(profile.get("equipment") or []) & LOADABLE) and profile.get(
        "primary_goal") not in ("skill", "mobility")
    picked: dict[str, set[str]] = {}
    plan_days: list[DayPlan] = []
    sessions = dict(zip(days, rotation, strict=True))
    for weekday in range(1, 8):
        kind = sessions.get(weekday)
        if kind is None:
            plan_days.append(DayPlan(weekday=weekday, title="Rest day", focus="recovery",
                                     is_rest_day=True, estimated_minutes=0, blocks=[]))
            continue
        earlier = picked.setdefault(kind, set())
        title, focus, blocks = build_session(
            kind, candidates, experience=experience, minutes=minutes, rir=rir,
            is_deload=is_deload, prefer_loaded=prefer_loaded,
            avoid=frozenset(earlier),
        )
        if earlier:
            title += " B"
        earlier.update(e.exercise for b in blocks if b.kind != "warmup" for e in b.exercises)
        plan_days.append(DayPlan(
            weekday=weekday, title=title + (" (deload)" if is_deload else ""), focus=focus,
            is_rest_day=False, estimated_minutes=min(estimate_minutes(blocks), 300), blocks=blocks,
        ))
    theme = str(week.get("theme") or ("Deload" if is_deload else "Build"))
    return WeekPlan(theme=theme, is_deload=is_deload, target_rir=rir, days=plan_days)
