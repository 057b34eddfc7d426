"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp's server) via the SDK.

The SDK's own retries are off (``max_retries=0``): the runtime's tenacity loop owns retrying,
so one failed HTTP call is one logged attempt. Structured output goes through
``chat.completions.parse`` with the agent's pydantic schema; tools are strict pydantic function
tools. The raw body is kept for the agent log even when parsing fails.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pydantic
from openai import AsyncOpenAI

from worker.errors import ConfigError
from worker.llm.types import LLMFailure, LLMRequest, LLMResponse, ToolCall
from worker.settings import Settings

TRANSIENT_STATUS = frozenset({408, 429})  # request timeout, rate limit; plus every 5xx


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

    async def close(self) -> None:
        await self.client.close()

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
            transient = exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500
            raise LLMFailure(
                f"HTTP {exc.status_code}: {exc.message}",
                kind="transient" if transient else "fatal",
                raw=_text(exc.response),
            ) from exc

        body = raw_response.http_response.text
        response = _usage_response(body, model)
        try:
            completion = raw_response.parse()
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as exc:
            raise LLMFailure(str(exc), kind="invalid", raw=response.raw, response=response) \
                from exc
        except (pydantic.ValidationError, ValueError) as exc:
            raise LLMFailure(_short(exc), kind="invalid", raw=response.raw, response=response) \
                from exc

        message = completion.choices[0].message
        if message.tool_calls:
            response.tool_calls = [
                ToolCall(
                    id=call.id,
                    name=call.function.name,
                    arguments=json.loads(call.function.arguments or "{}"),
                )
                for call in message.tool_calls
                if call.type == "function"
            ]
            response.assistant_message = message.model_dump(
                include={"role", "content", "tool_calls"}, exclude_none=True
            )
            return response
        if message.refusal:
            raise LLMFailure(f"refused: {message.refusal}", kind="invalid", raw=response.raw,
                             response=response)
        if message.parsed is None:
            raise LLMFailure("no structured output in the answer", kind="invalid",
                             raw=response.raw, response=response)
        response.output = message.parsed
        return response


def _usage_response(body: str, model: str) -> LLMResponse:
    """Raw content and token counts, read from the body even if parsing it fails."""
    response = LLMResponse(provider="openai", model=model, raw=body)
    try:
        data = json.loads(body)
    except ValueError:
        return response
    choices = data.get("choices") or [{}]
    message = choices[0].get("message") or {}
    content = message.get("content")
    if content is None and message.get("tool_calls"):
        content = json.dumps(message["tool_calls"])
    response.raw = content if isinstance(content, str) else body
    response.model = data.get("model") or model
    usage = data.get("usage") or {}
    response.prompt_tokens = usage.get("prompt_tokens")
    response.completion_tokens = usage.get("completion_tokens")
    response.cached_tokens = (usage.get("prompt_tokens_details") or {}).get("cached_tokens")
    response.reasoning_tokens = (usage.get("completion_tokens_details") or {}).get(
        "reasoning_tokens"
    )
    return response


def _text(response: Any) -> str | None:
    try:
        return str(response.text)
    except Exception:
        return None


def _short(exc: Exception) -> str:
    if isinstance(exc, pydantic.ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'output'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)
