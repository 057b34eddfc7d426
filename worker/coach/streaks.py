"""Streaks counted in training, not in calendar days.

A rest day is part of the plan, so it never breaks a streak, and a calendar-day streak would
tell an athlete on three sessions a week that they "broke" it four times a week. We count
completed scheduled sessions in a row, and training weeks in a row with every session done
(reference/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

#: A workout row: anything with date, status and is_rest_day keys (a dict or a Record).
Row = Any

DONE = frozenset({"completed", "partial"})
#: A moved session lives on at its new date; the old row is only a marker.
IGNORED = frozenset({"moved", "rest"})


def _sessions(rows: Sequence[Row], today: date) -> list[Row]:
    """Scheduled sessions that count so far: past ones, and today's once it is logged."""
    return [
        r for r in rows
        if not r["is_rest_day"] and r["status"] not in IGNORED
        and (r["date"] < today or (r["date"] == today and r["status"] in DONE))
    ]


def session_streak(rows: Sequence[Row], today: date) -> int:
    """Completed sessions in a row, counting back from the latest; a skip or a miss ends it."""
    streak = 0
    for row in sorted(_sessions(rows, today), key=lambda r: r["date"], reverse=True):
        if row["status"] not in DONE:
            break
        streak += 1
    return streak


def week_streak(rows: Sequence[Row], today: date) -> int:
    """Training weeks (Monday to Sunday) in a row with every scheduled session done.

    The current week counts only once it is complete, so a streak never drops on a Monday
    just because the week has begun.
    """
    weeks: dict[tuple[int, int], list[bool]] = {}
    for row in rows:
        if row["is_rest_day"] or row["status"] in IGNORED:
            continue
        if row["date"] > today and row["date"].isocalendar()[:2] != today.isocalendar()[:2]:
            continue
        year, week, _ = row["date"].isocalendar()
        weeks.setdefault((year, week), []).append(row["status"] in DONE)
    current = today.isocalendar()[:2]
    streak = 0
    for key in sorted(weeks, reverse=True):
        done = weeks[key]
        if key == current and not all(done):
            continue
        if not all(done):
            break
        streak += 1
    return streak


def completion_rate(rows: Sequence[Row], today: date) -> tuple[int, int]:
    """(sessions done, sessions due) so far."""
    due = _sessions(rows, today)
    return sum(1 for r in due if r["status"] in DONE), len(due)
