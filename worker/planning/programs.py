"""A programme's content as the engine plans from it: an archetype and an outline.

An authored programme is the same kind of thing as the engine's own archetypes (sessions of
slots by role, doses, what is forbidden, how athletes move on), with the author's exercises
first in each slot and their phases instead of the goal's. Compiling it to an
:class:`~worker.planning.archetypes.Archetype` is what lets one engine, one repair and one
rubric write and judge every plan: a programme's week is scaled to the athlete's days, minutes,
equipment and injuries exactly as any other week is.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from worker.domain.profile import Profile
from worker.domain.programs import ProgramContent, SlotSpec
from worker.domain.workouts import PhaseOutline, PlanOutline
from worker.planning.archetypes import Archetype, Dose, Session, Slot
from worker.planning.constraints import constraints_for
from worker.planning.outline import SAID_REASONS, day_names

#: An archetype made from a programme has this key prefix (never an engine archetype's key).
PROGRAM_KEY = "program:"


def slot_of(spec: SlotSpec) -> Slot:
    return Slot(spec.role, tuple(spec.patterns), frozenset(spec.prefer), frozenset(spec.require),
                exercises=tuple(spec.exercises), minutes=spec.minutes,
                notes_by_week=tuple(sorted(spec.notes_by_week.items())))


@lru_cache(maxsize=64)
def _compiled(raw: str) -> Archetype:
    content = ProgramContent.model_validate_json(raw)
    sessions = tuple(Session(s.title, tuple(slot_of(slot) for slot in s.slots), s.full_body)
                     for s in content.sessions)
    # The author's sessions in rotation over however many days the athlete trains.
    weeks = {n: tuple(sessions[i % len(sessions)] for i in range(n)) for n in range(1, 8)}
    extras = tuple(slot for s in sessions for slot in s.slots if slot.role == "accessory")
    return Archetype(
        key=PROGRAM_KEY + content.slug, name=content.name, summary=content.summary,
        doses={role: Dose(d.sets, d.reps, d.rir, d.rest, d.max_sets)
               for role, d in content.doses.items()},
        weeks=weeks, extras=extras, prefer_loaded=content.prefer_loaded,
        forbid=frozenset(content.forbid), weekly_sets=content.weekly_sets,
        progression=content.progression,
        levels={"beginner": 3, "intermediate": 5, "advanced": 7},
        protected=frozenset(slot.role for s in content.sessions for slot in s.slots
                            if slot.minutes is not None),
        conditioning_first=all(s.slots[0].role == "conditioning" for s in content.sessions),
    )


def program_archetype(content: ProgramContent) -> Archetype:
    """The archetype a programme version compiles to (cached by its content)."""
    return _compiled(content.model_dump_json())


def program_days(content: ProgramContent, profile: Profile) -> int:
    """Training days a week on this programme: the athlete's, within the author's range."""
    wanted = profile.days_per_week or len(profile.training_days) or content.days.recommended
    return min(max(wanted, content.days.min), content.days.max)


def program_outline(content: ProgramContent, profile: Profile, days: Sequence[int],
                    minutes: int) -> PlanOutline:
    """The plan of an enrolment: the author's phases and length, the athlete's days."""
    phases = [PhaseOutline(name=p.name, focus=p.focus, weeks=p.weeks,
                           deload_week=p.deload_week) for p in content.phases]
    reasons = constraints_for(profile).reasons()[:SAID_REASONS]
    summary = (
        f"{content.name}: {content.weeks} weeks, {day_names(days)}, about {minutes} min: "
        f"{content.summary}. " + (f"Left out: {'; '.join(reasons)}." if reasons else "")
    ).strip()
    # The athlete's goal when the programme serves it, else the one it was written for.
    goal = profile.primary_goal if profile.primary_goal in content.audience.goals \
        else content.audience.goals[0]
    return PlanOutline(title=content.name, goal=goal, weeks=content.weeks,
                       training_days=list(days), phases=phases, summary=summary)
