"""When a text may go out, defined once.

A text the athlete timed themselves (their morning workout at the time they asked for) goes out
anywhere from 05:00 to 22:00 local: asking is consent. Texts they did not time (recaps,
check-ins, the plan-ready text, nudges) keep the TCPA's quiet hours, 08:00 to 21:00. Both are
checked at send time; the prompts get the same numbers as variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    opens: time
    closes: time

    def contains(self, local: time) -> bool:
        return self.opens <= local < self.closes

    def clamp(self, wanted: time) -> time:
        """``wanted`` moved inside the window (its last minute is ``closes`` - 1 minute)."""
        if wanted < self.opens:
            return self.opens
        latest = time(self.closes.hour - 1, 59) if self.closes.minute == 0 else self.closes
        return min(wanted, latest)

    def words(self) -> str:
        return f"{_clock(self.opens)}-{_clock(self.closes)}"


ATHLETE_TIMED = Window(time(5, 0), time(22, 0))
UNSOLICITED = Window(time(8, 0), time(21, 0))

#: The daily text's time until the athlete names one.
DEFAULT_SEND_TIME = time(7, 0)

#: Message kinds the product initiates, by the window each keeps (replies keep none). The
#: plan-ready text answers the athlete's onboarding, usually seconds after their last answer,
#: so it keeps their window rather than the stricter one for texts they never asked for.
TIMED_KINDS = frozenset({"daily_workout", "plan_summary"})
#: A referrer's thank-you is sent when someone else finishes onboarding, at any hour of theirs.
UNSOLICITED_KINDS = frozenset({"weekly_recap", "check_in", "nudge", "referral_thanks"})
SCHEDULED_KINDS = TIMED_KINDS | UNSOLICITED_KINDS


def window_for(kind: str) -> Window | None:
    if kind in TIMED_KINDS:
        return ATHLETE_TIMED
    if kind in UNSOLICITED_KINDS:
        return UNSOLICITED
    return None


def allowed_now(kind: str, moment: datetime, timezone: str) -> bool:
    window = window_for(kind)
    return window is None or window.contains(moment.astimezone(ZoneInfo(timezone)).time())


def clamp_send_time(wanted: time) -> time:
    """A daily-text time the athlete asked for, kept inside their window (05:00-22:00)."""
    clamped = ATHLETE_TIMED.clamp(wanted)
    return clamped if clamped <= time(21, 30) else time(21, 30)


def part_of_day(local: time) -> str:
    """morning, afternoon, evening or night: so a greeting fits the athlete's clock."""
    if time(4, 0) <= local < time(12, 0):
        return "morning"
    if local < time(17, 0) and local >= time(12, 0):
        return "afternoon"
    if time(17, 0) <= local < time(22, 0):
        return "evening"
    return "night"


def _clock(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"
