"""Nutrition targets (pure): the numbers by hand, the assumptions said, the refusals, and the
offline reader's calls for food questions."""

from __future__ import annotations

import pytest

from worker.domain.nutrition import (
    NOT_A_DIETITIAN,
    Inputs,
    Refusal,
    Targets,
    compute,
    targets_text,
    to_kg,
)
from worker.llm.offline.intents import nutrition_plan
from worker.llm.offline.read.text import prepare, turn_languages


def _targets(inputs: Inputs, profile_text: str = "") -> Targets:
    found = compute(inputs, profile_text)
    assert isinstance(found, Targets), found
    return found


def test_fat_loss_with_everything_assumed_but_weight() -> None:
    # 80 kg, age 30 and 170 cm assumed, sex averaged (-78): 800 + 1062.5 - 150 - 78 = 1634.5;
    # 3 days -> x1.375 = 2247.4; -15% = 1910.3 -> 1900 kcal. Protein 2.0 g/kg = 160 g.
    # Fat 20-35% of 1900 = 42.2-73.9 g -> 40-75 g; carbs (1900-640-675)/4 = 146 -> 145 ..
    # (1900-640-360)/4 = 225.
    t = _targets(Inputs(weight_kg=80, training_days=3, goal="fat_loss"))
    assert (t.resting_kcal, t.maintenance_kcal, t.calories) == (1634, 2247, 1900)
    assert (t.protein_g, t.protein_per_kg) == (160, 2.0)
    assert t.fat_g == (40, 75)
    assert t.carbs_g == (145, 225)
    assert t.formula == "Mifflin-St Jeor"
    assert t.assumptions == ("age 30", "170 cm", "sex averaged")


def test_hypertrophy_with_a_stated_age_builds_a_small_surplus() -> None:
    # 70 kg, 25, female constant -161, 170 cm assumed: 700 + 1062.5 - 125 - 161 = 1476.5;
    # 5 days -> x1.55 = 2288.6; +10% = 2517.5 -> 2500 kcal. Protein 1.8 x 70 = 126 -> 125 g.
    t = _targets(Inputs(weight_kg=70, age=25, sex="female", training_days=5,
                        goal="hypertrophy"))
    assert (t.calories, t.protein_g, t.adjustment) == (2500, 125, 0.10)
    assert t.fat_g == (55, 95)  # 55.6, 97.2 rounded to 5 g
    assert t.assumptions == ("170 cm",)


def test_maintenance_for_general_fitness_and_unknown_days() -> None:
    # 60 kg, 40, male (+5), 180 cm: 600 + 1125 - 200 + 5 = 1530; days assumed 3 -> 2103.75
    # -> 2100 kcal at maintenance. Protein 1.6 x 60 = 96 -> 95 g.
    t = _targets(Inputs(weight_kg=60, age=40, sex="male", height_cm=180,
                        goal="general_fitness"))
    assert (t.calories, t.protein_g, t.adjustment) == (2100, 95, 0.0)
    assert t.assumptions == ("3 training days",)


def test_the_text_states_formula_assumptions_and_fits_two_sms() -> None:
    inputs = Inputs(weight_kg=80, training_days=3, goal="fat_loss")
    text = targets_text(_targets(inputs), inputs)
    assert text.startswith("About 1,900 kcal and 160 g protein a day (Mifflin-St Jeor, 3 "
                           "training days, a ~15% deficit for fat loss, 2 g/kg protein; I "
                           "assumed age 30, 170 cm, sex averaged).")
    assert "Carbs 145-225 g, fat 40-75 g." in text and text.endswith(NOT_A_DIETITIAN)
    assert len(text) <= 306, len(text)
    with_meal_plan = targets_text(_targets(inputs), inputs, meal_plan_asked=True)
    assert "No meal plans" in with_meal_plan and len(with_meal_plan) <= 360


@pytest.mark.parametrize(("inputs", "profile_text", "reason"), [
    (Inputs(weight_kg=None), "", "no_body_weight"),
    (Inputs(weight_kg=55, age=16), "", "under_18"),
    (Inputs(weight_kg=70), "core pregnant, 20 weeks", "medical"),
    (Inputs(weight_kg=70), "recovering from an eating disorder", "medical"),
    (Inputs(weight_kg=90), "kidney stage 3 CKD", "medical"),
    (Inputs(weight_kg=90), "type 1 diabetic", "medical"),
])
def test_refusals_say_why_and_who_to_see(inputs: Inputs, profile_text: str, reason: str) -> None:
    found = compute(inputs, profile_text)
    assert isinstance(found, Refusal) and found.reason == reason
    if reason in ("under_18", "medical"):
        assert "registered dietitian or your doctor" in found.message


def test_weights_in_pounds_are_converted() -> None:
    assert to_kg(176, "lb") == pytest.approx(79.83, abs=0.01)
    assert to_kg(176, None, "imperial") == pytest.approx(79.83, abs=0.01)
    assert to_kg(80, None, "metric") == 80


def _plan(text: str) -> list[tuple[str, dict[str, object]]]:
    return nutrition_plan(prepare(text, turn_languages([text]), drop_rejected=False))


@pytest.mark.parametrize("text", [
    "how much protein should I eat?", "what should I eat", "calories?",
    "how many calories to lose weight", "cuánta proteína", "wie viel Eiweiß",
    "whats my calorie target", "weighed 80kg this morning, how much protein should i be eating",
])
def test_food_questions_ask_for_the_targets(text: str) -> None:
    assert _plan(text) == [("nutrition_targets", {"meal_plan_asked": False})]


def test_a_meal_plan_asks_for_the_targets_and_says_none_is_written() -> None:
    assert _plan("give me a meal plan") == [("nutrition_targets", {"meal_plan_asked": True})]


@pytest.mark.parametrize("text", [
    "ate a ton of protein today lol", "had a protein shake after", "I eat clean mostly",
    "what should i eat before a workout?", "calories burned today 500",
    "what should i eat before a long run", "do i need protien powder or can i just eat alot",
])
def test_food_talk_that_asks_for_no_numbers_calls_nothing(text: str) -> None:
    assert _plan(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("ugh fine. weighed myself this morning, 84.5kg 😬", 84.5),
    ("weighed myself today 180", 180.0),
])
def test_a_weigh_in_with_myself_is_read(text: str, value: float) -> None:
    from worker.llm.offline.read.body import read_body_weight

    weight = read_body_weight(text, default_unit="kg")
    assert weight is not None and weight.value == value
