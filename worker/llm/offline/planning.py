"""Offline plans and weeks: the engine's drafts, handed back as they are.

The domain writes a draft of every plan and week before any agent runs (the engine, with the
athlete's archetype, days, loads and constraints); a model may personalise it and the engine
repairs whatever it returns. Offline, the draft is the answer.
"""

from __future__ import annotations

from worker.domain.workouts import PlanOutline, WeekPlan
from worker.llm.types import LLMRequest


def plan_outline(request: LLMRequest) -> PlanOutline:
    return PlanOutline.model_validate(request.variables["draft"])


def week_plan(request: LLMRequest) -> WeekPlan:
    return WeekPlan.model_validate(request.variables["draft"])
