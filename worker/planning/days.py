"""Which weekdays to train: the athlete's own days first, then spacing and their other sport.

Days the athlete named are kept (less any they ruled out). Otherwise the engine chooses among
the days they can train: sessions spread out rather than back to back, never on a day of a
hard activity they already do (a long run, intervals, climbing) nor the day before it, and for
a long run ideally two days clear, so strength work supports the key sessions instead of
spoiling them (reference/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from worker.domain.profile import Activity, Profile

DEFAULT_DAYS: dict[int, list[int]] = {
    1: [3], 2: [1, 4], 3: [1, 3, 5], 4: [1, 2, 4, 5], 5: [1, 2, 3, 5, 6],
    6: [1, 2, 3, 4, 5, 6], 7: [1, 2, 3, 4, 5, 6, 7],
}


def default_training_days(days_per_week: int) -> list[int]:
    return DEFAULT_DAYS[max(1, min(7, days_per_week))]


def _before(day: int, gap: int = 1) -> int:
    return (day - 1 - gap) % 7 + 1


def _score(days: Sequence[int], activities: Sequence[Activity]) -> tuple[int, int]:
    penalty = 0
    chosen = set(days)
    for day in days:
        if _before(day, -1) in chosen:  # the next day is a session too
            penalty += 2
    for activity in activities:
        if not activity.hard:
            if activity.weekday in chosen:
                penalty += 1
            continue
        long = "long" in activity.what.lower()
        if activity.weekday in chosen:
            penalty += 6
        if _before(activity.weekday) in chosen:
            penalty += 5
        if long and _before(activity.weekday, 2) in chosen:
            penalty += 2
    spread = sum(abs(a - b) for a, b in zip(days, DEFAULT_DAYS[len(days)], strict=True))
    return penalty, spread


def choose_training_days(profile: Profile, count: int | None = None) -> list[int]:
    """The ISO weekdays this athlete trains on, ``count`` of them (default: their days a
    week)."""
    wanted = count or profile.days_per_week or len(profile.training_days) or 3
    excluded = set(profile.excluded_days)
    named = [d for d in sorted(set(profile.training_days)) if d not in excluded]
    if named and len(named) == wanted:
        return named
    pool = named if len(named) > wanted else [d for d in range(1, 8) if d not in excluded]
    if len(pool) <= wanted:
        extra = [d for d in range(1, 8) if d not in pool and d not in excluded]
        return sorted([*pool, *extra][:wanted]) or default_training_days(wanted)
    best = min(combinations(pool, wanted), key=lambda days: _score(days, profile.activities))
    return list(best)
