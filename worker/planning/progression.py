"""The progression engine: from an athlete's logged sessions, what one exercise becomes next.

The week engine lays out sessions; this module decides, per athlete and exercise, whether the
next prescription moves up a rung of its progression chain, adds load or reps, holds, moves down
a rung or takes load off, and whether falling performance calls for an unscheduled deload. It
encodes the numbers in reference/training.md ("Periodisation and progression numbers"): double
progression, the NSCA rule of beating the rep goal by two in two consecutive sessions, a step
back after two sessions below the range or on pain, loads that go up 2.5-5% and come off 10%.

Why it is separate and pure: every decision is texted to the athlete with the reason in plain
words ("you hit 12 reps on every set, so next time you move up to Diamond push-up"), so the rules
must be deterministic, testable without a database and identical wherever they are applied.
Nothing here does I/O; callers load the history and the chain and store the decision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Action = Literal["up_rung", "add_load", "add_reps", "hold", "down_rung", "reduce_load"]
LoadUnit = Literal["kg", "lb"]
ExerciseUnit = Literal["reps", "seconds", "distance"]

#: The smallest load change a gym can make: a pair of the smallest common plates.
PLATE_STEP: dict[str, float] = {"kg": 2.5, "lb": 5.0}
#: Patterns driven by the legs and hips, which tolerate (and need) bigger jumps in load.
LOWER_BODY_PATTERNS = frozenset({"squat", "hinge", "carry"})
#: Load added on progression (ACSM: 2-10% when 1-2 reps beyond target are possible).
LOWER_BODY_INCREASE = 0.05
UPPER_BODY_INCREASE = 0.025
#: Load taken off when stepping back (after pain or two sessions below the range).
LOAD_REDUCTION = 0.10
#: NSCA 2-for-2: the last set beats the top of the range by this many reps...
BEAT_MARGIN = 2
#: ...in this many consecutive sessions.
BEAT_SESSIONS = 2
#: Sessions in a row below the range before stepping back (training.md: "two sessions below").
BELOW_SESSIONS = 2
#: At or above this RPE (0-1 reps in reserve) a just-filled range earns only one plate step.
HARD_RPE = 9.5
#: At or below this RPE (4+ reps in reserve) a filled range earns double the load increase.
EASY_RPE = 6.0
#: A logged load at or above this is taken as a typo, not a load to do arithmetic on.
IMPLAUSIBLE_LOAD = 10_000.0
#: Guards floor/ceil against float noise (100 * 0.9 == 90.00000000000001).
_EPSILON = 1e-9

#: Actions that make the next session harder / easier.
UP_ACTIONS = frozenset({"up_rung", "add_load", "add_reps"})
DOWN_ACTIONS = frozenset({"down_rung", "reduce_load"})

#: Unscheduled deload: this many different exercises stepped back for reasons other than pain...
DELOAD_MIN_DOWNS = 2
#: ...or the last week's sessions averaged this RPE while reps fell under the range...
DELOAD_RPE = 9.5
#: ...over this window, ending at the newest session...
DELOAD_WINDOW = timedelta(days=7)
#: ...with at least this many sessions rated, so one bad day does not cancel a week.
DELOAD_MIN_RATED = 2


@dataclass(frozen=True)
class Target:
    """What was prescribed for the session: sets x target_min-target_max (reps or seconds)."""

    sets: int
    target_min: int
    target_max: int
    load: float | None = None
    load_unit: LoadUnit | None = None


@dataclass(frozen=True)
class Session:
    """One logged session of one exercise; a history is ordered oldest to newest.

    ``done`` holds the reps (or seconds) achieved per set; ``()`` means "done" with no numbers.
    ``as_prescribed`` ("did it") counts as ``target.sets`` sets at ``target_min``, whatever
    ``done`` says: it proves the bottom of the range, never the top.
    """

    performed_on: date
    done: tuple[int, ...]
    target: Target
    load: float | None = None
    load_unit: LoadUnit | None = None
    rpe: float | None = None
    pain: bool = False
    as_prescribed: bool = False


@dataclass(frozen=True)
class ExerciseInfo:
    """The library facts progression needs about an exercise."""

    slug: str
    name: str
    pattern: str
    unit: ExerciseUnit
    default_min: int
    default_max: int
    loadable: bool


@dataclass(frozen=True)
class Decision:
    """What to prescribe next for ``exercise``, and the one-sentence reason the athlete is sent.

    ``due_to_pain`` marks decisions forced by pain, which say nothing about fatigue and so do
    not count towards an unscheduled deload.
    """

    exercise: str
    action: Action
    new_exercise: str
    new_load: float | None
    load_unit: LoadUnit | None
    reason: str
    due_to_pain: bool = False

    @property
    def changed(self) -> bool:
        return self.action != "hold"


# -- Reading a session -----------------------------------------------------------------------


def _sets(session: Session) -> tuple[int, ...]:
    """The per-set numbers to judge, with "as prescribed" read as the bottom of the range."""
    if session.as_prescribed:
        return (session.target.target_min,) * max(1, session.target.sets)
    return session.done


def _below(session: Session) -> bool:
    """Any set short of the bottom of the range (an as-prescribed session never is)."""
    return any(n < session.target.target_min for n in _sets(session))


def _filled(session: Session) -> bool:
    """Every prescribed set reached the top of the range (double progression)."""
    done = session.done
    return (not session.as_prescribed and bool(done) and len(done) >= session.target.sets
            and all(n >= session.target.target_max for n in done))


def _just_filled(session: Session) -> bool:
    """The range was filled with nothing to spare: no set went past the top."""
    return _filled(session) and max(session.done) <= session.target.target_max


def _beat(session: Session) -> bool:
    """The last set beat the top of the range by ``BEAT_MARGIN`` (one half of 2-for-2)."""
    return (not session.as_prescribed and bool(session.done)
            and session.done[-1] >= session.target.target_max + BEAT_MARGIN)


def _beat_running(history: Sequence[Session]) -> bool:
    last = history[-BEAT_SESSIONS:]
    return len(last) == BEAT_SESSIONS and all(_beat(s) and not s.pain for s in last)


def _below_running(history: Sequence[Session]) -> bool:
    last = history[-BELOW_SESSIONS:]
    return len(last) == BELOW_SESSIONS and all(_below(s) for s in last)


# -- Loads -----------------------------------------------------------------------------------


def _known_load(exercise: ExerciseInfo, session: Session) -> tuple[float, LoadUnit] | None:
    """The load the latest session used (else the one prescribed), if it can be worked with."""
    if not exercise.loadable:
        return None
    load: float | None = session.target.load
    unit: LoadUnit | None = session.target.load_unit
    if session.load is not None:
        load, unit = session.load, session.load_unit or unit
    if load is None or unit is None or not math.isfinite(load):
        return None
    if not 0 < load < IMPLAUSIBLE_LOAD:
        return None
    return load, unit


def _round_step(value: float, step: float) -> float:
    return math.floor(value / step + 0.5) * step


def _floor_step(value: float, step: float) -> float:
    return math.floor(value / step + _EPSILON) * step


def _ceil_step(value: float, step: float) -> float:
    return math.ceil(value / step - _EPSILON) * step


def _increase(pattern: str) -> float:
    return LOWER_BODY_INCREASE if pattern in LOWER_BODY_PATTERNS else UPPER_BODY_INCREASE


def _raised(load: float, unit: LoadUnit, pattern: str, scale: int) -> float:
    """``load`` plus ``scale`` times the pattern's increase, at least ``scale`` plate steps."""
    step = PLATE_STEP[unit]
    wanted = _round_step(load * (1 + _increase(pattern) * scale), step)
    return max(wanted, _ceil_step(load + step * scale, step))


