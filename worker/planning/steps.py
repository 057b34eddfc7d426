"""Progression applied: where each athlete is on each exercise, and the next step from there.

The week engine picks exercises by movement pattern and level, so on its own it would write the
same starting rung every week. ``progression_steps`` rows remember every move (from, to, load,
why); this module follows them to the athlete's current exercise and load, asks the pure
progression engine (:mod:`worker.planning.progression`) for the next decision from what was
logged since, records it, and rewrites the week's prescription to match. The same decision is
what the coach tells the athlete after a log ("next week: diamond push-ups").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal
from uuid import UUID

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.vocabulary import LOADABLE
from worker.planning.progression import (
    Decision,
    ExerciseInfo,
    Session,
    Target,
    decide,
    needs_deload,
)

#: How far back logs count when an exercise has no recorded step yet.
HISTORY_WEEKS = 8
#: A chain of steps longer than this is a data error, not a real progression.
MAX_FOLLOW = 12
AS_PRESCRIBED = "as prescribed"
UNPRESCRIBED_SETS = 3

Unit = Literal["kg", "lb"]


@dataclass
class Position:
    """Where the athlete is on one prescribed exercise: the slug to do and the load to use."""

    slug: str
    load: float | None = None
    load_unit: Unit | None = None
    since: date | None = None


@dataclass
class WeekProgress:
    decisions: list[Decision] = field(default_factory=list)
    deload_reason: str | None = None


def _unit(value: object) -> Unit | None:
    return "kg" if value == "kg" else "lb" if value == "lb" else None


async def positions(
    conn: Conn, user_id: UUID, slugs: Iterable[str], *, follow: bool = True
) -> dict[str, Position]:
    """For each slug the engine prescribed, the exercise and load the steps lead to.

    With ``follow=False`` each slug stays itself (what the athlete just logged), and only its
    own load and the date it was last changed are looked up.
    """
    latest = {r["from_slug"]: r for r in await conn.fetch(sql("latest_steps"), user_id)}
    found: dict[str, Position] = {}
    for slug in slugs:
        # Follow only steps newer than the one that led here: after A -> B and later B -> A,
        # the old A -> B is history, and the athlete is on A again.
        current, arrived = slug, None
        for _ in range(MAX_FOLLOW if follow else 0):
            step = latest.get(current)
            if step is None or step["to_slug"] == current or (
                    arrived is not None and step["created_at"] <= arrived["created_at"]):
                break
            current, arrived = step["to_slug"], step
        step = latest.get(current)
        if step is None or (arrived is not None and step["created_at"] <= arrived["created_at"]):
            step = arrived
        position = Position(current)
        if step is not None:
            position.since = step["decided_on"]
            if step["to_slug"] == current and step["load"] is not None:
                position.load = float(step["load"])
                position.load_unit = _unit(step["load_unit"])
        found[slug] = position
    return found


def exercise_info(row: Mapping[str, Any]) -> ExerciseInfo:
    return ExerciseInfo(
        slug=str(row["slug"]), name=str(row["name"]), pattern=str(row["pattern"]),
        unit=row["unit"], default_min=int(row["default_min"] or 1),
        default_max=int(row["default_max"] or row["default_min"] or 1),
        loadable=bool(set(row["equipment"] or []) & LOADABLE),
    )


def session_of(row: Any, info: ExerciseInfo) -> Session:
    """One exercise_logs row as the engine sees it: done per set against its prescription."""
    prescribed = row["prescribed"] or {}
    sets = row["sets"] or []
    done = tuple(int(s.get("reps") or s.get("seconds") or 0) for s in sets)
    target = Target(
        # Logged without a prescription: judged against a usual 3 work sets, so one good set
        # of something extra is not yet a reason to move up.
        sets=int(prescribed.get("sets") or max(len(done), UNPRESCRIBED_SETS)),
        target_min=int(prescribed.get("target_min") or info.default_min),
        target_max=int(prescribed.get("target_max") or info.default_max),
        load=float(prescribed["load"]) if prescribed.get("load") else None,
        load_unit=_unit(prescribed.get("load_unit")),
    )
    return Session(
        performed_on=row["performed_on"], done=done, target=target,
        load=float(row["top_load"]) if row["top_load"] is not None else None,
        load_unit=_unit(row["load_unit"]),
        rpe=float(row["rpe"]) if row["rpe"] is not None else None,
        pain=bool(row["pain"]), as_prescribed=not sets and row["notes"] == AS_PRESCRIBED,
    )


async def library_facts(conn: Conn, slugs: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = await conn.fetch(sql("exercise_details"), sorted(set(slugs)))
    return {str(row["slug"]): dict(row) for row in rows}


def _chain_for(slug: str, facts: Mapping[str, dict[str, Any]]) -> list[str]:
    """The exercise's main ladder: the longest chain it sits on (ties: the first by name)."""
    chains = sorted(facts[slug]["chains"], key=lambda c: (-len(c["rungs"]), c["chain"]))
    return list(chains[0]["rungs"]) if chains else []


