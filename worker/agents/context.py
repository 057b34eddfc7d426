"""Building the :class:`~worker.domain.context.AthleteContext` an agent is rendered from.

One place reads it, so every template and the offline provider see the same facts: who the
athlete is and where they are (a trip included), their profile, onboarding (what is known,
what to ask, what will be assumed), their plan and sessions, the recent conversation and the
texts being answered.
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
from worker.domain.context import (
    AthleteContext,
    AthleteInfo,
    Line,
    OnboardingInfo,
    PlanInfo,
    ProgramInfo,
    TripInfo,
    WorkoutInfo,
)
from worker.domain.onboarding import infer_experience, onboarding_state
from worker.domain.profile import Profile, format_time
from worker.domain.travel import trip_on
from worker.domain.windows import ATHLETE_TIMED, UNSOLICITED, part_of_day
from worker.schedule import trip_from_row, zone_at
from worker.staff.takeover import OPERATOR_KIND
from worker.timezones import guess_timezone, zone_label

HISTORY_MESSAGES = 12
#: Days of past and coming workouts the coach sees around today.
RECENT_DAYS = 7
UPCOMING_DAYS = 7
#: A question stays open for this many of the coach's texts (an answer may come after a detour).
OPEN_ASKS = 3


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def _workout(row: Any) -> WorkoutInfo:
    day: date = row["date"]
    return WorkoutInfo(date=day.isoformat(), weekday=day.strftime("%A"), title=row["title"],
                       focus=row["focus"], status=row["status"], is_rest_day=row["is_rest_day"],
                       estimated_minutes=row["estimated_minutes"],
                       blocks=list(row["blocks"] or []))


async def athlete_context(
    conn: Conn, user_id: UUID, inbox: Sequence[Any] = (), *, first_contact: bool = False
) -> AthleteContext:
    """Everything the coach knows about this athlete right now, read in one round trip."""
    moment = now()
    snap = await conn.fetchrow(sql("athlete_snapshot"), user_id, moment,
                               [r["id"] for r in inbox], HISTORY_MESSAGES, OPEN_ASKS,
                               RECENT_DAYS, UPCOMING_DAYS)
    if snap is None:
        raise LookupError(f"no athlete {user_id}")
    user = snap["usr"]
    home = user["timezone"]
    trips = [trip_from_row(row) for row in snap["trips"]]
    zone_name = zone_at(home, trips, moment)
    zone = ZoneInfo(zone_name)
    local_now = moment.astimezone(zone)
    today = local_now.date()
    profile = Profile.from_row(snap["profile"]) if snap["profile"] is not None else None
    plan = snap["plan"]
    week = next((w for w in snap["weeks"]
                 if date.fromisoformat(w["start_date"]) <= today
                 < date.fromisoformat(w["end_date"])), None)
    workouts = snap["workouts"]
    today_row = next((row for row in workouts if row["date"] == today), None)
    upcoming = [row for row in workouts
                if today < row["date"] <= today + timedelta(days=UPCOMING_DAYS)]
    recent = [row for row in workouts
              if today - timedelta(days=RECENT_DAYS) <= row["date"] < today]
    history = snap["history"]
    last_coach = next((m["body"] for m in reversed(history) if m["direction"] == "outbound"),
                      None)
    onboarding = None
    if user["status"] == "onboarding":
        asks: dict[str, int] = dict(snap["asked"] or {})
        state = onboarding_state(profile or Profile(), asks)
        onboarding = OnboardingInfo(missing=list(state.missing), ready=state.ready,
                                    ask=state.ask.as_dict() if state.ask else None,
                                    defaults=dict(state.defaults),
                                    assumed=[a.wording for a in state.assumed],
                                    asked_before=asks)
    level, why = infer_experience(profile or Profile())
    programs = await conn.fetchrow(sql("programs_in_context"), user_id)
    assert programs is not None
    guess = guess_timezone(user["phone"])
    current_trip = trip_on(trips, today)
    return AthleteContext(
        now_local=local_now.strftime("%a %d %b %Y %H:%M"),
        today=today.isoformat(),
        weekday=local_now.strftime("%A"),
        part_of_day=part_of_day(local_now.time()),
        windows={"daily_text": ATHLETE_TIMED.words(), "other_texts": UNSOLICITED.words()},
        athlete=AthleteInfo(
            name=user["name"], phone_country="US" if user["phone"].startswith("+1") else "",
            timezone=zone_name, home_timezone=home, timezone_label=zone_label(home),
            timezone_confident=guess.timezone != home or guess.confident,
            send_time=format_time(user["send_time"]), units=user["units"],
            status=user["status"],
            paused_until=(user["paused_until"].astimezone(zone).date().isoformat()
                          if user["paused_until"] else None),
            first_contact=first_contact,
            trips=[TripInfo(starts_on=t.starts_on.isoformat(), ends_on=t.ends_on.isoformat(),
                            place=t.place, timezone=t.timezone,
                            equipment=list(t.equipment) if t.equipment is not None else None,
                            active=t is current_trip)
                   for t in trips],
        ),
        profile=profile,
        experience={"level": level, "why": why},
        onboarding=onboarding,
        plan=_plan(plan, week),
        today_workout=_workout(today_row) if today_row else None,
        upcoming=[_workout(row) for row in upcoming],
        recent_workouts=[_workout(row) for row in recent],
        history=[Line(who=_speaker(m), text=m["body"], at=_local(m["created_at"], zone))
                 for m in history],
        last_asked=list(snap["last_asks"] or []),
        last_coach_message=last_coach,
        check_in_open=snap["check_in_open"],
        programs=[ProgramInfo.model_validate(p) for p in programs["offered"]],
        program=programs["enrolled"],
        inbox=[Line(who="athlete", text=row["body"], at=_local(row["created_at"], zone))
               for row in inbox],
    )


def _plan(plan: Any, week: Any) -> PlanInfo | None:
    if plan is None:
        return None
    return PlanInfo(
        goal=plan["goal"], start_date=plan["start_date"].isoformat(), weeks=plan["weeks"],
        week_index=week["week_index"] if week else None,
        phase=week["phase"] if week else None,
        phase_focus=week["phase_focus"] if week else None,
        is_deload=bool(week["is_deload"]) if week else False,
        adjustments=list((plan["details"] or {}).get("adjustments", [])),
    )


def _speaker(message: Any) -> str:
    """Who wrote a history line. A person's replies during a takeover are named as such, so
    the coach picks up after them knowing what they told the athlete."""
    if message["direction"] == "inbound":
        return "athlete"
    return "coach (a person from the team)" if message["kind"] == OPERATOR_KIND else "coach"