def _smallest_raise(load: float, unit: LoadUnit) -> float:
    step = PLATE_STEP[unit]
    return _ceil_step(load + step, step)


def next_load(load: float, unit: LoadUnit, pattern: str, *, up: bool) -> float:
    """The next load for a lift of ``pattern``, always a multiple of the plate step.

    Up: +5% for lower-body patterns (squat, hinge, carry), +2.5% otherwise, rounded to the
    nearest plate step and at least one step more. Down: -10%, rounded down to the plate step,
    never below one step (so a load already at or under one step does not go down).
    """
    if not math.isfinite(load):
        raise ValueError(f"load must be a finite number, not {load!r}")
    if up:
        return _raised(load, unit, pattern, 1)
    step = PLATE_STEP[unit]
    return max(step, _floor_step(load * (1 - LOAD_REDUCTION), step))


# -- Chains and wording ----------------------------------------------------------------------


def _rung(
    exercise: ExerciseInfo,
    chain: Sequence[ExerciseInfo],
    offset: int,
    available: Callable[[str], bool],
) -> ExerciseInfo | None:
    """The adjacent rung ``offset`` (-1 easier, +1 harder) if it exists and the athlete can."""
    slugs = [rung.slug for rung in chain]
    if exercise.slug not in slugs:
        return None
    index = slugs.index(exercise.slug) + offset
    if not 0 <= index < len(chain):
        return None
    rung = chain[index]
    return rung if rung.slug != exercise.slug and available(rung.slug) else None


