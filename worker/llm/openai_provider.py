"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp's server) via the SDK.

The SDK's own retries are off (``max_retries=0``): the runtime's tenacity loop owns retrying,
so one failed HTTP call is one logged attempt. Structured output goes through
``chat.completions.parse`` with the agent's pydantic schema; tools are strict pydantic function
tools. The raw body is kept for the agent log even when parsing fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import pydantic
from openai import AsyncOpenAI

from worker.errors import ConfigError
from worker.llm.types import LLMFailure, LLMRequest, LLMResponse, ToolCall
from worker.settings import Settings

TRANSIENT_STATUS = frozenset({408, 429})  # request timeout, rate limit; plus every 5xx
#: A prompt too big for the server: retrying the same prompt cannot help, whatever the status.
CONTEXT_TOO_LONG = re.compile(r"context[_ ](?:length|size|window)|maximum context|too many "
                              r"tokens|exceeds? the (?:available )?context", re.IGNORECASE)
#: Re-ask instructions: fixed words, never the exception (a small model repeats what it sees).
TOO_LONG = ("Your answer was cut off because it was too long. Answer again with the same JSON, "
            "much shorter: the reply under 320 characters.")
NOT_JSON = "Your answer was not the required JSON. Answer again with only the JSON object."


class _Ping(pydantic.BaseModel):
    """The probe's tool: call it with ok=true."""

    model_config = pydantic.ConfigDict(extra="forbid")
    ok: bool


class _Pong(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    answer: str


@dataclass(frozen=True)
class Capabilities:
    """What an endpoint really does with what the agents send it."""

    json_schema: bool
    tools: bool
    detail: str


class OpenAIProvider:
    name = "openai"

    def __init__(self, settings: Settings, http_client: httpx2.AsyncClient | None = None) -> None:
        if not (settings.openai_api_key or settings.openai_base_url):
            raise ConfigError(
                "TEXTCOACH_LLM_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL"
            )
        self.model_override = settings.openai_model
        self.client = AsyncOpenAI(
            # Local servers accept any key; the SDK insists on one.
            api_key=settings.openai_api_key or "not-needed",
            base_url=settings.openai_base_url,
            max_retries=0,
            timeout=30.0,
            http_client=http_client,
        )

    def serves(self, model: str) -> str:
        return f"{self.client.base_url}|{self.model_override or model}"

    async def close(self) -> None:
        await self.client.close()

    async def probe(self, model: str = "gpt-4.1-mini", timeout_s: float = 20.0) -> Capabilities:
        """Ask the endpoint for structured output and for a tool call, as the agents do. A
        chat template without tool support drops the tools silently, so this looks for the
        call coming back rather than for an error."""
        name = self.model_override or model
        notes: list[str] = []
        try:
            answered = await self.client.chat.completions.parse(
                model=name, timeout=timeout_s, max_completion_tokens=50,
                messages=[{"role": "user", "content": 'Answer with {"answer": "pong"}.'}],
                response_format=_Pong)
            json_schema = answered.choices[0].message.parsed is not None
        except Exception as exc:
            json_schema = False
            notes.append(f"structured output failed ({type(exc).__name__})")
        try:
            called = await self.client.chat.completions.create(
                model=name, timeout=timeout_s, max_completion_tokens=50,
                messages=[{"role": "user", "content": "Call the ping tool with ok=true."}],
                tools=[openai.pydantic_function_tool(_Ping, name="ping")],
                tool_choice={"type": "function", "function": {"name": "ping"}})
            tools = bool(called.choices and called.choices[0].message.tool_calls)
            if not tools:
                notes.append("the model answered without calling the tool")
        except Exception as exc:
            tools = False
            notes.append(f"tool call failed ({type(exc).__name__})")
        return Capabilities(json_schema, tools, "; ".join(notes) or "ok")

    async def complete(self, request: LLMRequest) -> LLMResponse:
        model = self.model_override or request.model
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": request.messages,
            "response_format": request.schema,
            "max_completion_tokens": request.max_output_tokens,
            "timeout": request.timeout_s,
        }
        if request.temperature is not None:
            kwargs["temperature"] = request.temperature
        if request.tools and request.allow_tools:
            kwargs["tools"] = [
                openai.pydantic_function_tool(t.args_model, name=t.name, description=t.description)
                for t in request.tools
            ]
        try:
            raw_response = await self.client.chat.completions.with_raw_response.parse(**kwargs)
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            raise LLMFailure(f"{type(exc).__name__}: {exc}", kind="transient") from exc
        except openai.APIStatusError as exc:
            text = _text(exc.response)
            transient = (exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500) and \
                not CONTEXT_TOO_LONG.search(f"{exc.message} {text or ''}")
            raise LLMFailure(
                f"HTTP {exc.status_code}: {exc.message}",
                kind="transient" if transient else "fatal",
                raw=text,
            ) from exc
        except openai.OpenAIError as exc:  # the SDK refusing before the call (closed client)
            raise LLMFailure(f"{type(exc).__name__}: {exc}", kind="fatal") from exc

        body = raw_response.http_response.text
        response = _usage_response(body, model)
        try:
            return _read(raw_response, response)
        except LLMFailure:
            raise
        except openai.LengthFinishReasonError as exc:
            raise LLMFailure("cut off at the token limit", kind="invalid", raw=response.raw,
                             response=response, reask=TOO_LONG) from exc
        except openai.ContentFilterFinishReasonError as exc:
            raise LLMFailure("stopped by the content filter", kind="fatal", raw=response.raw,
                             response=response) from exc
        except pydantic.ValidationError as exc:
            raise LLMFailure(_short(exc), kind="invalid", raw=response.raw, response=response,
                             reask=_reask_for(exc)) from exc
        except Exception as exc:
            # Any body the SDK cannot read (`[]`, "choices": "oops", no choices, tool
            # arguments that are not JSON): a failed call with its raw body, never a crash.
            raise LLMFailure(f"unreadable answer ({type(exc).__name__})", kind="invalid",
                             raw=response.raw, response=response, reask=NOT_JSON) from exc


