"""One contract, two providers: every agent, run through the runtime, answers its schema.

The offline coach and an OpenAI-compatible server (scripted through httpx2.MockTransport) are
held to the same assertions: a valid output of the agent's schema, and a complete agent_logs row.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx2
import pytest

from tests.conftest import athlete_with_profile, offline_runtime
from tests.integration.test_agent_runtime import ScriptedLLM, completion
from worker.agents.context import athlete_context
from worker.agents.plans import build_plan, plan_variables, week_inputs
from worker.agents.runtime import Call, Runtime
from worker.agents.schemas import SCHEMAS
from worker.db.queries import sql
from worker.domain.workouts import DayPlan, WeekPlan
from worker.llm.offline import OfflineProvider
from worker.llm.openai_provider import OpenAIProvider
from worker.llm.types import Provider
from worker.settings import Settings

AGENTS = {
    "coach": "CoachReply",
    "profile_extractor": "ProfileUpdate",
    "plan_generator": "PlanOutline",
    "week_generator": "WeekPlan",
    "daily_message": "DailyMessage",
}

REST = {"title": "Rest", "focus": "recovery", "is_rest_day": True, "estimated_minutes": 0,
        "blocks": []}
CANNED: dict[str, dict[str, Any]] = {
    "CoachReply": {"reply": "Nice work today."},
    "ProfileUpdate": {
        "name": "Maya", "primary_goal": "strength", "goal_detail": "get stronger",
        "experience": "beginner", "days_per_week": 3, "session_minutes": 45,
        "equipment": ["dumbbell"], "training_location": "home", "injuries": [],
        "training_days": None, "timezone": None, "send_time": None, "units": None,
    },
    "PlanOutline": {
        "title": "Strength", "goal": "strength", "weeks": 12, "training_days": [1, 3, 5],
        "phases": [{"name": "Base", "focus": "technique", "weeks": 4, "deload_week": 4}],
        "summary": "Three phases, lighter every 4th week.",
    },
    "WeekPlan": {
        "theme": "Build", "is_deload": False, "target_rir": 2,
        "days": [{"weekday": d, **REST} for d in range(1, 8)],
    },
    "DailyMessage": {"message": "Morning! Full body A today. Reply done when finished."},
}


async def _variables(pool: asyncpg.Pool, agent: str) -> tuple[dict[str, Any], Call]:
    """The variables each agent is really given, from the builders the jobs use."""
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell", "bench"],
                                         injuries=["knee"], goal="strength", name="Maya",
                                         timezone="America/New_York")
    await pool.execute(
        "WITH c AS (INSERT INTO conversations (user_id) VALUES ($1) RETURNING id)"
        " INSERT INTO messages (user_id, conversation_id, direction, body, from_number,"
        " to_number, provider_sid, status) SELECT $1, c.id, 'inbound', $2, '+15552220000',"
        " '+15550000100', $3, 'received' FROM c",
        user_id, "Did it! squats felt heavy", f"SM{uuid.uuid4().hex}")
    async with pool.acquire() as conn:
        if agent == "plan_generator":
            variables, _, _ = await plan_variables(conn, user_id, date(2026, 3, 2))
        elif agent == "week_generator":
            await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
            await pool.execute("UPDATE microcycles SET status = 'planned' WHERE user_id = $1",
                               user_id)
            week = await conn.fetchrow(
                sql("microcycle_to_write"),
                await conn.fetchval("SELECT id FROM microcycles WHERE user_id = $1"
                                    " AND week_index = 1", user_id))
            variables = (await week_inputs(conn, week)).variables
        else:
            inbox = await conn.fetch("SELECT id, body, created_at FROM messages"
                                     " WHERE user_id = $1", user_id)
            variables = (await athlete_context(conn, user_id, inbox)).variables()
    trace = uuid.uuid4()
    return variables, Call(user_id=user_id, trace_id=trace, timezone="America/New_York")


def _provider(kind: str, schema: str) -> Provider:
    if kind == "offline":
        return OfflineProvider()
    llm = ScriptedLLM(completion(json.dumps(CANNED[schema])))
    settings = Settings(openai_api_key="sk-test", database_url=None, redis_url=None)
    return OpenAIProvider(settings, http_client=httpx2.AsyncClient(
        transport=httpx2.MockTransport(llm)))


@pytest.mark.parametrize("kind", ["offline", "openai"])
@pytest.mark.parametrize("agent", sorted(AGENTS))
async def test_every_agent_answers_its_schema(pool: asyncpg.Pool, kind: str, agent: str) -> None:
    schema = AGENTS[agent]
    variables, call = await _variables(pool, agent)
    provider = _provider(kind, schema)
    runtime = Runtime(pool, provider, OfflineProvider(), attempts=1, retry_wait_s=0)
    run = await runtime.run(agent, call, variables)
    assert isinstance(run.output, SCHEMAS[schema])
    assert run.status == "ok"
    assert run.provider == kind
    rows = await pool.fetch("SELECT * FROM agent_logs WHERE trace_id = $1 ORDER BY attempt",
                            call.trace_id)
    final = rows[-1]
    assert final["agent_name"] == agent and final["status"] == "ok"
    assert final["provider"] == kind
    assert final["parsed_output"] == run.output.model_dump(mode="json")
    assert final["rendered_messages"][0]["role"] == "system"
    assert final["user_id"] == call.user_id


async def test_offline_week_respects_equipment_injuries_and_days(pool: asyncpg.Pool) -> None:
    variables, call = await _variables(pool, "week_generator")
    runtime = Runtime(pool, OfflineProvider(), OfflineProvider(), attempts=1)
    run = await runtime.run("week_generator", call, variables)
    assert isinstance(run.output, WeekPlan)
    allowed = {c["slug"] for c in variables["candidates"]}
    training: list[DayPlan] = [d for d in run.output.days if not d.is_rest_day]
    assert sorted(d.weekday for d in training) == [1, 3, 5]
    used = {e.exercise for d in training for b in d.blocks for e in b.exercises}
    assert used and used <= allowed
    knee = await pool.fetch("SELECT slug FROM exercises WHERE contraindications && '{knee}'")
    assert not used & {r["slug"] for r in knee}
