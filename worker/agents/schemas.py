"""Output schemas by name: what each agent definition may ask a model to answer.

An agent definition names its schema; the model is asked for exactly that JSON (structured
output) and whatever comes back is validated again with the same pydantic model, because
OpenAI-compatible servers differ in how strictly they follow a schema. The models themselves
are domain types (``worker.domain``), shared with the engine and the offline provider.
"""

from __future__ import annotations

from pydantic import BaseModel

from worker.domain.profile import ProfileUpdate
from worker.domain.replies import CoachReply, DailyMessage, ExerciseHowTo
from worker.domain.workouts import PlanOutline, WeekPlan

SCHEMAS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (CoachReply, ProfileUpdate, PlanOutline, WeekPlan, DailyMessage,
                  ExerciseHowTo)
}


def schema_named(name: str) -> type[BaseModel]:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"unknown output schema {name!r}; known: {', '.join(sorted(SCHEMAS))}")\
            from None
