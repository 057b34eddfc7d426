"""Nutrition targets kept with the athlete's record: computed by :mod:`worker.domain.nutrition`
from the profile and the latest body weight, stored in ``nutrition_plans``.

Targets are recomputed whenever they are read: when the inputs (weight, goal, training days,
age) differ from the active row's, a new active row supersedes the old in one statement, so the
history shows every change and an unchanged read writes nothing. A new body weight or goal also
refreshes targets the athlete already has (:func:`refresh_if_active`).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from worker.coach.results import NutritionTargets
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.nutrition import Inputs, Refusal, compute, targets_text, to_kg
from worker.domain.profile import Profile


def profile_text(profile: Profile) -> str:
    """The profile's free text, where a condition would be named."""
    parts = [i.area + " " + i.note for i in profile.injuries]
    parts += profile.goals
    parts += [profile.summary or ""]
    return " ".join(parts)


async def _inputs(conn: Conn, user_id: UUID) -> tuple[Inputs, str]:
    profile = await latest_profile(conn, user_id) or Profile()
    row = await conn.fetchrow(sql("nutrition_inputs"), user_id)
    weight = None
    if row is not None and row["weight"] is not None:
        weight = to_kg(float(row["weight"]), row["weight_unit"], row["units"] or "metric")
    days = len(profile.training_days) or profile.days_per_week
    inputs = Inputs(weight_kg=weight, age=profile.age, training_days=days,
                    goal=profile.primary_goal)
    return inputs, profile_text(profile)


async def nutrition_targets(
    conn: Conn, user_id: UUID, today: date, *, meal_plan_asked: bool = False
) -> NutritionTargets:
    """The athlete's targets now, stored as the active row when their inputs changed (call in
    a transaction)."""
    inputs, text = await _inputs(conn, user_id)
    targets = compute(inputs, text)
    if isinstance(targets, Refusal):
        if targets.reason != "no_body_weight":
            await conn.execute(sql("retire_nutrition_plan"), user_id, today, targets.reason)
        return NutritionTargets(given=False, text=targets.message, refused=targets.reason)
    said = targets_text(targets, inputs, meal_plan_asked=meal_plan_asked)
    details = {"inputs": inputs.as_dict(), "formula": targets.formula,
               "protein_per_kg": targets.protein_per_kg, "carbs_g": list(targets.carbs_g),
               "fat_g": list(targets.fat_g), "resting_kcal": targets.resting_kcal,
               "maintenance_kcal": targets.maintenance_kcal,
               "activity_factor": targets.activity_factor, "adjustment": targets.adjustment,
               "assumptions": list(targets.assumptions)}
    stored = await conn.fetchval(
        sql("store_nutrition_plan"), user_id, targets.calories, targets.protein_g,
        sum(targets.carbs_g) // 2, sum(targets.fat_g) // 2,
        targets_text(targets, inputs), details, today)
    return NutritionTargets(
        given=True, text=said, calories=targets.calories, protein_g=targets.protein_g,
        protein_per_kg=targets.protein_per_kg, carbs_g=list(targets.carbs_g),
        fat_g=list(targets.fat_g), formula=targets.formula,
        assumptions=list(targets.assumptions), recalculated=stored is not None)


async def refresh_if_active(conn: Conn, user_id: UUID, today: date) -> bool:
    """A new body weight or goal: targets the athlete already has are computed again (none are
    made for someone who never asked). True when a new row was written."""
    if await conn.fetchrow(sql("active_nutrition_plan"), user_id) is None:
        return False
    return (await nutrition_targets(conn, user_id, today)).recalculated
