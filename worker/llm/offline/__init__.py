"""The offline provider: a language layer that answers every agent's schema without a model.

It needs no key and no network, so the whole product runs and is tested anywhere, and it is the
fallback when a real model fails. It speaks the same request and response shapes as the OpenAI
provider (tool calls included) and reads the same rendered variables a model's prompt is made
from: the profile extractor's answer is what :mod:`.read` finds in the texts, the coach's tool
calls are what :mod:`.intents` reads, and its words come from :mod:`.replies`. Plans and weeks
are the engine's drafts, handed back as they are. It decides nothing a model would not: every
decision is the domain's, on both paths.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable

from pydantic import BaseModel

from worker.domain.replies import CoachReply
from worker.llm.offline.coach import coach_turn
from worker.llm.offline.daily import daily_message
from worker.llm.offline.explain import exercise_how_to
from worker.llm.offline.planning import plan_outline, week_plan
from worker.llm.offline.profile import profile_update
from worker.llm.types import LLMRequest, LLMResponse, ToolCall

Answer = BaseModel | list[tuple[str, dict[str, object]]]
log = logging.getLogger(__name__)
SAFE_REPLY = ("Sorry, I couldn't take that in just now. Could you say it another way? For "
              "example: 'done', '3x8 pushups', 'what's today?', or 'skip today'.")

HANDLERS: dict[str, Callable[[LLMRequest], Answer]] = {
    "CoachReply": coach_turn,
    "ProfileUpdate": profile_update,
    "PlanOutline": plan_outline,
    "WeekPlan": week_plan,
    "DailyMessage": daily_message,
    "ExerciseHowTo": exercise_how_to,
}


class OfflineProvider:
    name = "offline"

    async def complete(self, request: LLMRequest) -> LLMResponse:
        handler = HANDLERS[request.schema.__name__]
        try:
            answer = handler(request)
        except Exception:
            # The last line of defence: a rule that breaks on some text must not leave the
            # athlete unanswered, nor fail every later turn that includes the same text.
            if request.schema is not CoachReply:
                raise
            log.exception("offline coach failed on a turn; answering with the safe reply")
            answer = CoachReply(reply=SAFE_REPLY)
        if isinstance(answer, BaseModel):
            return LLMResponse(
                provider=self.name, model="offline", raw=answer.model_dump_json(), output=answer
            )
        calls = [
            ToolCall(id=f"call_{uuid.uuid4().hex[:12]}", name=name, arguments=dict(arguments))
            for name, arguments in answer
        ]
        raw = json.dumps([{"name": c.name, "arguments": c.arguments} for c in calls])
        return LLMResponse(provider=self.name, model="offline", raw=raw, tool_calls=calls)

    def serves(self, model: str) -> str:
        return "offline"

    async def close(self) -> None:
        return None
