"""`textcoach run` pointed at an OpenAI-compatible server by OPENAI_BASE_URL, end to end.

The server is a tiny local HTTP app speaking the chat-completions protocol (as vLLM, Ollama or
llama.cpp's server do); the product reaches it over real HTTP through the openai SDK, and the
turn's trace is then read back with `textcoach logs show`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.acceptance.test_run_and_text import _textcoach
from tests.processes import clean_env, free_port

SEEN: list[dict[str, Any]] = []


async def chat_completions(request: Request) -> JSONResponse:
    """Answers like a model: a weigh-in gets a log_metric tool call first (as a model with
    tools would make it), then, and to everything else, a structured reply."""
    body = await request.json()
    SEEN.append(body)
    last = body["messages"][-1]
    message: dict[str, Any] = {"role": "assistant", "refusal": None, "content": json.dumps(
        {"reply": "Hi from the model! What should I call you?"})}
    if last["role"] == "user" and "weighed" in str(last["content"]) and body.get("tools"):
        message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [{
            "id": "call_weigh", "type": "function", "function": {
                "name": "log_metric",
                "arguments": json.dumps({"metric": "body_weight", "value": 81.5,
                                         "unit": "kg"})}}]}
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return JSONResponse({
        "id": "chatcmpl-local", "object": "chat.completion", "created": 1, "model": body["model"],
        "choices": [{"index": 0, "finish_reason": finish, "logprobs": None, "message": message}],
        "usage": {"prompt_tokens": 321, "completion_tokens": 17, "total_tokens": 338},
    })


@pytest.fixture(scope="module")
def llm_server() -> Iterator[str]:
    port = free_port()
    app = Starlette(routes=[Route("/v1/chat/completions", chat_completions, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_turn_through_an_openai_compatible_server(
    llm_server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp_path: Path = tmp_path_factory.mktemp("openai-product")
    port = free_port()
    env = clean_env(TEXTCOACH_DATA_DIR=str(tmp_path / "data"), TEXTCOACH_WEB_PORT=str(port),
                    OPENAI_BASE_URL=llm_server, OPENAI_MODEL="local-model")
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "worker", "run"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert time.monotonic() < deadline, "textcoach run never became healthy"
            time.sleep(0.2)

        texted = _textcoach(env, "text", "+15551239000", "hey coach {{ 7*7 }}")
        assert "coach: Hi from the model! What should I call you?" in texted.stdout
        assert SEEN[-1]["model"] == "local-model"
        assert "hey coach {{ 7*7 }}" in SEEN[-1]["messages"][-1]["content"]

        trace = _textcoach(env, "logs", "traces", "--limit", "1").stdout.split()[0]
        shown = _textcoach(env, "logs", "show", trace).stdout
        assert "coach v1 [ok] openai/local-model" in shown
        assert "tokens 321 in / 17 out" in shown
        assert "hey coach {{ 7*7 }}" in shown
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_a_replay_against_an_openai_compatible_model(
    llm_server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`replay --llm openai` sends every step's turn to the configured model, not offline
    (each step runs its own worker on the one provider, which must outlive them all)."""
    tmp_path: Path = tmp_path_factory.mktemp("openai-replay")
    scenario = tmp_path / "hello.yaml"
    scenario.write_text(
        "name: hello-model\npersona: {phone: '+13125550177'}\nsteps:\n"
        "  - at: 2026-03-02 09:00 America/Chicago\n"
        "  - text: hi\n    expect: {reply_contains: 'Hi from the model'}\n"
        "  - advance: 5m\n"
        "  - text: weighed 81.5kg this morning\n"
        "    expect: {reply_contains: 'Hi from the model', metric: {body_weight: 81.5}}\n"
        "  - advance: 1h\n"
        "  - text: 3 days a week, dumbbells\n"
        "    expect: {reply_contains: 'Hi from the model'}\n", encoding="utf-8")
    env = clean_env(OPENAI_BASE_URL=llm_server, OPENAI_MODEL="local-model",
                    OPENAI_API_KEY="local")
    seen_before = len(SEEN)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "worker", "replay", "--llm", "openai", "--json", str(scenario)],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    coach = [line["text"] for line in report[0]["transcript"] if line["who"] == "coach"]
    assert sum("Hi from the model" in text for text in coach) == 3, coach
    assert len(SEEN) > seen_before
    assert {body["model"] for body in SEEN[seen_before:]} == {"local-model"}
    # The tool call ran and its result went back, with only spec fields on the wire.
    after_tool = [b for b in SEEN[seen_before:] if b["messages"][-1]["role"] == "tool"]
    assert after_tool and "body_weight" in after_tool[0]["messages"][-1]["content"]
    assert set(after_tool[0]["messages"][-2]["tool_calls"][0]["function"]) == {
        "name", "arguments"}
