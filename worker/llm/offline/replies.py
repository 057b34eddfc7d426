"""The offline coach's words for what the coaching tools did.

Each function turns one tool result into a sentence or two an athlete can act on: what was
logged, what changes next time and why, what was swapped out and for what. A model writes its
own replies from the same results; these are the deterministic equivalent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

RED_FLAG_REPLY = (
    "That needs a professional, not a training plan: please stop training and get it checked "
    "by a doctor or physio (urgent care or emergency services if it is severe or sudden). "
    "I've cleared today's session. Text me once you've been seen."
)


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%a %d %b}"


def logged(result: dict[str, Any]) -> str:
    if result.get("completion") == "skipped":
        return ("Marked as skipped. No need to make it up: we pick up with your next "
                "session, and the plan keeps its shape.")
    parts: list[str] = []
    names = result.get("logged") or []
    if result.get("rpe_noted"):
        parts.append(f"Noted the effort on your {result['rpe_noted']}.")
    elif result.get("as_prescribed") and names:
        what = "half your session" if result.get("completion") == "partial" else "your session"
        parts.append(f"Logged {what} as prescribed ({', '.join(names)}). Nice work!"
                     if result.get("completion") != "partial" else
                     f"Logged {what}: {', '.join(names)}. Something beats nothing; "
                     "well done for showing up.")
    elif names:
        details = result.get("details") or names
        parts.append(f"Logged: {'; '.join(details)}. Nice work!")
    unknown = result.get("unknown") or []
    if unknown:
        parts.append(f"Which exercise do you mean by \"{unknown[0]}\"? Tell me the name "
                     "(e.g. goblet squat) and I'll log it.")
    if result.get("nothing_scheduled") and not names:
        parts.append("Nothing was scheduled that day. Tell me what you did (e.g. 3x8 pushups, "
                     "a 30 min run) and I'll log it as extra work.")
    elif not names and not unknown and not result.get("rpe_noted"):
        parts.append("Already logged for that day, thanks! Add sets, reps or loads (e.g. "
                     "squats 60kg 8,8,7) if you want them tracked.")
    if not result.get("matched_workout") and names:
        parts.append("(Nothing was scheduled that day, so I logged it as extra work.)")
    for step in (result.get("next") or [])[:3]:
        parts.append(f"Next time: {step}")
    achievements = [a["name"] for a in result.get("achievements") or []]
    if achievements:
        parts.append(f"Milestone{'s' if len(achievements) > 1 else ''}: "
                     f"{', '.join(achievements)}!")
    return " ".join(parts)


def pain(result: dict[str, Any]) -> str:
    if not result.get("recorded"):
        return f"Sorry to hear that. {result.get('reason', '')} Tell me where it hurts.".strip()
    area = str(result["area"]).replace("_", " ")
    changes = result.get("changes") or []
    if changes:
        swaps = ", ".join(f"{c['from']} -> {c['to']}" if c["to"] else f"{c['from']} dropped"
                          for c in changes[:4])
        done = (f"I've changed your next sessions so nothing loads your {area}: {swaps}.")
    else:
        done = f"Noted your {area}; nothing in your coming sessions loads it."
    return (f"Sorry about your {area}. {done} Train pain-free only; if it gets sharp, swells "
            "or wakes you at night, stop and see a physio.")


def adapted(result: dict[str, Any]) -> str:
    kit = ", ".join(e.replace("_", " ") for e in result.get("equipment") or []) \
        or "no equipment"
    changes = result.get("changes") or []
    span = f"{_day(result['from'])} to {_day(result['until'])}"
    if not result.get("sessions_changed"):
        return (f"Travel noted for {span}: I'll build those sessions around {kit}, same "
                "movements, so you keep your progress.")
    swaps = ", ".join(f"{c['from']} -> {c['to']}" for c in changes[:4] if c["to"])
    return (f"Travel mode {span}: {result['sessions_changed']} "
            f"session(s) now use {kit} ({swaps}). Same movements, so you keep your progress; "
            "the usual plan picks up after.")


def swapped(result: dict[str, Any]) -> str:
    return (f"Swapped {result['from']} for {result['to']} on {_day(result['date'])}: same "
            "movement pattern, with what you have, so the session still does its job.")


def days_changed(result: dict[str, Any]) -> str:
    if not result.get("done"):
        return f"I couldn't change your days: {result.get('reason')}."
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = ", ".join(names[d - 1] for d in result["training_days"])
    return (f"Done: from {_day(result['from'])} you train {days}. I've laid the rest of your "
            "plan out on those days, so the weekly work stays balanced.")


def goal_changed(result: dict[str, Any]) -> str:
    if not result.get("done"):
        return f"I couldn't change your goal: {result.get('reason')}."
    goal = str(result["goal"]).replace("_", " ")
    return (f"New goal: {goal}. Your current plan ends today (everything you've done stays "
            "in your history) and I'm writing a new plan from tomorrow; the summary follows.")


def explained(result: dict[str, Any]) -> str:
    if not result.get("found"):
        return (f"I don't have \"{result['asked']}\" in my exercise library. Describe it, or "
                "tell me where you saw it, and I'll find the closest match.")
    kit = ", ".join(e.replace("_", " ") for e in result["equipment"]) or "no equipment"
    text = f"{result['name']} is a {result['pattern']} exercise ({kit}). {result['cue'] or ''}"
    more = []
    if result.get("easier"):
        more.append(f"easier: {result['easier']}")
    if result.get("harder"):
        more.append(f"harder: {result['harder']}")
    return text.strip() + (f" ({'; '.join(more)})" if more else "")


def load_advice(result: dict[str, Any]) -> str:
    advice = result.get("advice") or []
    if not advice and result.get("bodyweight"):
        return ("Today is all bodyweight, so no weights to pick: do the reps in the range with "
                "about 2-3 left in the tank. Too easy at the top of the range? Tell me and "
                "I'll move you up a variation.")
    if not advice:
        return ("Nothing loaded is on today. For any lift: pick a weight you could do for "
                "about 2 more reps than prescribed; the last rep slow but clean.")
    parts = []
    for item in advice[:3]:
        reps, rir = item["reps"], item["rir"]
        if item.get("load"):
            line = f"{item['exercise']}: {item['load']:g}{item.get('load_unit') or ''} for {reps}"
            if item.get("last"):
                line += f" (last time {item['last']})"
        else:
            line = (f"{item['exercise']}: first time, so pick a weight you could lift for "
                    f"about {reps.split('-')[-1]}+{rir} reps and do {reps}")
        parts.append(line)
    rir = advice[0]["rir"]
    return "; ".join(parts) + f". Stop each set with about {rir} reps left in the tank."


def progress(result: dict[str, Any]) -> str:
    period = "this week" if result["days"] <= 7 else f"the last {result['days']} days"
    parts = [f"In {period}: {result['sessions_done']} of {result['sessions_due']} sessions "
             f"done, {result['session_streak']} in a row"]
    if result.get("week_streak"):
        parts[-1] += f", {result['week_streak']} full week(s) running"
    parts[-1] += "."
    weight = (result.get("metrics") or {}).get("body_weight")
    if weight and weight["readings"] > 1:
        parts.append(f"Body weight {weight['first']:g} -> {weight['last']:g} "
                     f"{weight['unit'] or ''}.".replace(" .", "."))
    for load in (result.get("loads") or [])[:2]:
        if load["best"] > load["first"]:
            parts.append(f"{load['exercise']} up from {load['first']:g} to "
                         f"{load['best']:g}{load['unit']}.")
    ups = [p for p in result.get("progressions") or [] if p["action"] == "up_rung"]
    if ups:
        parts.append("Moved up: " + ", ".join(f"{p['from']} -> {p['to']}" for p in ups[:2]) + ".")
    if result.get("achievements"):
        parts.append("Milestones: " + ", ".join(result["achievements"]) + ".")
    if result["sessions_due"] and result["sessions_done"] / result["sessions_due"] >= 0.8:
        parts.append("That consistency is what drives results. Keep going!")
    elif result["sessions_due"]:
        parts.append("Let's aim to get every scheduled session in this week; shorter is fine.")
    return " ".join(parts)
