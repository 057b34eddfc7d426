"""The engine's outline of a plan: phases by goal, three loading weeks and a deload each.

Written for every athlete before any agent runs: the plan agent may rename phases or rewrite the
summary, and :func:`worker.planning.writer.repair_outline` holds whatever it returns to the same
rules (reference/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from worker.domain.profile import Profile
from worker.domain.workouts import PhaseOutline, PlanOutline
from worker.localtime import WEEKDAY_ABBR
from worker.planning.archetypes import archetype_for
from worker.planning.constraints import constraints_for
from worker.planning.loads import target_rates

PHASE_WEEKS = 4
PLAN_PHASES = 3

PHASES: dict[str, tuple[tuple[str, str], ...]] = {
    "strength": (("Foundation", "technique and base strength"),
                 ("Strength build", "heavier work, lower reps"),
                 ("Strength peak", "top sets near your limit")),
    "hypertrophy": (("Foundation", "technique and work capacity"),
                    ("Volume", "more hard sets per muscle"),
                    ("Intensification", "heavier loads, same volume")),
    "fat_loss": (("Foundation", "habits, technique, full-body strength"),
                 ("Conditioning", "strength plus intervals"),
                 ("Strength-endurance", "denser sessions, shorter rests")),
    "endurance": (("Base", "strength that supports your running"),
                  ("Build", "single-leg strength and stiffness"),
                  ("Sharpen", "maintained strength, fresh legs for key sessions")),
    "skill": (("Foundation", "prerequisite strength and positions"),
              ("Skill build", "progressions and holds"),
              ("Consolidate", "harder rungs, cleaner reps")),
}
DEFAULT_PHASES = (("Foundation", "technique and consistency"),
                  ("Build", "more volume and load"),
                  ("Consolidate", "heavier work, sharper sessions"))


def day_names(days: Sequence[int]) -> str:
    return ", ".join(WEEKDAY_ABBR[d - 1] for d in days)


#: Reasons listed in the plan text at most (the rest are in the plan's details).
SAID_REASONS = 2


def draft_outline(profile: Profile, days: Sequence[int], minutes: int,
                  today: date | None = None) -> PlanOutline:
    """Phases by goal and a summary that says what the programme does, what it leaves out
    and why, and what a dated target asks for."""
    goal = profile.primary_goal or "general_fitness"
    phases = [PhaseOutline(name=name, focus=focus, weeks=PHASE_WEEKS, deload_week=PHASE_WEEKS)
              for name, focus in PHASES.get(goal, DEFAULT_PHASES)[:PLAN_PHASES]]
    weeks = PHASE_WEEKS * len(phases)
    archetype = archetype_for(profile)
    reasons = constraints_for(profile).reasons()[:SAID_REASONS]
    rates = target_rates(profile, today or date.today())
    # Short enough that the whole plan-ready text stays within three SMS parts.
    summary = (
        f"{weeks} weeks in {len(phases)} phases, every 4th week lighter. "
        f"{day_names(days)}, about {minutes} min: {archetype.summary}. "
        + (f"Left out: {'; '.join(reasons)}. " if reasons else "")
        + (f"{rates[0].words().capitalize()}." if rates else "")
    ).strip()
    title = f"{goal.replace('_', ' ').capitalize()} plan"
    return PlanOutline(title=title, goal=goal, weeks=weeks, training_days=list(days),
                       phases=phases, summary=summary)
