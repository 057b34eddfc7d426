"""Achievements: awarded when earned, announced exactly once.

Awarding is idempotent (UNIQUE per athlete and achievement), so it can run after every log and
every week written. Announcing is separate: ``user_achievements.announced_at`` stays NULL until a
reply that mentions it is written, so a milestone reached by the week writer at 3am is still
announced, once, in the athlete's next reply about a log or the weekly recap, marked as told in
the same transaction that writes that text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from worker.clock import now
from worker.coach.streaks import week_streak
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.onboarding import infer_experience
from worker.domain.profile import Profile

SESSION_MILESTONES = {1: "first_session", 10: "ten_sessions", 25: "twenty_five_sessions"}
FIRST_EXERCISES = {"first_pull_up": ["pull_up", "chin_up"], "first_push_up": ["push_up"]}
#: A "first" is a set of at most this many reps: a first pull-up, not a set of nine.
FIRST_REPS_MAX = 3
WEEK_MILESTONES = {1: "full_week", 4: "four_week_streak"}
STREAK_LOOKBACK_WEEKS = 26


async def award(conn: Conn, user_id: UUID, today: date) -> list[str]:
    """Award whatever the athlete has now earned; return the slugs that are new."""
    facts = await conn.fetchrow(sql("achievement_facts"), user_id,
                                sorted({s for slugs in FIRST_EXERCISES.values() for s in slugs}),
                                FIRST_REPS_MAX)
    assert facts is not None
    earned = [slug for count, slug in SESSION_MILESTONES.items() if facts["sessions"] >= count]
    # A "first pull-up" is a milestone for a beginner, not for someone doing sets of them.
    beginner = infer_experience(await latest_profile(conn, user_id) or Profile())[0] == "beginner"
    earned += [slug for slug, exercises in FIRST_EXERCISES.items()
               if beginner and set(exercises) & set(facts["firsts"])]
    if facts["climbed"]:
        earned.append("new_rung")
    # Through the end of this week, so a week with sessions still to come is not "complete".
    rows = await conn.fetch(sql("workout_history"), user_id,
                            today - timedelta(weeks=STREAK_LOOKBACK_WEEKS),
                            today + timedelta(days=7 - today.weekday()))
    weeks = week_streak(rows, today)
    earned += [slug for count, slug in WEEK_MILESTONES.items() if weeks >= count]
    moment: datetime = now()
    return [r["slug"] for r in await conn.fetch(sql("award_achievements"), user_id, earned,
                                                 moment)]


async def unannounced(conn: Conn, user_id: UUID) -> list[dict[str, Any]]:
    """Achievements not yet told to the athlete (with ids, for :func:`announce`)."""
    rows = await conn.fetch(sql("unannounced_achievements"), user_id)
    return [{"id": str(r["id"]), "slug": r["slug"], "name": r["name"],
             "description": r["description"]} for r in rows]


async def announce(conn: Conn, user_id: UUID, ids: Iterable[str]) -> None:
    """Mark achievements as told: call in the transaction that writes the text telling them."""
    wanted = [UUID(i) for i in ids]
    if wanted:
        await conn.execute(sql("announce_achievements"), user_id, wanted)


async def take_unannounced(conn: Conn, user_id: UUID) -> list[dict[str, Any]]:
    """Unannounced achievements, marked as told: for a text that tells them all (the recap)."""
    found = await unannounced(conn, user_id)
    await announce(conn, user_id, [a["id"] for a in found])
    return found
