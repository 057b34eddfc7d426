"""Joining a programme: the coach checks it suits the athlete, then the plan follows it.

An athlete joins by texting its keyword ("JOIN C25K") or by asking for it in words; either way
the language layer (a model or the offline reader) only names the programme, and everything
else is decided here: whether it exists and is published, whether it suits this athlete
(:func:`worker.domain.programs.fit`: their equipment, injuries, age), and what happens to the
plan they have. Joining mid-plan ends that plan today (its history kept) and the next plan is
written from the programme's current version, which the enrolment keeps for good: a later
version never rewrites what an enrolled athlete follows.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from worker.clock import now
from worker.coach.profile_changes import apply_update
from worker.coach.results import ProgramJoined
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.profile import Profile, ProfileUpdate, Source
from worker.domain.programs import ProgramRef, find, fit
from worker.library.programs import published_programs


def _offer(programs: list[ProgramRef]) -> list[str]:
    return [f"{p.keyword} ({p.name})" for p in programs]


async def join_program(conn: Conn, user_id: UUID, asked: str, today: date) -> ProgramJoined:
    """Enrol the athlete in the programme they named, if it suits them (call in a
    transaction: the enrolment and the end of their current plan commit together)."""
    programs = await published_programs(conn)
    available = _offer(programs)
    ref = find(programs, asked)
    if ref is None:
        listed = "; ".join(f"JOIN {a}" for a in available) or "none yet"
        return ProgramJoined(
            joined=False, available=available,
            text=f"I don't have a programme called {asked.strip()!r}. Ones you can join: "
                 f"{listed}.")
    current = await conn.fetchrow(sql("active_enrollment"), user_id)
    if current is not None and current["slug"] == ref.slug:
        return ProgramJoined(joined=False, program=ref.name, version=current["version"],
                             available=available,
                             text=f"You're already on {ref.name}; your plan follows it.")
    profile = await latest_profile(conn, user_id) or Profile()
    verdict = fit(ref.content, profile)
    if not verdict.ok:
        return ProgramJoined(
            joined=False, program=ref.name, reasons=verdict.reasons, available=available,
            text=f"{ref.name} isn't a good fit for you right now: {'; '.join(verdict.reasons)}. "
                 "Your plan stays as it is.")
    if profile.primary_goal is None or "primary_goal" in profile.assumed:
        # Joining says what they are after: no need to ask their goal in onboarding.
        goal = ProfileUpdate(primary_goal=ref.content.audience.goals[0])
        await apply_update(conn, user_id, goal, today=today,
                           source=Source(text=f"joined {ref.name}"), source_message_id=None,
                           plan_active=False)
    at = now()
    await conn.execute(sql("end_enrollment"), user_id, "dropped", at)
    await conn.fetchval(sql("enroll"), user_id, ref.slug, today)
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    if plan is not None:
        # The plan row first (a week being written holds it), as a new goal does.
        await conn.execute(sql("supersede_plan"), user_id, today, f"joined {ref.slug}")
        await conn.execute(sql("drop_future_workouts"), user_id, today, plan["id"])
    changes = f" ({'; '.join(verdict.adjustments)})" if verdict.adjustments else ""
    then = ("I'm writing your plan from it now." if plan is not None
            else "Your plan will be written from it.")
    return ProgramJoined(
        joined=True, program=ref.name, version=ref.version, available=available,
        text=f"You're in: {ref.name}, {ref.content.weeks} weeks: {ref.summary}{changes}. {then}")
