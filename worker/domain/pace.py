"""How long an athlete's sessions really take, against the estimate.

Estimates count sets, reps and rests; real people also set up, wait for a bench and rest
longer. When an athlete reports how long a session took ("took me almost 30 with the rests"
for a 20-minute session), their pace is the ratio, and later sessions are written to fit the
time they asked for at that pace. One rule for every provider: a model reports the minutes
through a tool, the offline reader from the text; neither decides the pace.
"""

from __future__ import annotations

from typing import Final

#: The pace is kept within these bounds: a report outside them is read as a one-off.
MIN_PACE: Final = 0.8
MAX_PACE: Final = 2.0
#: A new report moves the pace this much of the way (one long day does not halve a plan).
PACE_WEIGHT: Final = 0.6
#: A session within this ratio of its estimate is on time: nothing changes.
ON_TIME: Final = 0.12
#: No session is written shorter than this, whatever the pace.
MIN_SESSION_MINUTES: Final = 10


def new_pace(current: float | None, took: int, estimated: int) -> float:
    """The pace after a report that a session estimated at ``estimated`` minutes took
    ``took``."""
    ratio = min(max(took / max(estimated, 1), MIN_PACE), MAX_PACE)
    base = current or 1.0
    return round(base + (ratio * base - base) * PACE_WEIGHT, 2)


def on_time(took: int, estimated: int) -> bool:
    return abs(took / max(estimated, 1) - 1) <= ON_TIME


def paced_minutes(asked: int, pace: float | None) -> int:
    """The estimate a session may have so it takes the time asked at the athlete's pace."""
    if not pace or pace == 1.0:
        return asked
    return max(MIN_SESSION_MINUTES, round(asked / pace))
