"""The variables an athlete's turn is rendered from.

One place builds them, so every template and the offline coach see the same facts: who the
athlete is, their profile and what is still missing, their plan, today's and the coming days'
sessions, the recent conversation, and the texts being answered. Values are plain JSON-friendly
data; athlete text only ever appears here as values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.profiles import latest_profile, missing_fields
from worker.timezones import guess_timezone, zone_label

HISTORY_MESSAGES = 12
RECENT_DAYS = 7


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def _workout(row: Any) -> dict[str, Any]:
    day: date = row["date"]
    return {
        "date": day.isoformat(),
        "weekday": day.strftime("%A"),
        "title": row["title"],
        "focus": row["focus"],
        "status": row["status"],
        "is_rest_day": row["is_rest_day"],
        "estimated_minutes": row["estimated_minutes"],
        "blocks": row["blocks"],
    }


async def athlete_variables(
    conn: Conn, user_id: UUID, inbox: Sequence[Any] = (), *, first_contact: bool = False
) -> dict[str, Any]:
    """Everything the coach knows about this athlete right now."""
    user = await conn.fetchrow(sql("get_user"), user_id)
    if user is None:
        raise LookupError(f"no athlete {user_id}")
    zone = ZoneInfo(user["timezone"])
    local_now = now().astimezone(zone)
    today = local_now.date()
    profile = await latest_profile(conn, user_id)
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    week = await conn.fetchrow(sql("current_microcycle"), user_id, today)
    today_row = await conn.fetchrow(sql("workout_on"), user_id, today)
    upcoming = await conn.fetch(
        sql("workouts_between"), user_id, today + timedelta(days=1), today + timedelta(days=8)
    )
    recent = await conn.fetch(
        sql("workouts_between"), user_id, today - timedelta(days=RECENT_DAYS), today
    )
    inbox_ids = [row["id"] for row in inbox]
    history = await conn.fetch(sql("conversation_before"), user_id, inbox_ids, HISTORY_MESSAGES)
    last_coach = next((m["body"] for m in reversed(history) if m["direction"] == "outbound"), None)
    return {
        "now_local": local_now.strftime("%a %d %b %Y %H:%M"),
        "today": today.isoformat(),
        "weekday": local_now.strftime("%A"),
        "athlete": {
            "name": user["name"],
            "timezone": user["timezone"],
            "send_time": user["send_time"].strftime("%H:%M"),
            "units": user["units"],
            "status": user["status"],
            "paused_until": (
                user["paused_until"].astimezone(zone).date().isoformat()
                if user["paused_until"] else None
            ),
            "first_contact": first_contact,
            "timezone_label": zone_label(user["timezone"]),
            # Whether the zone is a confident guess from the area code (or was set later).
            "timezone_confident": _confident(user["phone"], user["timezone"]),
        },
        "profile": _profile(profile),
        "missing": missing_fields(profile, user["name"]),
        "plan": _plan(plan, week),
        "today_workout": _workout(today_row) if today_row else None,
        "upcoming": [_workout(row) for row in upcoming],
        # The last week's sessions and how they went: missed days, what to log against.
        "recent_workouts": [_workout(row) for row in recent],
        "history": [
            {"who": "coach" if m["direction"] == "outbound" else "athlete",
             "text": m["body"], "at": _local(m["created_at"], zone)}
            for m in history
        ],
        "last_coach_message": last_coach,
        "inbox": [{"text": row["body"], "at": _local(row["created_at"], zone)} for row in inbox],
    }


def _confident(phone: str, timezone: str) -> bool:
    guess = guess_timezone(phone)
    return guess.timezone != timezone or guess.confident


def _profile(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "version": row["version"],
        "goals": list(row["goals"] or []),
        "primary_goal": row["primary_goal"],
        "experience": row["experience"],
        "days_per_week": row["days_per_week"],
        "training_days": list(row["training_days"] or []),
        "session_minutes": row["session_minutes"],
        "equipment": list(row["equipment"] or []),
        "training_location": row["training_location"],
        "injuries": list(row["injuries"] or []),
        "summary": row["summary"],
    }


def _plan(plan: Any, week: Any) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "goal": plan["goal"],
        "start_date": plan["start_date"].isoformat(),
        "weeks": plan["weeks"],
        "week_index": week["week_index"] if week else None,
        "phase": week["phase"] if week else None,
        "phase_focus": week["phase_focus"] if week else None,
        "is_deload": week["is_deload"] if week else False,
        "adjustments": list((plan["details"] or {}).get("adjustments", [])),
    }
