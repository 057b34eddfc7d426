"""Logging what the athlete did against what was prescribed (CaliFlow's design).

Each exercise logged is matched to the day's prescription (same exercise, else the same movement
pattern) and the prescription is copied into the log, so later edits of the workout never
rewrite what the athlete was asked to do. "Did it" with no details logs every prescribed
exercise as done as prescribed, with no invented numbers. Names the library cannot resolve are
returned, not stored, so the coach asks instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal
from uuid import UUID

from worker.coach.achievements import award, unannounced
from worker.coach.results import Achievement, LogResult
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.profile import Profile
from worker.domain.vocabulary import LOADABLE
from worker.library.seed import resolve_exercise
from worker.planning.candidates import candidates_for
from worker.planning.steps import AS_PRESCRIBED, decisions_for, positions

Completion = Literal["completed", "partial", "skipped"]


@dataclass(frozen=True)
class LogEntry:
    """One exercise as the athlete reported it."""

    name: str
    sets: list[dict[str, float | int]]
    load_unit: Literal["kg", "lb"] | None = None
    rpe: float | None = None
    pain_area: str | None = None
    notes: str | None = None


def describe(name: str, entry: LogEntry) -> str:
    """"Back squat 100kg x 5,5,4", "Plank 60s,60s", "Push-up 12,12,12": what was stored."""
    if not entry.sets:
        return f"{name} (done)"
    done = ",".join(f"{s['seconds']}s" if s.get("seconds") else str(s.get("reps") or "?")
                    for s in entry.sets)
    loads = {float(s["load"]) for s in entry.sets if s.get("load") is not None}
    if len(loads) == 1:
        load = f"{loads.pop():g}{entry.load_unit or ''}"
        if all(s.get("reps") is None and s.get("seconds") is None for s in entry.sets):
            return f"{name} with {load}"
        return f"{name} {load} x {done}"
    return f"{name} {done}"


def work_items(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The prescribed exercises that count as training (warm-ups are not logged)."""
    return [dict(e) for b in blocks if b.get("kind") != "warmup"
            for e in b.get("exercises") or []]


