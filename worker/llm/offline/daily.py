"""The offline morning text: today's session, short enough for two SMS where possible."""

from __future__ import annotations

from worker.agents.schemas import DailyMessage
from worker.llm.offline.formatting import workout_text
from worker.llm.types import LLMRequest
from worker.sms.segments import segment_info

TWO_SEGMENTS = 2


def daily_message(request: LLMRequest) -> DailyMessage:
    v = request.variables
    name = v["athlete"].get("name")
    hello = f"Morning {name}!" if name else "Morning!"
    workout = v.get("today_workout")
    if workout is None or workout.get("is_rest_day"):
        return DailyMessage(message=f"{hello} Rest day today: recovery is part of the plan. "
                                    "A walk or 10 min of mobility if you feel like it.")
    body = workout_text(workout)
    message = f"{hello} {body} Reply done when finished, or tell me how it went."
    if segment_info(message).segments > TWO_SEGMENTS:
        message = f"{hello} {body} Reply done when finished."
    if segment_info(message).segments > TWO_SEGMENTS:
        title = workout.get("title") or "Today's session"
        message = (f"{hello} Today: {title}, about {workout.get('estimated_minutes') or 45} min. "
                   "Reply WORKOUT for the full session.")
    return DailyMessage(message=message)
