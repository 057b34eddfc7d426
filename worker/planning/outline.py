"""The engine's outline of a plan: phases by goal, three loading weeks and a deload each.

Written for every athlete before any agent runs: the plan agent may rename phases or rewrite the
summary, and :func:`worker.planning.writer.repair_outline` holds whatever it returns to the same
rules (reference/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from worker.domain.profile import Profile
from worker.domain.workouts import PhaseOutline, PlanOutline

WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
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


def draft_outline(profile: Profile, days: Sequence[int], minutes: int) -> PlanOutline:
    goal = profile.primary_goal or "general_fitness"
    phases = [PhaseOutline(name=name, focus=focus, weeks=PHASE_WEEKS, deload_week=PHASE_WEEKS)
              for name, focus in PHASES.get(goal, DEFAULT_PHASES)[:PLAN_PHASES]]
    weeks = PHASE_WEEKS * len(phases)
    summary = (
        f"{weeks} weeks in {len(phases)} phases: {', '.join(p.name for p in phases)}. "
        f"You'll train {day_names(days)}, about {minutes} min a session. "
        "Every 4th week is lighter so you recover and keep progressing."
    )
    title = f"{goal.replace('_', ' ').capitalize()} plan"
    return PlanOutline(title=title, goal=goal, weeks=weeks, training_days=list(days),
                       phases=phases, summary=summary)
