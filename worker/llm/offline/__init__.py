"""The offline provider: a deterministic coach that answers every agent's schema from rules.

It needs no key and no network, so the whole product runs and is tested anywhere, and it is the
fallback when a real model fails. It speaks the same request/response shapes as the OpenAI
provider (including tool calls), choosing by the agent's output schema, and reasons over the
structured variables the prompts were rendered from rather than over prompt text.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from pydantic import BaseModel

from worker.llm.offline.coach import coach_turn
from worker.llm.offline.daily import daily_message
from worker.llm.offline.planning import plan_outline, week_plan
from worker.llm.offline.profile import profile_update
from worker.llm.types import LLMRequest, LLMResponse, ToolCall

Answer = BaseModel | list[tuple[str, dict[str, object]]]

HANDLERS: dict[str, Callable[[LLMRequest], Answer]] = {
    "CoachReply": coach_turn,
    "ProfileUpdate": profile_update,
    "PlanOutline": plan_outline,
    "WeekPlan": week_plan,
    "DailyMessage": daily_message,
}


class OfflineProvider:
    name = "offline"

    async def complete(self, request: LLMRequest) -> LLMResponse:
        handler = HANDLERS[request.schema.__name__]
        answer = handler(request)
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

    async def close(self) -> None:
        return None
