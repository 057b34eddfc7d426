"""The offline coach's words: onboarding questions, acknowledgements and what tools did.

Wording only. What to ask (and whether it is the second, choice-offering ask), what was
recorded, what a tool changed and what the athlete is told in code afterwards all come in as
data; these functions turn them into short, plain SMS sentences. Nothing here echoes the
athlete's own text back to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from worker.coach.results import (
    CheckInResult,
    ExerciseExplained,
    LoadAdvice,
    LogResult,
    PauseResult,
    Progress,
    SessionChange,
    SessionLength,
    TripPlanned,
    WorkoutLookup,
)
from worker.llm.offline.formatting import workout_text

#: First asks: one short question per essential; all missing ones are asked together first.
FIRST_ASK = {
    "primary_goal": "your main goal",
    "days_per_week": "how many days a week you can train",
    "equipment": "your equipment (or gym)",
}
#: Second asks: worded differently, with choices to pick from.
SECOND_ASK = {
    "primary_goal": "Which goal fits best?",
    "days_per_week": "How many days a week suits you best?",
    "equipment": "What can you train with?",
}
SINGLE_ASK = {
    "primary_goal": "What's the main thing you want from training?",
    "days_per_week": "How many days a week can you train (and which days suit you)?",
    "equipment": "What equipment do you have, or do you train at a gym?",
}
FIELD_WORDS = {
    "name": "name", "age": "age", "primary_goal": "goal", "goals": "goal",
    "experience": "level", "training_years": "training history", "returning": "break",
    "days_per_week": "days a week", "training_days": "days", "excluded_days": "days off",
    "session_minutes": "session length", "equipment": "equipment",
    "training_location": "where you train", "load_caps": "weights", "lifts": "numbers",
    "targets": "targets", "injuries": "injuries", "activities": "other training",
    "timezone": "time zone", "send_time": "text time", "units": "units",
}


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%a %d %b}"


def ask(fields: Sequence[str], attempt: int, choices: dict[str, list[str]]) -> str:
    """The question for the fields onboarding asks next."""
    if attempt >= 2 and fields and fields[0] in choices:
        options = choices[fields[0]]
        if fields[0] == "days_per_week":
            return f"How many days a week can you train: {', '.join(options[:-1])} or " \
                   f"{options[-1]}?"
        numbered = " ".join(f"{i}) {o}" for i, o in enumerate(options, start=1))
        return f"{SECOND_ASK[fields[0]]} {numbered}"
    if len(fields) == 1:
        return SINGLE_ASK.get(fields[0], "")
    parts = [FIRST_ASK[f] for f in fields if f in FIRST_ASK]
    listed = ", ".join(parts[:-1]) + (f" and {parts[-1]}" if len(parts) > 1 else parts[0])
    return f"Tell me {listed}. Mention any injuries too."


GOAL_WORDS = {"strength": "getting stronger", "hypertrophy": "building muscle",
              "fat_loss": "losing fat", "endurance": "endurance", "general_fitness":
              "all-round fitness", "skill": "skills", "mobility": "mobility",
              "sport": "training for your sport"}
#: Facts worth saying back, in this order (the rest are recorded quietly).
ACKNOWLEDGED = ("primary_goal", "days_per_week", "training_days", "excluded_days",
                "activities", "equipment", "session_minutes", "injuries", "send_time")


def recorded(pairs: Sequence[tuple[str, str]]) -> str:
    """"Got it: goal lose fat, 3 days a week, Mon, Wed, Fri, dumbbells."."""
    shown = []
    values = dict(pairs)
    for field in ACKNOWLEDGED:
        if field not in values:
            continue
        value = values[field]
        if field == "days_per_week":
            shown.append(f"{value} days a week")
        elif field == "training_days":
            shown.append(value)
        elif field == "session_minutes":
            shown.append(f"{value} min sessions")
        elif field == "send_time":
            shown.append(f"texts at {value}")
        elif field == "injuries":
            shown.append(value)
        elif field == "activities":
            shown.append(f"your other training ({value}) kept clear of strength work")
        elif field == "excluded_days":
            shown.append("no weekends" if value == "Sat, Sun" else f"not {value}")
        elif field == "primary_goal":
            shown.append(GOAL_WORDS.get(value.replace(" ", "_"), value))
        elif field == "equipment":
            shown.append(value)
        elif value:
            shown.append(f"{FIELD_WORDS.get(field, field)} {value}")
    return "Got it: " + ", ".join(shown) + "." if shown else ""


def confirmed(pairs: Sequence[tuple[str, str]]) -> str:
    """"2 days a week it is." for a fact restated as it already was."""
    words = []
    sport = ""
    for field, value in pairs:
        if field == "days_per_week":
            words.append(f"{value} days a week")
        elif field == "session_minutes":
            words.append(f"{value}-minute sessions")
        elif field == "send_time":
            words.append(f"texts at {value}")
        elif field == "primary_goal" and value.replace(" ", "_") == "sport":
            sport = ("Good: your sessions are built for your sport, strength and conditioning "
                     "both.")
        elif field == "primary_goal":
            words.append(GOAL_WORDS.get(value.replace(" ", "_"), value))
        elif field == "equipment":
            words.append(value)
    said = f"{', '.join(words).capitalize()} it is." if words else ""
    return " ".join(part for part in (said, sport) if part)


def logged(result: LogResult, next_session: str = "") -> str:
    if result.completion == "skipped" and result.nothing_scheduled:
        return ("No stress: that was a rest day in your plan, so nothing was missed. We carry "
                "on with the next session.")
    if result.completion == "skipped":
        return ("Marked as skipped. No need to make it up: we pick up with your next "
                "session, and the plan keeps its shape.")
    parts: list[str] = []
    if result.rpe_noted:
        parts.append(f"Noted the effort on your {result.rpe_noted}.")
    elif result.as_prescribed and result.logged:
        if result.completion == "partial":
            without = (f" (not the {', '.join(n.lower() for n in result.left_out)})"
                       if result.left_out else "")
            parts.append(f"Logged part of your session: {', '.join(result.logged)}{without}. "
                         "Something beats nothing.")
        else:
            parts.append(f"Logged your session as prescribed ({', '.join(result.logged)}). "
                         "Nice work!")
    elif result.logged:
        parts.append(f"Logged: {'; '.join(result.details or result.logged)}. Nice work!")
    if result.unknown:
        named = ", ".join(f"'{u}'" for u in result.unknown)
        parts.append(f"I don't know {named} as an exercise, so it isn't logged. Which exercise "
                     "do you mean (e.g. goblet squat)?")
    if result.nothing_scheduled and not result.logged:
        parts.append("Good on you for getting moving! Nothing was planned that day, so I've "
                     f"counted it as extra.{next_session} Send sets and reps (e.g. 3x8 squats) "
                     "if you'd like them tracked.")
    elif not result.logged and not result.unknown and not result.rpe_noted:
        parts.append("Already logged for that day, thanks! Add sets, reps or loads (e.g. "
                     "squats 60kg 8,8,7) if you want them tracked.")
    if not result.matched_workout and result.logged:
        parts.append("(Nothing was scheduled that day, so I logged it as extra work.)")
    return " ".join(parts)


def trip(result: TripPlanned, today: date | None = None) -> str:
    where = f" to {result.place}" if result.place else ""
    started = today is not None and date.fromisoformat(result.starts_on) <= today
    span = (f"from today to {_day(result.ends_on)}" if started
            else f"for {_day(result.starts_on)} to {_day(result.ends_on)}")
    if result.equipment == []:
        kit = "bodyweight sessions"
    elif result.assumed_kit:
        kit = "sessions for a typical hotel gym (dumbbells, a bench, cardio)"
    elif result.equipment:
        kit = f"sessions with {', '.join(e.replace('_', ' ') for e in result.equipment)}"
    else:
        kit = "your usual sessions"
    zone = " and your workout text follows local time there" if result.timezone else ""
    extra = (" Tell me what the hotel gym has once you've seen it and I'll fit them to it."
             if result.assumed_kit else "")
    until = ("Everything switches back after." if started
             else "Nothing changes until you leave, and it all switches back after.")
    return f"Trip{where} noted {span}: {kit}{zone}. {until}{extra}"


def session(result: SessionChange, next_session: str = "") -> str:
    if not result.done and result.rest_day and result.action == "skip":
        return ("No problem: that's a rest day in your plan anyway, so nothing is missed."
                + next_session)
    if not result.done:
        return f"I couldn't change that session: {result.reason}."
    if result.action == "skip":
        return "Skipped. Rest up; we'll pick it up next session, no need to make it up."
    if result.action == "swap":
        return (f"Swapped {result.swapped_from} for {result.swapped_to}: same movement, with "
                "what you have, so the session still does its job.")
    if result.action == "move":
        assert result.moved_to is not None
        return (f"Moved: that session is now on {_day(result.moved_to)}, and the rest of your "
                "week stays as it was.")
    if result.action == "shorten":
        return f"Trimmed to about {result.minutes} min: main lifts kept, fewer sets."
    if result.note and result.note.startswith("instead: "):
        # Something else in place of the whole session (a parkrun, a hike, a class).
        return ("Good swap: that in place of today's session counts as today's training. "
                "Keep it at an easy, chatty effort and tell me how it went.")
    return "Noted on that session."


def explained(result: ExerciseExplained) -> str:
    if not result.found:
        return ("That one isn't in my exercise library. Describe it, or tell me where you saw "
                "it, and I'll find the closest match.")
    if result.term:
        return f"{result.name} means {result.term}."
    kit = ", ".join(e.replace("_", " ") for e in result.equipment) or "no equipment"
    text = f"{result.name} is a {result.pattern} exercise ({kit}). {result.cue or ''}"
    more = [f"easier: {result.easier}"] if result.easier else []
    more += [f"harder: {result.harder}"] if result.harder else []
    return text.strip() + (f" ({'; '.join(more)})" if more else "")


def session_length(result: SessionLength) -> str | None:
    """"That took 30 min against 20: I've trimmed your coming sessions to fit."."""
    if not result.found or result.asked is None:
        return None
    if result.pace is None:
        return f"{result.took} min: right on time." if result.took <= result.asked + 2 else None
    if result.took > (result.estimated or result.took):
        return (f"Thanks: {result.took} min against the {result.asked} you have. I've trimmed "
                f"your coming sessions (fewer sets, same main lifts) so they fit.")
    return (f"Quicker than planned ({result.took} min): your coming sessions get a little more "
            f"work, still within {result.asked} min.")


def load_advice(result: LoadAdvice) -> str:
    if not result.advice and result.bodyweight:
        return ("Today is all bodyweight: do the reps in the range with about 2-3 left in the "
                "tank. Too easy at the top of the range? Tell me and I'll move you up a "
                "variation.")
    if not result.advice:
        return ("Pick a weight you could lift for about 2 more reps than prescribed; the last "
                "rep slow but clean. If you had 4+ reps left, go up next set.")
    parts = []
    for item in result.advice[:3]:
        if item.load:
            line = f"{item.exercise}: {item.load:g}{item.load_unit or ''} for {item.reps}"
            if item.last:
                line += f" (last time {item.last})"
        else:
            top = item.reps.split("-")[-1]
            could = f"{int(top) + item.rir}" if top.isdigit() else f"{top} + {item.rir}"
            first = " (first time, so no number from me yet)" if item.basis == "first time" \
                else ""
            line = (f"{item.exercise}{first}: pick a weight you could lift about {could} "
                    f"times and do {item.reps} reps with it")
        parts.append(line)
    return "; ".join(parts) + (f". Stop each set with about {result.advice[0].rir} reps left "
                               "in the tank.")


def progress(result: Progress) -> str:
    period = "this week" if result.days <= 7 else f"the last {result.days} days"
    head = (f"In {period}: {result.sessions_done} of {result.sessions_due} sessions done, "
            f"{result.session_streak} in a row")
    if result.week_streak:
        head += f", {result.week_streak} full week(s) running"
    parts = [head + "."]
    weight = result.metrics.get("body_weight")
    if weight and weight.readings > 1:
        parts.append(f"Body weight {weight.first:g} -> {weight.last:g} {weight.unit or ''}."
                     .replace(" .", "."))
    for load in result.loads[:2]:
        if load.best > load.first:
            parts.append(f"{load.exercise} up from {load.first:g} to {load.best:g}"
                         f"{load.unit or ''}.")
    ups = [p for p in result.progressions if p.action == "up_rung"]
    if ups:
        parts.append("Moved up: " + ", ".join(f"{p.from_} -> {p.to}" for p in ups[:2]) + ".")
    if result.sessions_due and result.sessions_done / result.sessions_due >= 0.8:
        parts.append("That consistency is what drives results.")
    elif result.sessions_due:
        parts.append("Let's aim to get every scheduled session in this week; shorter is fine.")
    return " ".join(parts)


def check_in(result: CheckInResult) -> str:
    if result.deload_from:
        return (f"Thanks for the check-in. Your body needs a lighter week: from "
                f"{_day(result.deload_from)} we'll halve the sets and ease the effort, so you "
                "recover and come back stronger.")
    return "Thanks for the check-in, noted. We'll keep building."


def pause(result: PauseResult) -> str:
    if result.status == "paused":
        when = (f"texts resume {_day(result.resumes_on)}" if result.resumes_on
                else "no texts until you tell me you're back")
        return f"Paused: {when}. Text RESUME anytime to restart sooner."
    return "Welcome back! Coaching is on again; your next workout comes in the morning."


def lookup(result: WorkoutLookup) -> str:
    if not result.found:
        return f"Nothing scheduled for {_day(result.date)}: a rest day."
    return workout_text(result.model_dump())
