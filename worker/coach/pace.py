"""A session that ran long (or short): the athlete's pace, and the sessions written again to
fit the time they asked for (rules in :mod:`worker.domain.pace`)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from worker.coach.profile_changes import ProfileChange, replan_after
from worker.coach.results import SessionLength
from worker.db.pool import Conn
from worker.db.profiles import insert_profile_version, latest_profile
from worker.db.queries import sql
from worker.domain.pace import new_pace, on_time, paced_minutes

#: How many days back a report of a session's length can reach ("today's took me 30").
LENGTH_REPORT_DAYS = 2


async def record_session_length(
    conn: Conn, user_id: UUID, day: date, minutes: int, today: date,
    source_message_id: UUID | None,
) -> SessionLength:
    """Store how long a session took; when it was off its estimate, the new pace and the
    coming sessions written again for it (call inside a transaction)."""
    workout = await conn.fetchrow(sql("workout_on"), user_id, day)
    if workout is None or workout["is_rest_day"] or not workout["estimated_minutes"]:
        workout = await conn.fetchrow(sql("latest_trained_workout"), user_id, day,
                                      LENGTH_REPORT_DAYS)
    profile = await latest_profile(conn, user_id)
    if workout is None or profile is None or not workout["estimated_minutes"]:
        return SessionLength(took=minutes, found=False)
    estimated = int(workout["estimated_minutes"])
    asked = profile.session_minutes or estimated
    if on_time(minutes, estimated):
        return SessionLength(took=minutes, found=True, estimated=estimated, asked=asked)
    pace = new_pace(profile.pace, minutes, estimated)
    await insert_profile_version(conn, user_id, profile.model_copy(update={"pace": pace}),
                                 source_message_id)
    change = ProfileChange()
    await replan_after(conn, user_id, today - timedelta(days=1), change)
    return SessionLength(took=minutes, found=True, estimated=estimated, asked=asked,
                         pace=pace, next_estimate=paced_minutes(asked, pace),
                         replanned=change.replanned_from is not None)
