"""The offline coach's turn: read the texts into tool calls, then word the reply.

Two steps, like a model with tools: the first call (no tool results yet) reads which tools the
texts call for (:mod:`.intents`); the second writes the reply from what the tools returned and
what the domain already decided (what this turn recorded, what onboarding asks next, whether a
plan is coming, what is declined). Nothing here decides: red flags, missed days, onboarding's
questions and defaults, achievements and progression notes are all code outside this package.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from worker.coach.results import (
    CheckInResult,
    ExerciseExplained,
    LoadAdvice,
    LogResult,
    MetricLogged,
    NutritionTargets,
    PauseResult,
    PlanAdjustment,
    ProgramJoined,
    Progress,
    RestDayTexts,
    SessionChange,
    SessionLength,
    ToolFailed,
    TripPlanned,
    WorkoutLookup,
)
from worker.domain.context import AthleteContext
from worker.domain.replies import CoachReply
from worker.domain.vocabulary import normalize_equipment
from worker.llm.offline import intents, replies
from worker.llm.offline.faq import faq_answer
from worker.llm.offline.read.text import (
    OTHERS,
    clean_text,
    prepare,
    questions,
    statements,
    turn_languages,
)
from worker.llm.offline.referral_codes import REFERRAL_MARK, without_referral
from worker.llm.types import LLMRequest, ToolOutcome
from worker.photos.save import PHOTO_NOTE, PhotosDeleted, said
from worker.staff.help import HumanRequested

ToolPlan = list[tuple[str, dict[str, object]]]


def coach_turn(request: LLMRequest) -> CoachReply | ToolPlan:
    context = AthleteContext.model_validate(request.variables)
    texts = [without_referral(t) for t in said(context.inbox_texts())]
    if request.allow_tools and not request.tool_outcomes:
        plan = choose_tools(context, texts)
        if plan:
            return plan
    return CoachReply(reply=compose_reply(context, texts, request.tool_outcomes))


def choose_tools(context: AthleteContext, texts: list[str]) -> ToolPlan:
    """The tool calls an active athlete's texts ask for (onboarding needs none but a person:
    the profile extractor read its facts already)."""
    if not texts:
        return []
    # "Can I talk to a real person?": asked in onboarding too, and answered before the rest.
    plan: ToolPlan = intents.human_plan([clean_text(t) for t in texts])
    # "JOIN C25K" often comes first thing, in onboarding: the enrolment waits for the plan.
    plan += intents.program_plan(texts, [(p.keyword, [p.name, *p.aliases])
                                         for p in context.programs])
    plan += intents.photos_plan([clean_text(t) for t in texts])
    if context.athlete.status == "onboarding":
        return plan
    spoken = turn_languages(texts)
    prepared = " ".join(prepare(t, spoken, drop_rejected=False) for t in texts)
    said = "\n".join(statements(texts))
    asked = " ".join(questions(texts))
    today = context.today_date()
    plan += intents.pause_plan(prepared, context.athlete.status, today)
    if context.check_in_open and (check_in := intents.check_in_plan(prepared)):
        return plan + check_in
    parsed = intents.parsed_log(said)
    if parsed.unclear and not parsed.exercises and asked:
        # "what weight for the goblet squats? i grabbed a 10kg kb": the question names what the
        # statement's weight was for.
        whole = intents.parsed_log(f"{said}\n{asked}")
        parsed = whole if whole.exercises and not whole.unclear else parsed
    if len(parsed.unclear) == 1 and not parsed.exercises and (main := _main_lift(context)):
        # "3x5 @ 85 today" on a bench day: the numbers are the day's main lift.
        parsed = intents.parsed_log(f"{main} {parsed.unclear[0]}. {said}")
    logged = intents.log_plan(parsed, said)
    plan += logged
    rest_today = context.today_workout is None or context.today_workout.is_rest_day
    plan += intents.session_plan(prepared, today, logged=bool(logged), rest_today=rest_today,
                                 said=said)
    plan += intents.trip_plan(prepared, today)
    plan += intents.session_length_plan(prepared)
    plan += intents.metric_plan(prepared, context.athlete.units)
    plan += intents.plan_wishes(prepared)
    plan += intents.rest_texts_plan(prepared)
    plan += intents.nutrition_plan(prepared)
    if asked and re.search(r"\bexplain (?:it|that|this)\b", asked, re.I):
        asked = f"{prepared} {asked}"  # "...what was meant by a 'hip hinge'. Could you explain it?"
    plan += intents.question_plan(asked) if asked else intents.lookup_plan(prepared)
    return _unique(plan)


def _main_lift(context: AthleteContext) -> str | None:
    workout = context.today_workout
    if workout is None or workout.is_rest_day:
        return None
    for block in workout.blocks:
        if block.get("kind") in ("warmup", "skill"):
            continue
        for item in block.get("exercises") or []:
            return str(item.get("name") or item.get("exercise"))
    return None


def _unique(plan: ToolPlan) -> ToolPlan:
    seen: set[str] = set()
    kept: ToolPlan = []
    for name, args in plan:
        key = f"{name}:{sorted(args.items())}"
        if key not in seen:
            seen.add(key)
            kept.append((name, args))
    return kept


def compose_reply(context: AthleteContext, texts: list[str], outcomes: list[ToolOutcome]) -> str:
    name = context.athlete.name
    who = f", {name}" if name else ""
    person = next((o.result.tell_athlete for o in outcomes
                   if isinstance(o.result, HumanRequested)), None)
    if context.athlete.status == "onboarding":
        joined = [o.result.text for o in outcomes
                  if isinstance(o.result, ProgramJoined | PhotosDeleted)]
        # Joining a programme gave the goal (the tool recorded it): don't ask it again.
        settled = {"primary_goal"} if any(isinstance(o.result, ProgramJoined) and o.result.joined
                                          for o in outcomes) else set()
        onboarding = _onboarding_reply(context, who, understood=person is not None,
                                       settled=settled)
        offer = [] if joined else [_programs_offered(context, texts)]
        return " ".join(p for p in [*([person] if person else []), *joined, *offer, onboarding]
                        if p)
    lines: list[str] = [person] if person else []
    if context.turn.declines:
        lines.append(_decline(context.turn.declines))
    trip_planned = any(isinstance(o.result, TripPlanned) for o in outcomes)
    lines += _facts_line(context, trip_planned=trip_planned)
    spoken_now = turn_languages(texts)
    prepared_now = " ".join(prepare(t, spoken_now, drop_rejected=False) for t in texts)
    if (change := intents.WEIGHT_CHANGE.search(prepared_now)) is not None and \
            change.group(0).lower().startswith(("down", "lost", "dropped")):
        unit = "kg" if change.group("u").lower().startswith("k") else "lb"
        lines.append(f"Down {change.group('v')} {unit}: that's the trend we want. Steady "
                     "sessions and a small deficit keep it coming.")
    for outcome in outcomes:
        line = _result_line(outcome, _next_session(context), context.today_date())
        if line:
            lines.append(line)
    spoken = turn_languages(texts)
    asked = questions(texts)
    logged = any(o.call.name == "log_workout" for o in outcomes)
    answered = {o.call.name for o in outcomes} & {"explain_exercise", "load_advice",
                                                  "progress_summary", "get_workout",
                                                  "request_human", "nutrition_targets",
                                                  "join_program", "delete_photos"}
    if asked and not answered and (listing := _programs_offered(context, texts)):
        lines.append(listing)
        answered = {"programs"}
    if asked and not answered and (coming := _week_ahead(context, texts)):
        lines.append(coming)
        answered = {"week"}
    if asked and not answered:
        whole = " ".join(prepare(t, spoken) for t in texts)
        goal = context.profile.primary_goal if context.profile else None
        faq = (_need_answer(context, " ".join(asked)) or faq_answer(" ".join(asked), goal)
               or faq_answer(whole, goal))
        if faq:
            lines.append(faq)
        elif not lines:
            lines.append("Good question, but not one I can answer well by text. I can tell you "
                         "what's on any day, explain an exercise, say how heavy to go, log what "
                         "you did, or change your plan.")
    if not lines and not logged:
        said = "\n".join(statements(texts))
        numbers = intents.parsed_log(said).unclear
        if numbers and not intents.parsed_log(said).exercises:
            # "3x8 and 5,5,4": sets with no exercise named. Ask, never guess.
            listed = " and ".join(f"the {n}" for n in numbers[:2])
            lines.append(f"Which exercise was {listed}? Send it like 'squats 3x8' and I'll "
                         "log it.")
    if any(REFERRAL_MARK in t for t in texts) and not context.athlete.first_contact:
        # "JOIN <code>" again from someone already coached: the code is for new numbers.
        lines.insert(0, "That code is for friends joining from a new number; you're already "
                        "signed up. Text INVITE for your own code to share.")
    if not lines and any(PHOTO_NOTE in line.text for line in context.inbox):
        # A caption ("day 1 pic, be kind"): the photo's acknowledgement follows in code.
        lines.append(f"Thanks for sending it{who}!")
    if not lines:
        prepared = " ".join(prepare(t, spoken) for t in texts)
        lines.append(_small_talk(context, prepared, who, logged))
    if len(lines) > 1 and NOTED in lines:
        lines.remove(NOTED)  # a thank-you for a quiet fact only when nothing else is said
    return " ".join(lines)


#: Said when a turn stored a fact not worth naming and has nothing else to say.
NOTED: Final = "Thanks, that helps me pitch your sessions right."


def _greet_name(context: AthleteContext) -> str:
    named = next((r.value for r in context.turn.recorded if r.field == "name"), None)
    return f"Nice to meet you, {named}! " if named else ""


def _onboarding_reply(context: AthleteContext, who: str, *, understood: bool = False,
                      settled: set[str] | None = None) -> str:
    """The onboarding answer: what was recorded, then the next question (``settled``: fields
    this turn's tools answered since the question was chosen)."""
    onboarding = context.onboarding
    recorded = replies.recorded([(r.field, r.value) for r in context.turn.recorded])
    hello = _greet_name(context) or ("" if recorded or not context.athlete.first_contact else (
        f"Hi{who}! I'm your coach. "))
    parts = [hello + recorded] if hello or recorded else []
    if context.turn.declines:
        parts.insert(0, _decline(context.turn.declines))
    if context.turn.plan_coming:
        defaults = (onboarding.defaults if onboarding else {}) or {}
        assumed = ", ".join(_default_words(k, v) for k, v in defaults.items())
        when = ("in a minute" if context.turn.plan_coming == "now"
                else "in the morning (I don't text late at night)")
        lead = f"No problem, I'll start you on {assumed}; you can change it anytime. " \
            if assumed else ""
        parts.append(f"{lead}That's what I need: I'm building your plan now, and the summary "
                     f"comes {when}.")
    elif onboarding and onboarding.ask:
        ask = onboarding.ask
        fields = [f for f in ask["fields"] if f not in (settled or set())]
        if not fields:  # the question was only what the tools settled: ask what is left
            fields = [f for f in onboarding.missing if f not in (settled or set())][:1]
        question = replies.ask(fields, int(ask["attempt"]), ask.get("choices") or {}) \
            if fields else ""
        if not (recorded or understood or context.athlete.first_contact) and \
                int(ask["attempt"]) < 2:
            question = "Sorry, I didn't catch that. " + question
        parts.append(question)
    return " ".join(p.strip() for p in parts if p.strip())


def _default_words(field: str, value: object) -> str:
    if field == "days_per_week":
        return f"{value} days a week"
    if field == "equipment":
        return "bodyweight training"
    return "general fitness"


def _decline(kinds: list[str]) -> str:
    if "instructions" in kinds:
        return ("I can't share how I'm set up, but I'm happy to explain any part of your "
                "training.")
    return ("I can't share anything about other people; everyone's texts stay private. "
            "Happy to talk about your own training.")


def _facts_line(context: AthleteContext, *, trip_planned: bool = False) -> list[str]:
    """What this turn recorded about the athlete (profile facts are read before this reply);
    a trip planned in the same turn says the rest itself."""
    lines: list[str] = []
    recorded = [(r.field, r.value) for r in context.turn.recorded
                if r.field not in ("units", "goals")]
    if context.turn.new_goal:
        lines.append(f"New goal: {context.turn.new_goal.replace('_', ' ')}. Your current plan "
                     "ends today (your history stays) and a new one starts tomorrow; the "
                     "summary follows.")
    elif recorded:
        text = replies.recorded(recorded)
        greeting = _greet_name(context).strip()
        if greeting:
            lines.append(greeting)
        if text:
            lines.append(text.replace("Got it: ", "Noted: "))
        elif not context.turn.replanned and not greeting:
            lines.append(NOTED)
        if context.turn.replanned and not trip_planned:
            lines.append("I've laid out your coming sessions again to match.")
    if not recorded and context.turn.confirmed:
        lines.append(replies.confirmed([(r.field, r.value) for r in context.turn.confirmed]))
    if context.turn.trip_updated and not trip_planned:
        lines.append("Thanks: your sessions while you're away now use what you have there.")
    if context.turn.send_time_adjusted:
        window = context.windows.get("daily_text", "05:00-22:00")
        lines.append(f"I can text your workout any time {window}, so it will come at "
                     f"{context.turn.send_time_adjusted}, the nearest I can do.")
    return lines


def _result_line(outcome: ToolOutcome, next_session: str = "",
                 today: date | None = None) -> str | None:
    result = outcome.result
    if isinstance(result, ToolFailed):
        return None
    if isinstance(result, LogResult):
        return replies.logged(result, next_session)
    if isinstance(result, SessionChange):
        return replies.session(result, next_session)
    if isinstance(result, TripPlanned):
        return replies.trip(result, today)
    if isinstance(result, ExerciseExplained):
        return replies.explained(result)
    if isinstance(result, LoadAdvice):
        return replies.load_advice(result)
    if isinstance(result, Progress):
        return replies.progress(result)
    if isinstance(result, CheckInResult):
        return replies.check_in(result)
    if isinstance(result, PauseResult):
        return replies.pause(result)
    if isinstance(result, WorkoutLookup):
        return replies.lookup(result)
    if isinstance(result, PlanAdjustment):
        return ("Noted for your plan: I'll keep that in mind from the next week I write."
                if result.recorded else None)
    if isinstance(result, RestDayTexts):
        return ("Rest-day texts on: a short note on your days off too." if result.rest_day_texts
                else "Done: no more texts on rest days, just your training days.")
    if isinstance(result, SessionLength):
        return replies.session_length(result)
    if isinstance(result, PhotosDeleted):
        return result.text
    if isinstance(result, NutritionTargets | ProgramJoined):
        return result.text
    if isinstance(result, MetricLogged):
        unit = f" {result.unit}" if result.unit else ""
        return f"Logged {result.logged.replace('_', ' ')}: {result.value:g}{unit}."
    return None


FEELS_FINE: Final = re.compile(r"\b(?:feels|feeling|felt) (?:fine|better|good|ok|okay) "
                               r"(?:today|now|again)\b", re.IGNORECASE)
BACK_HOME: Final = re.compile(r"\bback (?:in|home|from)\b|\bi'?m back\b|\bmade it home\b",
                             re.IGNORECASE)
SEND_WISH: Final = re.compile(r"\b(?:send|text)\b.{0,20}\b(?:morning|whenever|any ?time)\b",
                              re.IGNORECASE)
#: The athlete's own win ("got back up by myself!!", "carried all four bags in one trip").
WIN: Final = re.compile(
    r"\b(?:by myself|on my own|first (?:time|ever)|finally|new pr|personal best|pb\b|in one "
    r"trip|got (?:back )?up|i did it|rather proud|so proud|nailed it)\b", re.IGNORECASE)
_NEED: Final = re.compile(r"\bdo i need (?:an? |some |the |my )?(?P<what>[a-z -]{3,30}?)\b"
                         r"(?:\s+for\b|\?|$)", re.IGNORECASE)


def _week_ahead(context: AthleteContext, texts: list[str]) -> str:
    """"What's next week look like?": the sessions in the coming days, from the context."""
    if not any(intents.WEEK_ASKED.search(t) for t in texts):
        return ""
    sessions = [w for w in context.upcoming if not w.is_rest_day]
    if not sessions:
        return "Nothing is scheduled in the next few days yet; I'll text each session that morning."
    listed = ", ".join(f"{w.weekday[:3]} {w.title}"
                       + (f" ({w.estimated_minutes} min)" if w.estimated_minutes else "")
                       for w in sessions)
    return f"Coming up: {listed}. Text a day (e.g. 'what's Wednesday?') for the details."


def _programs_offered(context: AthleteContext, texts: list[str]) -> str:
    """"What programmes do you have?": the ones on offer, from the context (empty if not
    asked, or none are published)."""
    if not context.programs or not any(intents.PROGRAMS_ASKED.search(t) for t in texts):
        return ""
    listed = "; ".join(f"JOIN {p.keyword}: {p.name}, {p.summary}" for p in context.programs)
    return f"Programmes you can join by texting the word: {listed}."


def _need_answer(context: AthleteContext, question: str) -> str | None:
    """"Do I need dumbbells / a bench?": answered from what the plan is built on."""
    match = _NEED.search(question)
    if match is None or context.profile is None:
        return None
    kit = context.profile.equipment
    wanted = normalize_equipment([match.group("what")])
    if not wanted:
        return None
    if set(wanted) <= set(kit):
        swap = (" If it's busy, text me and I'll swap in a cable or machine version."
                if {"cable", "machine"} & set(kit) else "")
        return f"Your plan uses what you told me you have, so yes, it can include that.{swap}"
    return ("No: your plan only uses equipment you told me you have. If you get some, tell me "
            "and I'll work it in.")


def _next_session(context: AthleteContext) -> str:
    upcoming = next((w for w in context.upcoming if not w.is_rest_day), None)
    if upcoming is None:
        return ""
    return f" Next up: {upcoming.weekday[:3]}, {upcoming.title}."


def _small_talk(context: AthleteContext, text: str, who: str, logged: bool) -> str:
    low = text.lower().strip()
    if not low:
        return f"I'm here{who}. Tell me how training is going, or ask me anything."
    if any(w in low for w in ("thanks", "thank you", "thx", "cheers", "grazie", "gracias",
                              "danke", "obrigad")) and len(low) < 40:
        return f"Anytime{who}. Text me whenever you need me."
    greeting = {"morning": "Good morning", "afternoon": "Good afternoon",
                "evening": "Good evening", "night": "Hi"}[context.part_of_day]
    if len(low) < 30 and any(low.startswith(w) for w in ("hi", "hey", "hello", "morning",
                                                          "good morning", "yo", "hola", "oi")):
        today = context.today_workout
        plan = (f" Today is {today.title.lower()}." if today and not today.is_rest_day
                else " Today is a rest day." if today else "")
        return f"{greeting}{who}!{plan} Tell me how it goes, or ask me anything."
    if "stop" in low or "basta" in low:
        return ("If you'd like no more texts, reply STOP on its own and you'll be unsubscribed "
                "straight away.")
    if BACK_HOME.search(low) and context.athlete.trips:
        return (f"Welcome back{who}! Your texts are on home time again and your usual sessions "
                f"pick up.{_next_session(context)}")
    if SEND_WISH.search(low):
        return (f"Your workout text is set for {context.athlete.send_time} your time{who}; "
                "tell me another time if that doesn't suit.")
    if FEELS_FINE.search(low):
        return f"Glad it feels fine today{who}. Keep me posted.{_next_session(context)}"
    if WIN.search(low):
        return (f"That's brilliant{who}! That's exactly what the training is for. "
                f"Keep it up.{_next_session(context)}")
    if OTHERS.search(low):
        return f"Ha, good for them! Your own numbers are what we build on.{_next_session(context)}"
    variants = (
        f"Noted{who}; nothing in that changes your plan.{_next_session(context)}",
        f"Thanks{who}, I've read it; your plan stays as it is.{_next_session(context)}",
        f"Got it{who}.{_next_session(context)} To log a session or change one, text it like "
        "'3x8 squats 60kg' or 'skip today'.",
    )
    return variants[sum(map(ord, low)) % len(variants)]

