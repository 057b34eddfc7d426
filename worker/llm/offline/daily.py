"""The offline morning text: today's session, short enough for two SMS where possible.

The greeting fits the athlete's local time of day (a 3pm text does not say "Morning!").
"""

from __future__ import annotations

from worker.domain.context import AthleteContext
from worker.domain.replies import DailyMessage
from worker.llm.offline.formatting import workout_text
from worker.llm.types import LLMRequest
from worker.sms.segments import segment_info

TWO_SEGMENTS = 2
THREE_SEGMENTS = 3
GREETINGS = {"morning": "Morning", "afternoon": "Hi", "evening": "Evening", "night": "Hi"}
#: One of these closes a rest-day text, by the date, so no two rest days read the same.
REST_TIPS = (
    "A walk or 10 minutes of mobility if you feel like it.",
    "Sleep and a good meal do more for your next session than any extra set.",
    "An easy walk helps sore legs recover faster than sitting still.",
    "Drink plenty today and get to bed a little earlier if you can.",
    "If you fancy moving, keep it easy: a stroll, a bike ride, some stretching.",
    "Recovery is where the strength from your last session gets built.",
    "Take it easy today; you'll feel the difference next session.",
)


def daily_message(request: LLMRequest) -> DailyMessage:
    context = AthleteContext.model_validate(request.variables)
    name = context.athlete.name
    greeting = GREETINGS[context.part_of_day]
    hello = f"{greeting} {name}!" if name else f"{greeting}!"
    workout = context.today_workout
    if workout is None or workout.is_rest_day:
        tip = REST_TIPS[context.today_date().toordinal() % len(REST_TIPS)]
        upcoming = next((w for w in context.upcoming if not w.is_rest_day), None)
        nxt = f" Next session: {upcoming.weekday}, {upcoming.title.lower()}." if upcoming else ""
        return DailyMessage(message=f"{hello} Rest day today.{nxt} {tip}")
    body = workout_text(workout.model_dump())
    # The whole session in the morning text: two segments where it fits, three at most (a
    # long text arrives as one message); only a session longer than that is summarised.
    for limit in (TWO_SEGMENTS, THREE_SEGMENTS):
        for ending in (" Reply done when finished, or tell me how it went.",
                       " Reply done when finished.", ""):
            message = f"{hello} {body}{ending}"
            if segment_info(message).segments <= limit:
                return DailyMessage(message=message)
    title = workout.title or "Today's session"
    return DailyMessage(message=(f"{hello} Today: {title}, about "
                                 f"{workout.estimated_minutes or 45} min. Reply WORKOUT for "
                                 "the full session."))