async def decisions_for(
    conn: Conn,
    user_id: UUID,
    current: Mapping[str, Position],
    *,
    before: date,
    available: set[str],
) -> tuple[dict[str, Decision], list[Session], dict[str, dict[str, Any]]]:
    """The next decision for each current exercise, from its sessions logged before ``before``.

    Returns the decisions keyed by the current slug, every session of the last week read (for
    the deload check across chains), and the library facts of those exercises and their chains.
    """
    slugs = {p.slug for p in current.values()}
    if not slugs:
        return {}, [], {}
    facts = await library_facts(conn, slugs)
    chain_slugs = {s for slug in facts for s in _chain_for(slug, facts)}
    facts |= await library_facts(conn, chain_slugs - set(facts))
    oldest = before - timedelta(weeks=HISTORY_WEEKS)
    rows = await conn.fetch(sql("exercise_history"), user_id, sorted(slugs), oldest)
    since = {p.slug: p.since for p in current.values()}
    decisions: dict[str, Decision] = {}
    recent: list[Session] = []
    for slug in sorted(slugs):
        if slug not in facts:
            continue
        info = exercise_info(facts[slug])
        start = since.get(slug) or oldest
        history = [session_of(r, info) for r in rows
                   if r["slug"] == slug and start <= r["performed_on"] < before]
        recent += [s for s in history if s.performed_on >= before - timedelta(days=7)]
        chain = [exercise_info(facts[s]) for s in _chain_for(slug, facts) if s in facts]
        decisions[slug] = decide(info, history, chain=chain,
                                 available=lambda s: s in available)
    return decisions, recent, facts


def work_slugs(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(e["exercise"]) for b in blocks if b.get("kind") != "warmup"
            for e in b.get("exercises") or []]


async def progress_week(
    conn: Conn,
    user_id: UUID,
    microcycle_id: UUID,
    week_start: date,
    days: list[list[dict[str, Any]]],
    available: set[str],
) -> WeekProgress:
    """Rewrite a week's blocks (``days``, in place) to where progression has got the athlete.

    Each prescribed exercise is replaced by the one its steps lead to, with its load; a new
    decision from the logs since is recorded (once per exercise per week) and applied.
    """
    prescribed = {slug for blocks in days for slug in work_slugs(blocks)}
    current = await positions(conn, user_id, prescribed)
    decisions, recent, facts = await decisions_for(conn, user_id, current, before=week_start,
                                                   available=available)
    progress = WeekProgress()
    changed = [d for d in decisions.values() if d.changed]
    if changed:
        new = {row["slug"] for row in await conn.fetch(
            sql("insert_steps"), user_id, [d.exercise for d in changed],
            [d.new_exercise for d in changed], [d.action for d in changed],
            [d.new_load for d in changed], [d.load_unit for d in changed],
            [d.reason for d in changed], week_start, microcycle_id,
        )}
        progress.decisions = [d for d in changed if d.exercise in new]
    targets = {d.exercise: d for d in decisions.values()}
    for blocks in days:
        for block in blocks:
            if block.get("kind") == "warmup":
                continue
            block["exercises"] = [
                _apply(item, current.get(str(item["exercise"])), targets, facts)
                for item in block.get("exercises") or []
            ]
    progress.deload_reason = needs_deload(list(decisions.values()), recent)
    return progress


def _apply(
    item: dict[str, Any],
    position: Position | None,
    decisions: Mapping[str, Decision],
    facts: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    if position is None:
        return item
    slug, load, unit = position.slug, position.load, position.load_unit
    if load is None and slug == item["exercise"] and item.get("load") is not None:
        # No step has set a load yet: the one the engine wrote (from the athlete's stated
        # numbers) stands.
        load, unit = float(item["load"]), _unit(item.get("load_unit"))
    decision = decisions.get(slug)
    if decision is not None and decision.changed:
        if decision.action == "add_reps":
            step = 10 if item.get("unit") == "seconds" else 2
            item = {**item, "target_min": item["target_max"],
                    "target_max": int(item["target_max"]) + step}
        slug = decision.new_exercise
        load, unit = decision.new_load, decision.load_unit
    if slug != item["exercise"] and slug in facts:
        fact = facts[slug]
        item = {**item, "exercise": slug, "name": fact["name"], "unit": fact["unit"],
                "target_min": int(fact["default_min"] or item["target_min"]),
                "target_max": int(fact["default_max"] or item["target_max"])}
    item = {**item, "load": load, "load_unit": unit if load is not None else None}
    return item


async def take_progress_notes(
    conn: Conn, user_id: UUID, only: Iterable[str] | None = None
) -> list[str]:
    """Reasons for progression steps not yet told to the athlete, marked as told.

    ``only`` limits them to steps into these exercises (the morning text tells what changed in
    today's session; the weekly recap tells everything). Call inside the transaction that writes
    the text, so a step is announced exactly when its text is written.
    """
    rows = await conn.fetch(sql("unannounced_steps"), user_id)
    wanted = set(only) if only is not None else None
    chosen = [r for r in rows if wanted is None or r["to_slug"] in wanted]
    if chosen:
        await conn.execute(sql("announce_steps"), user_id, [r["id"] for r in chosen])
    return [str(r["reason"]) for r in chosen]


def with_notes(body: str, notes: Sequence[str], *, limit: int = 3) -> str:
    """A text with what changed appended, so a change is never silent."""
    if not notes:
        return body
    return f"{body} What changed: " + " ".join(notes[:limit])
