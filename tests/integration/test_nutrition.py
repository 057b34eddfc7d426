"""Nutrition targets by text on real PostgreSQL: webhook -> worker -> coach (offline provider)
-> ``nutrition_targets`` -> ``nutrition_plans``, and targets following a new weight or goal."""

from __future__ import annotations

import uuid
from uuid import UUID

import asyncpg

from tests.conftest import RunWorker, SendText, athlete_with_profile, last_reply, offline_runtime
from worker.agents.plans import build_plan
from worker.agents.toolbase import ToolContext
from worker.agents.tools import TOOLS
from worker.coach.results import NutritionTargets
from worker.db.queries import sql

PHONE = "+13125550177"


async def _active_athlete(pool: asyncpg.Pool, goal: str = "fat_loss") -> UUID:
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[],
                                         phone=PHONE, goal=goal)
    await pool.execute("UPDATE users SET units = 'metric' WHERE id = $1", user_id)
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    return user_id


async def test_protein_question_after_a_weigh_in_answers_in_grams_and_follows_new_weights(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    user_id = await _active_athlete(pool)
    await send_text(PHONE, "how much protein should I eat?")
    await run_worker()
    assert "body weight first" in await last_reply(pool, user_id)
    assert await pool.fetch(sql("nutrition_plan_history"), user_id) == []

    await send_text(PHONE, "weighed 80kg this morning")
    await run_worker()
    await send_text(PHONE, "how much protein should I eat?")
    await run_worker()
    reply = await last_reply(pool, user_id)
    # 80 kg, 3 days, fat loss: 1,900 kcal and 2.0 g/kg = 160 g (tests/unit/test_nutrition.py).
    assert "About 1,900 kcal and 160 g protein a day (Mifflin-St Jeor" in reply, reply
    assert "dietitian" in reply
    [first] = await pool.fetch(sql("nutrition_plan_history"), user_id)
    assert (first["status"], first["calories"], first["protein_g"]) == ("active", 1900, 160)
    assert first["details"]["inputs"]["weight_kg"] == 80
    assert first["details"]["formula"] == "Mifflin-St Jeor"

    # Asking again with nothing changed writes nothing.
    await send_text(PHONE, "calories?")
    await run_worker()
    assert "1,900 kcal" in await last_reply(pool, user_id)
    assert len(await pool.fetch(sql("nutrition_plan_history"), user_id)) == 1

    # A new weight: the targets follow it, the old row is kept as superseded.
    await send_text(PHONE, "scale said 76 today!")
    await run_worker()
    old, new = await pool.fetch(sql("nutrition_plan_history"), user_id)
    assert (old["id"], old["status"]) == (first["id"], "superseded")
    assert new["status"] == "active" and new["details"]["inputs"]["weight_kg"] == 76
    assert new["protein_g"] == 150  # 2.0 x 76 = 152 -> 150
    active = await pool.fetchrow(sql("active_nutrition_plan"), user_id)
    assert active is not None and active["id"] == new["id"]


async def test_the_tool_refuses_for_a_condition_and_retires_old_targets(
    pool: asyncpg.Pool,
) -> None:
    user_id = await _active_athlete(pool, goal="hypertrophy")
    await pool.execute(sql("insert_metric"), user_id, "body_weight", 176.0, "lb",
                       await pool.fetchval("SELECT now()"), {}, None)
    ctx = ToolContext(pool, user_id, "America/Chicago")
    tool = TOOLS["nutrition_targets"]
    result = await tool.handler(ctx, tool.args_model(meal_plan_asked=True))
    assert isinstance(result, NutritionTargets) and result.given
    assert result.protein_g == 145  # 1.8 g/kg x 79.8 kg
    assert "No meal plans" in result.text
    await pool.execute(
        "UPDATE fitness_profiles SET injuries = $2 WHERE user_id = $1", user_id,
        [{"area": "core", "note": "pregnant, second trimester", "status": "condition"}])
    refused = await tool.handler(ctx, tool.args_model(meal_plan_asked=False))
    assert isinstance(refused, NutritionTargets) and not refused.given
    assert refused.refused == "medical" and "registered dietitian" in refused.text
    assert await pool.fetchrow(sql("active_nutrition_plan"), user_id) is None
