"""The offline answer for the exercise explainer: the library's own cue and description.

The library text is already written for athletes, so offline there is nothing to compose;
this keeps the explainer agent answerable (the model's fallback) with the same facts a model
was given.
"""

from __future__ import annotations

from worker.domain.replies import ExerciseHowTo
from worker.llm.types import LLMRequest

#: The schema's limit, less room for the sentence joining cue and description.
MAX_CHARS = 470


def exercise_how_to(request: LLMRequest) -> ExerciseHowTo:
    exercise = request.variables.get("exercise") or {}
    parts = [str(exercise.get(k) or "").strip() for k in ("cue", "description")]
    text = " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)
    name = str(exercise.get("name") or "this exercise")
    return ExerciseHowTo(how_to=(text or f"{name}: move slowly and under control, and stop if "
                                 "it hurts.")[:MAX_CHARS])
