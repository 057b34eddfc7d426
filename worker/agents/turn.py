"""One athlete turn: the texts since the last reply, answered by one coach.

Every provider goes through the same steps, and every decision is made in code:

1. **Safety first.** Red flags are screened in code before any agent runs; a red flag clears
   today's session, gets the referral and asks a person from the team to follow up, nothing
   else. An athlete lost two turns running (:mod:`worker.domain.escalation`) is told a person
   will text them, rather than given a third answer that misses.
2. **What did they say about themselves?** The ``profile_extractor`` agent (a model, or the
   offline reader) turns the texts into a :class:`ProfileUpdate`; the domain merges it and
   carries out what it changes (a new plan for a new goal, the rest of the plan laid out again
   for new days, equipment, injuries).
3. **Onboarding.** The rule in :mod:`worker.domain.onboarding` says what is still missing, what
   to ask next (never a field more than twice) and when the plan is built; essentials asked
   twice take their defaults here.
4. **The reply.** The ``coach`` agent answers with tools for everything else (logs, changes to
   a session, trips, questions), knowing what this turn already recorded.
5. **What code adds.** Progression notes and achievements from the logs are appended to the
   reply by code, so they are told exactly once whatever the model wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from worker.agents.context import athlete_context
from worker.agents.runtime import Call, Runtime
from worker.coach.profile_changes import ProfileChange, apply_update, onboarding_asks
from worker.coach.results import LogResult
from worker.coach.welcome import WELCOME
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.context import AthleteContext, Recorded, TurnFacts
from worker.domain.escalation import for_confusion, for_red_flag, red_flag_reply
from worker.domain.onboarding import onboarding_state
from worker.domain.profile import Profile, ProfileUpdate, Source
from worker.domain.replies import CoachReply
from worker.domain.safety import declines, screen
from worker.domain.vocabulary import GYM_EQUIPMENT
from worker.domain.windows import window_for
from worker.llm.types import ToolOutcome
from worker.localtime import WEEKDAY_ABBR
from worker.planning.archetypes import PREHAB
from worker.staff.help import escalate

#: How much of a turn's texts a profile field's source keeps.
SOURCE_TEXT_LIMIT = 240


@dataclass
class Reply:
    kind: str
    body: str
    asks: list[str] = field(default_factory=list)


@dataclass
class TurnOutcome:
    replies: list[Reply] = field(default_factory=list)
    told_achievements: list[str] = field(default_factory=list)
    red_flag: str | None = None


async def take_turn(
    pool: asyncpg.Pool, runtime: Runtime, user_id: UUID, inbox: list[Any], *,
    first_contact: bool, turn_id: UUID,
) -> TurnOutcome:
    """Answer one athlete's unanswered texts (the caller holds the athlete's lock)."""
    texts = [str(row["body"]) for row in inbox]
    outcome = TurnOutcome()
    if first_contact:
        outcome.replies.append(Reply("welcome", WELCOME))
    async with pool.acquire() as conn:
        context = await athlete_context(conn, user_id, inbox, first_contact=first_contact)
    call = Call(user_id=user_id, trace_id=turn_id, timezone=context.athlete.timezone,
                turn_id=turn_id, source_message_id=inbox[-1]["id"] if inbox else None)

    flag = screen(texts)
    if flag is not None:
        if flag.clears_session:
            async with pool.acquire() as conn:
                await conn.fetchval(sql("skip_if_scheduled"), user_id, context.today_date(),
                                    f"red flag: {flag.kind}")
        async with pool.acquire() as conn:
            await escalate(conn, user_id, for_red_flag(flag, texts), call.source_message_id,
                           turn_id)
        outcome.red_flag = flag.kind
        outcome.replies.append(Reply("chat", red_flag_reply(flag)))
        return outcome
    if (lost := for_confusion(texts, context.history)) is not None:
        async with pool.acquire() as conn:
            asked = await escalate(conn, user_id, lost, call.source_message_id, turn_id)
        outcome.replies.append(Reply("chat", asked.tell_athlete))
        return outcome

    extracted = await runtime.run("profile_extractor", call, context.variables())
    assert isinstance(extracted.output, ProfileUpdate)
    if extracted.output == ProfileUpdate() and context.athlete.status != "onboarding":
        # Nothing said about themselves (most texts once a plan runs): nothing to merge, and
        # the context just read is still true.
        facts = TurnFacts()
    else:
        facts = await _record_facts(pool, user_id, extracted.output, context, inbox, texts)
        async with pool.acquire() as conn:
            context = await athlete_context(conn, user_id, inbox, first_contact=first_contact)
    context.turn = facts
    context.turn.declines = declines(texts)

    run = await runtime.run("coach", call, context.variables())
    assert isinstance(run.output, CoachReply)
    notes, told = code_notes(run.tool_outcomes)
    body = " ".join([run.output.reply.strip(), *notes])
    ask = context.onboarding.ask if context.onboarding and not context.onboarding.ready else None
    outcome.replies.append(Reply("chat", body, list(ask["fields"]) if ask else []))
    outcome.told_achievements = told
    return outcome


async def _record_facts(
    pool: asyncpg.Pool, user_id: UUID, update: ProfileUpdate, context: AthleteContext,
    inbox: list[Any], texts: list[str],
) -> TurnFacts:
    """Apply the extracted facts (and onboarding's defaults) in one transaction."""
    source = Source(message_id=str(inbox[-1]["id"]) if inbox else None,
                    text=" | ".join(texts)[:SOURCE_TEXT_LIMIT])
    today = context.today_date()
    facts = TurnFacts()
    async with pool.acquire() as conn, conn.transaction():
        change = await apply_update(
            conn, user_id, update, today=today, source=source,
            source_message_id=inbox[-1]["id"] if inbox else None,
            plan_active=context.plan is not None)
        facts.recorded = recorded(change.applied, change)
        facts.confirmed = confirmed(change.applied, change)
        if context.athlete.status == "onboarding":
            profile = await latest_profile(conn, user_id) or Profile()
            state = onboarding_state(profile, await onboarding_asks(conn, user_id))
            if state.defaults:
                await _assume(conn, user_id, state.defaults, today)
                profile = await latest_profile(conn, user_id) or Profile()
                state = onboarding_state(profile, await onboarding_asks(conn, user_id))
            if state.ready:
                # What the plan will take as given goes into the profile, marked assumed, so
                # the plan, the coach and a later correction all see the same level and time.
                taken = {a.field: a.value for a in state.assumed
                         if a.field in STORED_ASSUMPTIONS}
                if taken:
                    await _assume(conn, user_id, taken, today)
                facts.plan_coming = _plan_coming(context)
    facts.replanned = change.replanned_from is not None
    facts.new_goal = change.new_goal
    facts.trip_updated = change.trip_updated
    facts.send_time_adjusted = change.send_time if change.send_time_adjusted else None
    return facts


#: Assumptions (beyond unanswered essentials) written into the profile once it is complete.
STORED_ASSUMPTIONS = frozenset({"experience", "session_minutes"})


async def _assume(conn: Any, user_id: UUID, defaults: dict[str, Any], today: date) -> None:
    """Facts the athlete never gave take their defaults, marked assumed: essentials asked
    twice and still unanswered, and the level and session length a plan needs."""
    update = ProfileUpdate.model_validate(defaults)
    await apply_update(conn, user_id, update, today=today, source=Source(assumed=True),
                       source_message_id=None, plan_active=False)
    profile = await latest_profile(conn, user_id)
    if profile is not None:
        await conn.execute(sql("mark_profile_assumed"), profile.id, sorted(defaults))


def _plan_coming(context: AthleteContext) -> str:
    """When the plan-ready text can arrive: now, or when its sending window opens (the same
    window the send job holds it to)."""
    local = datetime.strptime(context.now_local, "%a %d %b %Y %H:%M").time()
    window = window_for("plan_summary")
    return "now" if window is None or window.contains(local) else "morning"


def recorded(update: ProfileUpdate, change: ProfileChange) -> list[Recorded]:
    """The facts this turn stored, as short values the reply can acknowledge."""
    facts = update.facts()
    found: list[Recorded] = []
    if update.injuries == [] and "injuries" not in change.changed:
        found.append(Recorded(field="injuries", value="no injuries"))
    for name in change.changed:
        value = facts.get(name)
        if name == "send_time" and change.send_time:
            value = change.send_time
        found.append(Recorded(field=name, value=_display(name, value, change.profile)))
    return found


#: Facts worth confirming back when an athlete repeats them unchanged.
CONFIRMABLE = ("primary_goal", "days_per_week", "session_minutes", "send_time", "equipment")


def confirmed(update: ProfileUpdate, change: ProfileChange) -> list[Recorded]:
    """Facts restated as they already were. Equipment only when restated as a whole ("I
    only have dumbbells", "I train at the gym"): "a 10kg kb" or "the 4 kg weights" in a
    workout report is not them confirming their kit."""
    facts = update.facts()
    return [Recorded(field=name, value=_display(name, facts[name], change.profile))
            for name in CONFIRMABLE if name in facts and name not in change.changed
            and (name != "equipment" or update.training_location is not None
                 or bool(update.equipment_only))]




def _display(name: str, value: Any, profile: Profile) -> str:
    current = getattr(profile, name, None)
    shown = current if current not in (None, [], "") else value
    if name in ("training_days", "excluded_days") and isinstance(shown, list):
        return ", ".join(WEEKDAY_ABBR[d - 1] for d in shown if 1 <= d <= 7)
    if name == "equipment" and isinstance(shown, list):
        if set(shown) >= GYM_EQUIPMENT:
            return "a full gym"
        if len(shown) >= GYM_LIKE:
            return "your gym" + ("" if "barbell" in shown else " (no free barbell)")
        return ", ".join(e.replace("_", " ") for e in shown) or "bodyweight only"
    if name == "injuries" and isinstance(value, list):
        return "; ".join(_injury_words(i) for i in value if isinstance(i, dict))
    if name == "activities" and isinstance(value, list):
        hard = [WEEKDAY_ABBR[int(a["weekday"]) - 1] for a in value
                if isinstance(a, dict) and a.get("hard")]
        if hard:
            return f"key days {', '.join(hard)}"
        days = [WEEKDAY_ABBR[int(a["weekday"]) - 1] for a in value if isinstance(a, dict)]
        what = next((a["what"] for a in value if isinstance(a, dict)), "sessions")
        return f"{what} on {', '.join(days)}"
    if name in ("lifts", "targets", "load_caps") and isinstance(shown, list):
        return str(len(shown))
    if isinstance(shown, str):
        return shown.replace("_", " ")
    return "" if shown is None else str(shown)


#: A list of equipment this long is a gym, and is said as one.
GYM_LIKE = 10


def _injury_words(injury: dict[str, Any]) -> str:
    area = str(injury.get("area", "")).replace("_", " ")
    if area == "unspecified":
        return f"I'll keep {', '.join(injury.get('avoid') or [])} out"
    status = injury.get("status")
    if status == "past":
        return f"your old {area} injury"
    if status == "replaced":
        return f"your {area} replacement"
    if status == "condition":
        note = str(injury.get("note") or "").lower()
        if "osteop" in note:
            return "your bone density"
        if any(w in note for w in ("section", "baby", "partum", "pregnan")):
            return "your core after pregnancy (I'll keep core work gentle)"
        return f"your {area}"
    avoid = [a for a in injury.get("avoid") or [] if a != "jumping"]
    if injury.get("severity") == "mild" and not avoid:
        if injury.get("status") in (None, "current") and injury.get("area") in PREHAB:
            return f"your {area} (mild: I've added side planks, which steady it, and I'll " \
                   "keep an eye on it)"
        return f"your {area} (mild, I'll keep an eye on it)"
    return f"your {area}" + (f" (I'll keep {', '.join(avoid)} out)" if avoid else "")


def code_notes(outcomes: list[ToolOutcome]) -> tuple[list[str], list[str]]:
    """What changes next time and any milestone, from the turn's logs, told by code."""
    notes: list[str] = []
    told: list[str] = []
    for outcome in outcomes:
        if outcome.call.name != "log_workout" or not isinstance(outcome.result, LogResult):
            continue
        for step in outcome.result.next[:3]:
            notes.append(f"Next time: {step}")
        names = [a.name for a in outcome.result.achievements]
        if names:
            notes.append(f"Milestone{'s' if len(names) > 1 else ''}: {', '.join(names)}!")
        told += [a.id for a in outcome.result.achievements if a.id]
    return notes, told
