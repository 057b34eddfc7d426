"""Offline plan and week generation: the deterministic engine, with no model.

The plan follows reference/training.md: mesocycles of three loading weeks and a deload, effort
stepping from 3 reps in reserve to 1, training days from the athlete's schedule. Weeks come from
the exercise-library engine in :mod:`worker.planning.engine`, which the model-written weeks are
also validated and repaired against.
"""

from __future__ import annotations

from typing import Any

from worker.agents.schemas import PhaseOutline, PlanOutline, WeekPlan
from worker.llm.types import LLMRequest
from worker.planning.engine import build_week, default_training_days

WEEKDAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

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
    "endurance": (("Base", "easy aerobic volume and strength support"),
                  ("Build", "tempo work and single-leg strength"),
                  ("Sharpen", "quality intervals, maintained strength")),
    "skill": (("Foundation", "prerequisite strength and positions"),
              ("Skill build", "progressions and holds"),
              ("Consolidate", "harder rungs, cleaner reps")),
}
DEFAULT_PHASES = (("Foundation", "technique and consistency"),
                  ("Build", "more volume and load"),
                  ("Consolidate", "heavier work, sharper sessions"))


def plan_outline(request: LLMRequest) -> PlanOutline:
    profile: dict[str, Any] = request.variables.get("profile") or {}
    goal = profile.get("primary_goal") or "general_fitness"
    days = list(profile.get("training_days") or []) or default_training_days(
        profile.get("days_per_week") or 3
    )
    phases = [
        PhaseOutline(name=name, focus=focus, weeks=4, deload_week=4)
        for name, focus in PHASES.get(goal, DEFAULT_PHASES)
    ]
    minutes = profile.get("session_minutes") or 45
    day_names = ", ".join(WEEKDAY_ABBR[d - 1] for d in days)
    summary = (
        f"12 weeks in 3 phases: {', '.join(p.name for p in phases)}. "
        f"You'll train {day_names}, about {minutes} min a session. "
        "Every 4th week is lighter so you recover and keep progressing."
    )
    title = f"{goal.replace('_', ' ').capitalize()} plan"
    return PlanOutline(title=title, goal=goal, weeks=12, training_days=days, phases=phases,
                       summary=summary)


def week_plan(request: LLMRequest) -> WeekPlan:
    return build_week(request.variables)
