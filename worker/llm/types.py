"""What the agent runtime hands a provider, and what a provider hands back.

Both providers speak the same shapes, so the runtime (and its contract tests) cannot tell them
apart: a request carries the rendered chat messages for a model, and also the structured
variables they were rendered from, which is what the offline coach reasons over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from worker.errors import ProviderError


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    args_model: type[BaseModel]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolOutcome:
    """A tool call and what it returned (a typed result, or ``ToolFailed``)."""

    call: ToolCall
    result: BaseModel

    def result_json(self) -> dict[str, Any]:
        dumped: dict[str, Any] = self.result.model_dump(mode="json", by_alias=True)
        return dumped


@dataclass
class LLMRequest:
    agent: str
    model: str
    temperature: float | None
    max_output_tokens: int
    timeout_s: float
    messages: list[dict[str, Any]]
    schema: type[BaseModel]
    tools: list[ToolSpec]
    variables: Mapping[str, Any]
    tool_outcomes: list[ToolOutcome] = field(default_factory=list)
    allow_tools: bool = True


@dataclass
class LLMResponse:
    provider: str
    model: str
    raw: str
    output: BaseModel | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    assistant_message: dict[str, Any] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None


class LLMFailure(ProviderError):
    """A call that produced no usable answer.

    ``transient`` failures (429, 5xx, timeouts, connection errors) are retried; ``invalid``
    output is re-asked once with a fixed instruction (``reask``); anything else goes to the
    fallback.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: Literal["transient", "invalid", "fatal"],
        raw: str | None = None,
        response: LLMResponse | None = None,
        reask: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.raw = raw
        self.response = response
        #: For invalid output: a short, fixed instruction naming what was wrong, for the
        #: re-ask. Never exception text (a small model repeats what it is shown).
        self.reask = reask


class Provider(Protocol):
    name: str

    def serves(self, model: str) -> str:
        """What answers a request for ``model``: the endpoint and the model it really runs
        (a cached answer is only reused from the same one)."""
        ...

    async def complete(self, request: LLMRequest) -> LLMResponse: ...

    async def close(self) -> None: ...