def _weight(load: float, unit: LoadUnit) -> str:
    return f"{load:g}{unit}"


def _amount(value: int, unit: ExerciseUnit) -> str:
    if unit == "seconds":
        return f"{value}s"
    if unit == "distance":
        return f"{value}m"
    return f"{value} reps"


def _numbers(done: Sequence[int]) -> str:
    return ",".join(str(n) for n in done)


#: What to do at the top of a chain, instead of a harder exercise.
MORE_WORK: dict[str, str] = {
    "reps": "add a rep or two per set",
    "seconds": "add 5-10 seconds per set",
    "distance": "add a little distance each time",
}


def _decision(
    exercise: ExerciseInfo,
    action: Action,
    reason: str,
    *,
    new_exercise: ExerciseInfo | None = None,
    load: tuple[float, LoadUnit] | None = None,
    due_to_pain: bool = False,
) -> Decision:
    return Decision(
        exercise=exercise.slug, action=action,
        new_exercise=(new_exercise or exercise).slug,
        new_load=load[0] if load else None, load_unit=load[1] if load else None,
        reason=reason, due_to_pain=due_to_pain,
    )


# -- The decisions ---------------------------------------------------------------------------


def _step_down(
    exercise: ExerciseInfo,
    latest: Session,
    chain: Sequence[ExerciseInfo],
    available: Callable[[str], bool],
    *,
    pain: bool,
) -> Decision:
    """Lighter load if the lift is loaded, else the easier rung, else hold (saying why)."""
    name = exercise.name
    why = "you felt pain" if pain else (
        f"two sessions under {_amount(latest.target.target_min, exercise.unit)}")
    known = _known_load(exercise, latest)
    if known is not None:
        load, unit = known
        lighter = next_load(load, unit, exercise.pattern, up=False)
        if lighter < load:
            then = "until it settles" if pain else "to build back up"
            return _decision(
                exercise, "reduce_load", load=(lighter, unit), due_to_pain=pain,
                reason=f"{name}: {why} at {_weight(load, unit)}, so next time it's "
                       f"{_weight(lighter, unit)} {then}.")
    easier = _rung(exercise, chain, -1, available)
    if easier is not None:
        then = "until it settles" if pain else "to build up"
        return _decision(exercise, "down_rung", new_exercise=easier, due_to_pain=pain,
                         reason=f"{name}: {why}, so we step back to {easier.name} {then}.")
    if pain:
        reason = (f"{name}: you felt pain, so we keep it as is and don't push; "
                  "if it still hurts, skip it and tell us.")
    else:
        reason = f"{name}: {why}, so we keep it as is and build up to the range."
    return _decision(exercise, "hold", reason, load=known, due_to_pain=pain)


def _evidence(exercise: ExerciseInfo, latest: Session, known: tuple[float, LoadUnit] | None,
              filled: bool) -> str:
    """Why the athlete earned a progression, in their terms."""
    top = _amount(latest.target.target_max, exercise.unit)
    if known is not None:
        at = _weight(*known)
        if filled:
            where = "at the top of the range" if _just_filled(latest) else "past the top"
            return f"{at} moved well ({_numbers(latest.done)} {where})"
        return f"your last set at {at} beat {top} two sessions running"
    if filled:
        verb = "held" if exercise.unit == "seconds" else "hit"
        best = min(latest.done) if latest.done else latest.target.target_max
        reached = _amount(best, exercise.unit) if best > latest.target.target_max else top
        return f"you {verb} {reached} on every set"
    return f"your last set beat {top} two sessions running"


def _add_load(exercise: ExerciseInfo, latest: Session, known: tuple[float, LoadUnit],
              evidence: str) -> Decision:
    """More load, sized by how hard the session felt."""
    load, unit = known
    rpe = latest.rpe
    if rpe is not None and rpe >= HARD_RPE and _just_filled(latest):
        heavier = _smallest_raise(load, unit)
        tail = f" but it was near max, so just a small step to {_weight(heavier, unit)}."
    elif rpe is not None and rpe <= EASY_RPE and _filled(latest):
        heavier = _raised(load, unit, exercise.pattern, 2)
        tail = f" and looked easy, so next time it's {_weight(heavier, unit)}."
    else:
        heavier = next_load(load, unit, exercise.pattern, up=True)
        tail = f", so next time it's {_weight(heavier, unit)}."
    return _decision(exercise, "add_load", f"{exercise.name}: {evidence}{tail}",
                     load=(heavier, unit))