def _read(raw_response: Any, response: LLMResponse) -> LLMResponse:
    completion = raw_response.parse()
    message = completion.choices[0].message
    if message.tool_calls:
        response.tool_calls = [
            ToolCall(id=call.id, name=call.function.name,
                     arguments=_arguments(call.function.arguments))
            for call in message.tool_calls
            if call.type == "function"
        ]
        # Only what the spec defines goes back on the wire (not the SDK's parsed_arguments).
        response.assistant_message = {
            "role": "assistant",
            "content": message.content,
            "tool_calls": [
                {"id": call.id, "type": "function",
                 "function": {"name": call.function.name,
                              "arguments": call.function.arguments or "{}"}}
                for call in message.tool_calls if call.type == "function"
            ],
        }
        return response
    if message.refusal:
        raise LLMFailure(f"refused: {message.refusal}", kind="fatal", raw=response.raw,
                         response=response)
    if message.parsed is None:
        raise LLMFailure("no structured output in the answer", kind="invalid",
                         raw=response.raw, response=response, reask=NOT_JSON)
    response.output = message.parsed
    return response


def _arguments(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        raise LLMFailure("tool arguments are not JSON", kind="invalid",
                         reask="Your tool call's arguments were not valid JSON. Call the tool "
                         "again with a JSON object of its arguments.") from None
    if not isinstance(found, dict):
        raise LLMFailure("tool arguments are not an object", kind="invalid",
                         reask="Your tool call's arguments must be a JSON object.")
    return found


def _usage_response(body: str, model: str) -> LLMResponse:
    """Raw content and token counts, read from the body even if parsing it fails."""
    response = LLMResponse(provider="openai", model=model, raw=body)
    try:
        data = json.loads(body)
    except ValueError:
        return response
    if not isinstance(data, dict):
        return response
    choices = data.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else {}
    message = (first.get("message") if isinstance(first, dict) else None) or {}
    if not isinstance(message, dict):
        message = {}
    content = message.get("content")
    if content is None and message.get("tool_calls"):
        content = json.dumps(message["tool_calls"])
    response.raw = content if isinstance(content, str) else body
    named = data.get("model")
    response.model = named if isinstance(named, str) and named else model
    found = data.get("usage")
    usage: dict[str, Any] = found if isinstance(found, dict) else {}
    response.prompt_tokens = _count(usage.get("prompt_tokens"))
    response.completion_tokens = _count(usage.get("completion_tokens"))
    prompt_details = usage.get("prompt_tokens_details")
    completion_details = usage.get("completion_tokens_details")
    if isinstance(prompt_details, dict):
        response.cached_tokens = _count(prompt_details.get("cached_tokens"))
    if isinstance(completion_details, dict):
        response.reasoning_tokens = _count(completion_details.get("reasoning_tokens"))
    return response


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None


def _text(response: Any) -> str | None:
    try:
        return str(response.text)
    except Exception:
        return None


def _reask_for(exc: pydantic.ValidationError) -> str:
    """Which fields were missing or wrong, by name (our schema's names, nothing else)."""
    fields = sorted({".".join(str(p) for p in e["loc"]) or "the object" for e in exc.errors()})
    return (f"Your answer did not match the required JSON schema (check: {', '.join(fields)}). "
            "Answer again with only the JSON object.")


def _short(exc: Exception) -> str:
    if isinstance(exc, pydantic.ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'output'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)