FILLER = re.compile(r"\b(the|my|some|too|also|as well|extra|a few|few|of|reps?|sets?)\b", re.I)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def item_named(name: str, items: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The one prescribed item an athlete's loose name means: "squats" on a back-squat day is
    the back squat, "the lunges" is the session's lateral lunge. None if none or several."""
    key = _key(FILLER.sub(" ", name))
    key = key[:-1] if key.endswith("s") and len(key) > 3 else key
    found = [dict(i) for i in items
             if key and (key in _key(str(i.get("name") or "")) or key in _key(str(i["exercise"])))]
    return found[0] if len(found) == 1 else None


#: Words that say what an exercise is done with, not which exercise it is.
_EQUIPMENT_WORDS = re.compile(r"\b(?:dumbbells?|db|barbells?|bb|kettlebells?|kb|cable|machine|"
                              r"band(?:ed)?|weighted|bodyweight|smith)\b", re.I)


#: Words that make a lift another lift: "bench" is not the incline bench, "squat" not the front.
_VARIANT = re.compile(r"\b(?:incline|decline|front|sumo|bulgarian|romanian|close[- ]grip|"
                      r"paused?|deficit|hack|overhead)\b", re.I)


def _names_another(name: str, item: Mapping[str, Any]) -> bool:
    """Whether a logged name is a different exercise from the prescribed one it is part of:
    "split squats" is not "Dumbbell Bulgarian split squat" and "bench" is not "Incline bench
    press", while "floor press" is "Dumbbell floor press" and "rows" is the day's row."""
    typed = FILLER.sub(" ", name).split()
    prescribed_name = str(item.get("name") or item["exercise"])
    if len(typed) < 2:
        # "bench" on an incline day is the flat bench: a variant is named when it is meant
        variant = _VARIANT.search(prescribed_name.replace("_", " "))
        return variant is not None and variant.group().lower() not in name.lower()
    key = _key(" ".join(typed))
    key = key[:-1] if key.endswith("s") and len(key) > 3 else key
    prescribed = _key(_EQUIPMENT_WORDS.sub(" ", prescribed_name))
    return key != prescribed and key != prescribed.rstrip("s")


async def resolve_logged(
    conn: Conn, name: str, items: Sequence[Mapping[str, Any]], *, loose: bool = True
) -> Any:
    """The library exercise a logged name means, the day's prescription first.

    Then the library's names and aliases, as typed and without filler words ("pullups too"),
    then (``loose``) the longest run of its words that names one ("leg press guesed"). Callers
    trying names of their own ("barbell pull-ups") pass ``loose=False``: a run of their words
    would name something else, at a query per run.
    """
    item = item_named(name, items)
    if item is not None and _names_another(name, item):
        named = await resolve_exercise(conn, " ".join(FILLER.sub(" ", name).split()))
        if named is not None and named["slug"] != item["exercise"]:
            return named  # "split squats" on a Bulgarian day: no bench, so the plain ones
    for text in ([str(item["exercise"])] if item else []) + [name, FILLER.sub(" ", name)]:
        row = await resolve_exercise(conn, " ".join(text.split()))
        if row is not None:
            return row
    words = FILLER.sub(" ", name).split() if loose else []
    # "leg press guesed", "before standup squat": stray words around the name; the longest
    # run of words that names an exercise is it.
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            part = " ".join(words[start:start + size])
            if not _EQUIPMENT_WORDS.sub(" ", part).strip():
                continue  # "dumbbell" alone names no exercise
            item = item_named(part, items)
            row = await resolve_exercise(conn, str(item["exercise"]) if item else part)
            if row is not None:
                return row
    return None


def _prescription(item: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("exercise", "sets", "target_min", "target_max", "unit", "load", "load_unit", "rir")
    return {k: item.get(k) for k in keys if item.get(k) is not None}


def _match(
    slug: str, pattern: str, items: Sequence[dict[str, Any]], patterns: Mapping[str, str]
) -> dict[str, Any] | None:
    for item in items:
        if item.get("exercise") == slug:
            return item
    return next((i for i in items if patterns.get(str(i.get("exercise"))) == pattern), None)


#: How many days back an undated "done" can reach for a session still waiting for a report.
LATE_REPORT_DAYS = 2


async def record_log(
    conn: Conn,
    user_id: UUID,
    day: date,
    completion: Completion,
    entries: Sequence[LogEntry],
    *,
    fraction: float | None = None,
    session_rpe: float | None = None,
    felt: str | None = None,
    source_message_id: UUID | None = None,
    as_of_today: bool = False,
    left_out: Sequence[str] = (),
) -> LogResult:
    """Store one report of a day's training; call inside a transaction.

    ``as_of_today``: the report was about "today" without naming a day. A done session on a
    day with none ("did it!" the morning after) is the latest session of the last
    LATE_REPORT_DAYS days still waiting for a report.

    ``left_out``: planned exercises they said they did not do ("skipped the overhead press
    part, rest was ok"); the rest of the session is logged as prescribed, these are not.
    """
    workout = await conn.fetchrow(sql("workout_on"), user_id, day)
    if as_of_today and completion != "skipped" and (workout is None or workout["is_rest_day"]):
        late = await conn.fetchrow(sql("latest_open_workout"), user_id, day, LATE_REPORT_DAYS)
        if late is not None:
            day, workout = late["date"], late
    items = work_items(workout["blocks"]) if workout and not workout["is_rest_day"] else []
    outcome = LogResult(date=day.isoformat(), completion=completion,
                        matched_workout=workout is not None)
    units = await conn.fetchval(sql("user_units"), user_id)
    default_unit: Literal["kg", "lb"] = "lb" if units == "imperial" else "kg"
    if completion == "skipped":
        skipped = await conn.fetchval(sql("skip_if_scheduled"), user_id, day, felt)
        outcome.nothing_scheduled = skipped is None and not items
        return outcome

    library = {str(r["slug"]): r for r in await conn.fetch(
        sql("exercise_details"), [str(i.get("exercise")) for i in items])}
    patterns = {slug: str(r["pattern"]) for slug, r in library.items()}
    workout_id = workout["id"] if workout is not None else None
    logged_slugs: list[str] = []
    owned: set[str] | None = None
    rows: list[tuple[Any, ...]] = []
    for entry in entries:
        row = await resolve_logged(conn, entry.name, items)
        if row is not None and _loaded(entry) and not set(row["equipment"] or []) & LOADABLE:
            # "squat 4x8 @ 100" is a loaded squat, not the bodyweight one.
            row = await _loaded_variant(conn, entry.name, items, str(row["pattern"])) or row
        if row is not None and item_named(entry.name, items) is None:
            if owned is None:
                profile = await latest_profile(conn, user_id)
                owned = set(profile.equipment) if profile is not None else set()
            if owned and not set(row["equipment"] or []) <= owned:
                # "goblet squats w/ the 50 lb db", "the 45s on bench" for a dumbbell owner:
                # the version of the lift done with what they have.
                row = await _owned_variant(conn, entry.name, owned) or row
        if row is None:
            outcome.unknown.append(entry.name)
            continue
        entry = _in_its_unit(entry, str(row["unit"]))
        matched = _match(str(row["slug"]), str(row["pattern"]), items, patterns)
        rows.append(_log_row(user_id, workout_id, row["id"], str(row["name"]), day,
                             _prescription(matched) if matched else None, entry, felt,
                             source_message_id, default_unit))
        outcome.logged.append(str(row["name"]))
        outcome.details.append(describe(str(row["name"]), entry))
        outcome.pain |= entry.pain_area is not None
        logged_slugs.append(str(row["slug"]))
    await _write_logs(conn, rows)

    already = 0
    if entries and not outcome.logged and completion == "completed" and items:
        # "All done! The balance part was wobbly": the session is done even when a remark
        # names nothing the library knows.
        entries = []
    if not entries:
        already = await conn.fetchval(sql("logs_on_count"), user_id, day)
        if already and session_rpe is not None:
            outcome.rpe_noted = await conn.fetchval(sql("set_latest_log_rpe"), user_id, day,
                                                    session_rpe)
        elif not items:
            outcome.nothing_scheduled = True
        elif not already:
            share = fraction if completion == "partial" and fraction is not None else 1.0
            skipped_items = [item for name in left_out
                             if (item := item_named(name, items)) is not None]
            outcome.left_out = [str(i.get("name") or i["exercise"]) for i in skipped_items]
            kept = [i for i in items if i not in skipped_items] or items
            done = kept[: max(1, math.ceil(len(kept) * share))]
            done_rows: list[tuple[Any, ...]] = []
            for index, item in enumerate(done):
                row = library.get(str(item["exercise"]))
                last = index == len(done) - 1
                done_rows.append(_log_row(
                    user_id, workout_id, row["id"] if row else None,
                    str(item.get("name") or item["exercise"]), day, _prescription(item),
                    LogEntry(str(item["exercise"]), [], rpe=session_rpe if last else None,
                             notes=AS_PRESCRIBED),
                    felt, source_message_id, default_unit,
                ))
                logged_slugs.append(str(item["exercise"]))
            await _write_logs(conn, done_rows)
            outcome.as_prescribed = True
            outcome.logged = [str(i.get("name") or i["exercise"]) for i in done]

    # An effort rating alone says nothing about how much was done; "finished it after all"
    # (a report with no details after a partial log) does move the status on.
    restated = not entries and not outcome.logged and session_rpe is None and bool(already)
    if workout is not None and (outcome.logged or restated):
        await conn.execute(sql("set_workout_status"), user_id, day, completion, None)
    outcome.next = await _next_steps(conn, user_id, day, logged_slugs)
    await award(conn, user_id, day)
    outcome.achievements = [Achievement.model_validate(a)
                            for a in await unannounced(conn, user_id)]
    return outcome


def _in_its_unit(entry: LogEntry, unit: str) -> LogEntry:
    """"Wall holds 3x40" on a hold: forty seconds each, not forty reps."""
    if unit != "seconds" or not entry.sets or any("seconds" in s for s in entry.sets):
        return entry
    sets = [{("seconds" if k == "reps" else k): v for k, v in s.items()} for s in entry.sets]
    return replace(entry, sets=sets)


def _loaded(entry: LogEntry) -> bool:
    return any(s.get("load") is not None for s in entry.sets)


async def _owned_variant(conn: Conn, name: str, owned: set[str]) -> Any:
    for prefix in ("dumbbell", "barbell", "kettlebell", "machine", "cable", "band"):
        if prefix in owned or f"{prefix}s" in owned:
            row = await resolve_logged(conn, f"{prefix} {name}", [], loose=False)
            if row is not None and set(row["equipment"] or []) <= owned:
                return row
    return None


async def _loaded_variant(conn: Conn, name: str, items: Sequence[Mapping[str, Any]],
                          pattern: str) -> Any:
    """The loaded version of the same movement ("weighted pull-ups" for "pull-ups +5kg"),
    never another movement that happens to be loaded."""
    for prefix in ("barbell", "back", "dumbbell", "machine", "weighted"):
        row = await resolve_logged(conn, f"{prefix} {name}", items, loose=False)
        if row is not None and set(row["equipment"] or []) & LOADABLE \
                and str(row["pattern"]) == pattern:
            return row
    return None


def _log_row(
    user_id: UUID, workout_id: UUID | None, exercise_id: UUID | None, name: str,
    day: date, prescribed: dict[str, Any] | None, entry: LogEntry, felt: str | None,
    source_message_id: UUID | None, default_unit: Literal["kg", "lb"],
) -> tuple[Any, ...]:
    """One exercise_logs row's parameters, for :func:`_write_logs`."""
    loads = [float(s["load"]) for s in entry.sets if s.get("load") is not None]
    unit = entry.load_unit if loads else None
    if loads and unit is None:
        unit = (prescribed or {}).get("load_unit") or default_unit
    return (
        user_id, workout_id, exercise_id, name, day, prescribed, entry.sets,
        sum(int(s.get("reps") or 0) for s in entry.sets) or None,
        sum(int(s.get("seconds") or 0) for s in entry.sets) or None,
        max(loads) if loads else None, unit, entry.rpe, felt,
        entry.pain_area is not None, entry.pain_area, entry.notes, source_message_id,
    )


async def _write_logs(conn: Conn, rows: Sequence[tuple[Any, ...]]) -> None:
    """A report's logs in one batch: asyncpg sends every row's execution in one round trip,
    in order (so clock_timestamp() still orders them as logged)."""
    if rows:
        await conn.executemany(sql("insert_exercise_log"), rows)


async def _next_steps(conn: Conn, user_id: UUID, day: date, slugs: Sequence[str]) -> list[str]:
    """What the logs so far mean for next time, in the coach's words (changes only)."""
    if not slugs:
        return []
    profile = await latest_profile(conn, user_id) or Profile()
    available = {str(c["slug"]) for c in await candidates_for(conn, profile.equipment, profile)}
    current = await positions(conn, user_id, slugs, follow=False)
    decisions, _, _ = await decisions_for(conn, user_id, current,
                                          before=day + timedelta(days=1), available=available)
    changed = [d for d in decisions.values() if d.changed]
    # A new exercise or load matters more than "a rep or two more".
    changed.sort(key=lambda d: (d.action == "add_reps", d.exercise))
    return [d.reason for d in changed]