def _step_up(
    exercise: ExerciseInfo,
    latest: Session,
    chain: Sequence[ExerciseInfo],
    available: Callable[[str], bool],
    *,
    filled: bool,
) -> Decision:
    """More load if the lift is loaded, else the harder rung, else more reps or seconds."""
    known = _known_load(exercise, latest)
    evidence = _evidence(exercise, latest, known, filled)
    if known is not None:
        return _add_load(exercise, latest, known, evidence)
    harder = _rung(exercise, chain, +1, available)
    if harder is not None:
        return _decision(
            exercise, "up_rung", new_exercise=harder,
            reason=f"{exercise.name}: {evidence}, so next time you move up to {harder.name}.")
    return _decision(exercise, "add_reps",
                     f"{exercise.name}: {evidence}, so keep it and {MORE_WORK[exercise.unit]}.")


def _hold(exercise: ExerciseInfo, latest: Session) -> Decision:
    """Nothing earned a change: say what the athlete is aiming for."""
    name, target = exercise.name, latest.target
    known = _known_load(exercise, latest)
    at = f" at {_weight(*known)}" if known else ""
    top = _amount(target.target_max, exercise.unit)
    if latest.as_prescribed or not latest.done:
        reason = (f"{name}: logged as done{at}, so we keep it; "
                  "send your numbers so we know when to move up.")
    elif _below(latest):
        reason = (f"{name}: under {_amount(target.target_min, exercise.unit)} last time, "
                  "so we keep it the same and try again.")
    elif all(n >= target.target_max for n in latest.done):
        reason = (f"{name}: {top} on {len(latest.done)} of {target.sets} sets{at}, "
                  f"so we keep it until you get all {target.sets}.")
    else:
        reason = (f"{name}: {_numbers(latest.done)}{at} last time, "
                  f"so we keep it and aim for {top} on every set.")
    return _decision(exercise, "hold", reason, load=known)


def decide(
    exercise: ExerciseInfo,
    history: Sequence[Session],
    *,
    chain: Sequence[ExerciseInfo] = (),
    available: Callable[[str], bool] = lambda slug: True,
) -> Decision:
    """The next prescription for ``exercise`` from its sessions since it last changed.

    In order: no sessions -> hold; pain in the latest session -> step down; two sessions in a
    row below the range -> step down; the latest session filled the range, or the last set beat
    the top by two in each of the last two pain-free sessions -> step up; otherwise hold.
    ``chain`` is the exercise's progression ladder (easier -> harder); ``available`` says whether
    the athlete can do a rung (equipment, injuries). Moves only ever go to an adjacent rung.
    """
    if not history:
        return _decision(exercise, "hold",
                         f"{exercise.name}: no sessions logged yet, so we keep it as planned.")
    latest = history[-1]
    if latest.pain:
        return _step_down(exercise, latest, chain, available, pain=True)
    if _below_running(history):
        return _step_down(exercise, latest, chain, available, pain=False)
    if _filled(latest) or _beat_running(history):
        return _step_up(exercise, latest, chain, available, filled=_filled(latest))
    return _hold(exercise, latest)


def _week_is_grinding(recent: Sequence[Session]) -> bool:
    """The last week's rated sessions average ``DELOAD_RPE`` and some reps fell short."""
    if not recent:
        return False
    newest = max(s.performed_on for s in recent)
    week = [s for s in recent if s.performed_on > newest - DELOAD_WINDOW]
    rated = [s.rpe for s in week if s.rpe is not None and math.isfinite(s.rpe)]
    if len(rated) < DELOAD_MIN_RATED:
        return False
    return sum(rated) / len(rated) >= DELOAD_RPE and any(_below(s) for s in week)


def needs_deload(decisions: Sequence[Decision], recent: Sequence[Session]) -> str | None:
    """A reason string when performance is falling across several chains (>= 2 exercises moved down
    or reduced for reasons other than pain, or the average RPE of the last week's sessions >= 9.5
    with reps under range), else None."""
    downs = {d.exercise for d in decisions if d.action in DOWN_ACTIONS and not d.due_to_pain}
    if len(downs) >= DELOAD_MIN_DOWNS:
        return (f"{len(downs)} exercises went backwards this week, so next week is lighter "
                "(about half the sets, easier effort) to recover.")
    if _week_is_grinding(recent):
        return ("Your sessions felt all-out this week and reps fell short, so next week is "
                "lighter (about half the sets, easier effort) to recover.")
    return None
