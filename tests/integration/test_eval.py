"""``textcoach eval``: scenarios played k times by a simulated athlete, judged, pass^k."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from tests.integration.test_agent_runtime import completion
from worker.cli.evalcmd import run_evals
from worker.llm.openai_provider import OpenAIProvider
from worker.replay.evaluate import pass_k, summary
from worker.replay.scenario import Scenario
from worker.settings import Settings

SCENARIO = Scenario.model_validate({
    "name": "eval-hello",
    "persona": {"phone": "+13125550188",
                "description": "a 30-year-old nurse who lifts at a gym, texts briefly"},
    "steps": [
        {"at": "2026-03-02 09:00 America/Chicago"},
        {"text": "hi"},
        {"text": "I want to get stronger, 3 days a week, full gym",
         "expect": {"reply_not_matches": "(?i)didn't catch"}},
    ],
})


class FakeModel:
    """One OpenAI-compatible server for the coach, the simulated athlete and the judge."""

    def __init__(self, verdict: bool) -> None:
        self.verdict = verdict
        self.athlete_prompts: list[str] = []
        self.judged = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        prompt = body["messages"][-1]["content"]
        content: dict[str, Any]
        if "You are playing this person" in prompt:
            self.athlete_prompts.append(prompt)
            scripted = json.loads(prompt.split("was going to be: ", 1)[1].split("\n", 1)[0])
            content = {"text": f"{scripted} :)"}
        elif "senior strength coach" in prompt:
            self.judged += 1
            content = {"passed": self.verdict,
                       "reasons": [] if self.verdict else ["the coach ignored the question"]}
        else:
            content = {"reply": "Got it. What equipment do you have?"}
        return httpx2.Response(200, json=completion(json.dumps(content)))


async def test_offline_eval_plays_the_script_and_scores_every_trial(
    pg_url: str, redis_url: str, settings: Settings
) -> None:
    offline = settings.model_copy(update={"inbox_debounce_seconds": 0.0,
                                          "llm_provider": "offline"})
    from worker.llm.offline import OfflineProvider

    evals = await run_evals([SCENARIO], offline, pg_url, redis_url, OfflineProvider(), k=2)
    assert len(evals[0].trials) == 2 and pass_k(evals) == 1.0
    assert all(t.verdict is None for t in evals[0].trials)
    assert "pass^2: 1.00" in summary(evals, 2, judged=False)[-1]


async def test_model_eval_simulates_the_athlete_and_judges_each_trial(
    pg_url: str, redis_url: str, settings: Settings
) -> None:
    model = settings.model_copy(update={
        "inbox_debounce_seconds": 0.0, "llm_provider": "openai",
        "openai_api_key": "sk-test", "openai_base_url": "http://llm.test/v1"})
    for verdict, expected in ((True, 1.0), (False, 0.0)):
        fake = FakeModel(verdict)
        provider = OpenAIProvider(model, http_client=httpx2.AsyncClient(
            transport=httpx2.MockTransport(fake)))
        evals = await run_evals([SCENARIO], model, pg_url, redis_url, provider, k=2)
        assert pass_k(evals) == expected
        assert fake.judged == 2 and len(fake.athlete_prompts) == 4
        said = [line.text for line in evals[0].trials[0].outcome.transcript
                if line.who == "athlete"]
        assert said == ["hi :)", "I want to get stronger, 3 days a week, full gym :)"]
        assert "a 30-year-old nurse" in fake.athlete_prompts[0]
        if not verdict:
            assert any("judge: the coach ignored the question" in line
                       for line in summary(evals, 2, judged=True))
