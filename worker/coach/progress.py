"""The athlete's progress over a period: what a coach says when asked "how am I doing?".

Sessions done against sessions due, streaks counted in sessions and weeks, body metrics, the
loads and rungs that moved, and achievements, all from the record (never from the model).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from worker.coach.results import Progress
from worker.coach.streaks import completion_rate, session_streak, week_streak
from worker.db.pool import Conn
from worker.db.queries import sql

TRACKED_METRICS = ("body_weight", "resting_hr", "waist")
STREAK_WEEKS = 26


async def progress_summary(
    conn: Conn, user_id: UUID, today: date, timezone: str, days: int = 30
) -> Progress:
    start = today - timedelta(days=days - 1)
    since = datetime.combine(start, time(0), ZoneInfo(timezone))
    # One read serves both the period and the streaks (which look back further and need the
    # rest of this week to tell whether it is complete).
    history = await conn.fetch(sql("workout_history"), user_id,
                               min(start, today - timedelta(weeks=STREAK_WEEKS)),
                               today + timedelta(days=7 - today.weekday()))
    window = [r for r in history if start <= r["date"] <= today]
    done, due = completion_rate(window, today)
    metrics = {}
    for metric in TRACKED_METRICS:
        series = await conn.fetch(sql("metric_series"), user_id, metric, since)
        if series:
            first, last = series[0], series[-1]
            metrics[metric] = {"first": float(first["value"]), "last": float(last["value"]),
                               "unit": last["unit"], "readings": len(series)}
    loads = [{"exercise": r["name"], "first": float(r["first_load"]),
              "best": float(r["best_load"]), "unit": r["load_unit"], "sessions": r["sessions"]}
             for r in await conn.fetch(sql("best_loads_since"), user_id, start)]
    steps = [{"from": r["from_name"], "to": r["to_name"], "action": r["action"],
              "why": r["reason"]}
             for r in await conn.fetch(sql("steps_since"), user_id, start)]
    achievements = [r["name"] for r in await conn.fetch(sql("achievements_since"), user_id,
                                                         since)]
    return Progress.model_validate({
        "days": days, "from": start.isoformat(), "sessions_done": done, "sessions_due": due,
        "session_streak": session_streak(history, today),
        "week_streak": week_streak(history, today),
        "metrics": metrics, "loads": loads, "progressions": steps,
        "achievements": achievements,
    })
