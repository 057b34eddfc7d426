"""Reading the times and days athletes text ("7pm", "6.30am", "tomorrow", "friday").

Pure functions; they raise ValueError with a sentence the coach can pass back to the athlete.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

#: ISO weekdays 1..7 as athletes and the coach write them.
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def resolve_day(ref: str, today: date) -> date:
    """A day the athlete named, relative to their local today."""
    text = ref.strip().lower()
    if text in ("", "today", "tonight"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    for index, name in enumerate(names):
        if text.startswith(name[:3]):
            ahead = (index - today.weekday()) % 7
            return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unknown day {ref!r}; use today, tomorrow, a weekday or YYYY-MM-DD")\
            from None


def parse_clock_time(text: str) -> time:
    """"6:30", "06:30", "6.30am", "7pm", "19:00" -> a time; anything else is a ValueError."""
    match = re.fullmatch(r"\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?\s*", text.lower())
    if not match:
        raise ValueError(f"cannot read {text!r} as a time of day")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise ValueError(f"cannot read {text!r} as a time of day")
        hour = hour % 12 + (12 if match.group(3).startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"cannot read {text!r} as a time of day")
    return time(hour, minute)
