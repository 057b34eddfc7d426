"""Short, sound answers to the training questions athletes ask most, for the offline coach.

A model answers open questions itself; without one, these cover the common ones so the athlete
gets advice rather than "noted". Each answer is general coaching knowledge (reference/
training.md), under two SMS, and points back to the plan where it matters. Questions nothing
here covers get an honest "I can't answer that one by text" from the caller, not a promise.
"""

from __future__ import annotations

import re
from typing import Final

_I = re.IGNORECASE

FAQ: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\b(lift|strength|weights?|gym)\b.*\b(before|after)\b.*\b(run|runs|running|"
                r"cardio)\b|\b(run|running|cardio)\b.*\b(before|after)\b.*\b(lift|strength|"
                r"weights?)\b", _I),
     "Do the one that matters most to you first. For running goals: easy runs can go before "
     "lifting, but keep hard runs and heavy leg days at least 6 hours apart (or on different "
     "days), and lift after easy runs rather than before quality sessions."),
    (re.compile(r"\b(sore|soreness|doms)\b", _I),
     "Muscle soreness a day or two after a session is normal and fades as your body adapts. "
     "Train through mild, dull soreness with a good warm-up; sharp or joint pain is different: "
     "tell me where and I'll adjust."),
    (re.compile(r"\brest\b.*\b(between sets|sets)\b|\bhow long\b.*\brest\b", _I),
     "Rest 2-3 min between heavy sets of the main lifts and 60-90 s on accessories. Rest "
     "enough to hit your reps with good form; the plan lists the rest for each exercise."),
    (re.compile(r"\b(protein|eat|diet|nutrition|calories)\b", _I),
     "Basics first: protein at each meal (about 1.6 g per kg of body weight a day helps muscle), "
     "plenty of plants, and enough food to fuel training. For fat loss, a modest deficit and "
     "steady training beat crash diets."),
    (re.compile(r"\b(warm ?up|warm-up)\b", _I),
     "5-10 min: something easy to raise your heart rate, then the session's warm-up moves, then "
     "one or two lighter sets of your first exercise before the work sets."),
    (re.compile(r"\b(extra|more)\b.*\b(train|workout|session|cardio|days?)\b|\bcan i (also )?"
                r"(do|add|train)\b", _I),
     "Extra easy activity (walks, easy rides, mobility) is always welcome. Hold off on extra "
     "hard sessions for now: recovery is where progress happens. Tell me what you'd add and I "
     "can work it in."),
    (re.compile(r"\b(sleep|tired|fatigue|exhausted)\b", _I),
     "Sleep is the best recovery tool: aim for 7-9 hours. On a wrecked day, do a shorter "
     "version (tell me how many minutes you have) rather than skipping."),
    (re.compile(r"\b(rpe|rir|reps in reserve)\b", _I),
     "RIR is reps in reserve: how many more clean reps you could have done. RPE 8 = 2 left, "
     "9 = 1 left, 10 = nothing left. Most sets should end with 1-3 in reserve."),
)


def faq_answer(text: str) -> str | None:
    """The answer to the first question pattern the text matches, if any."""
    return next((answer for pattern, answer in FAQ if pattern.search(text)), None)
