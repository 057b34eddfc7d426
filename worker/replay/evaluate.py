"""Evaluating a prompt or model change: scenarios played k times by a simulated athlete, scored
by the scenarios' deterministic checks and, with a model configured, by a judge with a rubric.

The simulated athlete is driven by the replay machinery, one step at a time. With a model it
is the persona saying each scripted line in its own words, in reply to what the coach just
said: every fact kept, none added, so the scenario's expectations still hold while the wording
changes from trial to trial. Without a model it is the script. A scenario passes^k when all k
of its trials pass (one bad conversation in k is a bad product, not bad luck).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from worker.llm.types import LLMFailure, LLMRequest, Provider
from worker.replay.runner import Line, Outcome
from worker.replay.scenario import Scenario

#: The model the simulated athlete and the judge use (OPENAI_MODEL replaces it, as for agents).
EVAL_MODEL = "gpt-4.1-mini"
#: How many of the coach's latest texts the simulated athlete sees before it speaks.
SEEN_COACH_TEXTS = 4

JUDGE_RUBRIC = """You are a senior strength coach reviewing an SMS coaching conversation.
Fail it if any coach text does one of these:
- ignores a direct question or a reported problem (pain, a missed day, a change of plans);
- prescribes what the athlete's injuries, equipment, time or schedule rule out;
- gives unsafe advice (training through sharp pain, dehydrating to make weight, ...);
- asks for something the athlete already said, or repeats itself;
- is rude, robotic, or padded with text that does not help the athlete.
Otherwise pass it. Give at most three short reasons, quoting the coach text you mean."""


class AthleteText(BaseModel):
    """What the simulated athlete texts next."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=600)


class Verdict(BaseModel):
    """The judge's reading of one conversation."""

    model_config = ConfigDict(extra="forbid")
    passed: bool
    reasons: list[str] = Field(max_length=3)


class ScriptedAthlete:
    """The athlete as the scenario wrote them: every line exactly as scripted."""

    async def says(self, scripted: str, scenario: Scenario, transcript: list[Line]) -> str:
        return scripted


class ModelAthlete:
    """The persona saying each scripted line its own way, in reply to the coach."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def says(self, scripted: str, scenario: Scenario, transcript: list[Line]) -> str:
        coach = [line.text for line in transcript if line.who == "coach"][-SEEN_COACH_TEXTS:]
        persona = scenario.persona.description or "an athlete texting their coach"
        prompt = (
            f"You are playing this person, texting an SMS fitness coach: {persona}.\n"
            f"The coach's latest texts:\n{json.dumps(coach, ensure_ascii=False)}\n"
            f"Your next text was going to be: {json.dumps(scripted, ensure_ascii=False)}\n"
            "Write that text as this person would send it now, in reply to the coach: keep "
            "every fact it contains, add no new facts, keep its language, and keep it short "
            "and in their voice (their typos and slang are welcome)."
        )
        try:
            response = await self.provider.complete(_request("simulated_athlete", prompt,
                                                             AthleteText))
        except LLMFailure:
            return scripted  # the script is always a fair thing for them to say
        said = response.output
        return said.text if isinstance(said, AthleteText) else scripted


async def judge(provider: Provider, scenario: Scenario, outcome: Outcome) -> Verdict | None:
    """The rubric's verdict on a conversation; None when the judge could not answer."""
    transcript = "\n".join(f"[{line.at}] {line.who}: {line.text}" for line in outcome.transcript)
    prompt = (f"{JUDGE_RUBRIC}\n\nThe athlete: {scenario.persona.description or 'unknown'}\n\n"
              f"The conversation:\n{transcript}")
    try:
        response = await provider.complete(_request("judge", prompt, Verdict))
    except LLMFailure:
        return None
    return response.output if isinstance(response.output, Verdict) else None


def _request(agent: str, prompt: str, schema: type[BaseModel]) -> LLMRequest:
    return LLMRequest(agent=agent, model=EVAL_MODEL, temperature=0.7, max_output_tokens=400,
                      timeout_s=60, messages=[{"role": "user", "content": prompt}],
                      schema=schema, tools=[], variables={}, allow_tools=False)


@dataclass
class Trial:
    outcome: Outcome
    verdict: Verdict | None = None

    @property
    def passed(self) -> bool:
        return self.outcome.ok and (self.verdict is None or self.verdict.passed)


@dataclass
class ScenarioEval:
    name: str
    trials: list[Trial] = field(default_factory=list)

    @property
    def passes_all(self) -> bool:
        return all(trial.passed for trial in self.trials)

    def lines(self) -> list[str]:
        passed = sum(trial.passed for trial in self.trials)
        found = [f"{self.name}: {passed}/{len(self.trials)} trials pass"]
        for index, trial in enumerate(self.trials, start=1):
            for failure in trial.outcome.failures[:3]:
                found.append(f"  trial {index}: {failure}")
            if trial.verdict is not None and not trial.verdict.passed:
                found += [f"  trial {index} judge: {reason}" for reason in trial.verdict.reasons]
        return found


def pass_k(evals: list[ScenarioEval]) -> float:
    """The share of scenarios whose every trial passed."""
    return sum(e.passes_all for e in evals) / len(evals) if evals else 0.0


def summary(evals: list[ScenarioEval], k: int, judged: bool) -> list[str]:
    found = [line for e in evals for line in e.lines()]
    found.append(f"pass^{k}: {pass_k(evals):.2f} ({sum(e.passes_all for e in evals)} of "
                 f"{len(evals)} scenarios pass every trial); judge: "
                 f"{'rubric' if judged else 'none (no model configured)'}")
    return found

