"""Daily nutrition targets from the profile, the latest body weight and the goal.

Pure and typed: the coach tool (and through it both providers) reads the record, this module
decides. The numbers come from a stated formula (Mifflin-St Jeor resting energy times an
activity factor from training days, then a goal adjustment) and every input the athlete has not
told us is an assumption said out loud. Some athletes get no numbers at all: no body weight yet,
under 18, or a profile that mentions a condition where a diet is a medical matter (pregnancy,
an eating disorder, kidney disease, diabetes...); they are pointed to a registered dietitian or
their doctor. No meal plans, ever: targets only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Sex = Literal["male", "female"]
RefusalReason = Literal["no_body_weight", "under_18", "medical"]

FORMULA: Final = "Mifflin-St Jeor"
#: Mifflin-St Jeor's constant by sex; with sex unknown, the midpoint of the two.
SEX_CONSTANT: Final[dict[Sex | None, float]] = {"male": 5.0, "female": -161.0, None: -78.0}
#: Said when an input is unknown, and the value used instead.
ASSUMED_AGE: Final = 30
ASSUMED_HEIGHT_CM: Final = 170.0
ASSUMED_TRAINING_DAYS: Final = 3
#: Goal adjustment on maintenance: a ~15% deficit to lose fat, a small surplus to build.
GOAL_ADJUSTMENT: Final[dict[str, float]] = {"fat_loss": -0.15, "hypertrophy": 0.10,
                                            "strength": 0.05}
#: Protein per kg of body weight, within the 1.6-2.2 g/kg the evidence supports: higher in a
#: deficit (keeps muscle), middle when building, the floor otherwise.
PROTEIN_PER_KG: Final[dict[str, float]] = {"fat_loss": 2.0, "hypertrophy": 1.8, "strength": 1.8}
DEFAULT_PROTEIN_PER_KG: Final = 1.6
FAT_SHARE: Final = (0.20, 0.35)
KG_PER_LB: Final = 0.45359237
ADULT: Final = 18
#: Conditions where calorie and protein targets are a clinician's call, not a coach's.
MEDICAL: Final = re.compile(
    r"pregnan|breast ?feed|nursing|postpartum|post-partum|eating disorder|anorexi|bulimi|"
    r"binge|\barfid\b|\bed recovery\b|kidney|renal|\bckd\b|dialysis|diabet|liver|cirrhos|"
    r"gout|pku|phenylketon", re.IGNORECASE)
NOT_A_DIETITIAN: Final = "I'm not a dietitian: for a medical diet, see one."
NO_MEAL_PLANS: Final = "No meal plans from me: hit these with foods you like."


@dataclass(frozen=True)
class Inputs:
    """What the targets are computed from; stored with them, so a change shows."""

    weight_kg: float | None
    age: int | None = None
    sex: Sex | None = None
    height_cm: float | None = None
    training_days: int | None = None
    goal: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"weight_kg": None if self.weight_kg is None else round(self.weight_kg, 1),
                "age": self.age, "sex": self.sex, "height_cm": self.height_cm,
                "training_days": self.training_days, "goal": self.goal}


@dataclass(frozen=True)
class Targets:
    calories: int
    protein_g: int
    protein_per_kg: float
    carbs_g: tuple[int, int]
    fat_g: tuple[int, int]
    formula: str
    resting_kcal: int
    maintenance_kcal: int
    activity_factor: float
    #: The goal adjustment on maintenance, -0.15 for a 15% deficit.
    adjustment: float
    assumptions: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    message: str


def to_kg(value: float, unit: str | None, units: str = "metric") -> float:
    """A body weight as logged ("lb", "lbs", "kg", or no unit: the athlete's units) in kg."""
    spoken = (unit or ("kg" if units == "metric" else "lb")).lower()
    return value * KG_PER_LB if spoken.startswith(("lb", "pound")) else value


def activity_factor(training_days: int) -> float:
    """The usual activity multipliers, read from training days a week."""
    if training_days <= 0:
        return 1.2
    if training_days <= 3:
        return 1.375
    if training_days <= 5:
        return 1.55
    return 1.725


def medical_concern(profile_text: str) -> str | None:
    """The first condition named in the profile's free text that makes diet a medical matter."""
    match = MEDICAL.search(profile_text)
    return match.group(0).lower() if match else None


def compute(inputs: Inputs, profile_text: str = "") -> Targets | Refusal:
    """Targets for these inputs, or why there are none."""
    if inputs.age is not None and inputs.age < ADULT:
        return Refusal("under_18", "For under-18s I don't set calorie targets: eat regular "
                       "meals with protein and carbs around training, and ask a registered "
                       "dietitian or your doctor for numbers.")
    if (concern := medical_concern(profile_text)) is not None:
        return Refusal("medical", f"With what you've told me ({concern}), calorie and protein "
                       "targets are a job for a registered dietitian or your doctor, not me. "
                       "I'll keep coaching the training.")
    if inputs.weight_kg is None:
        return Refusal("no_body_weight", "I need your body weight first: text it like 'I weigh "
                       "80kg' and I'll work out calories and protein for you.")
    assumptions: list[str] = []
    age = inputs.age
    if age is None:
        age = ASSUMED_AGE
        assumptions.append(f"age {ASSUMED_AGE}")
    height = inputs.height_cm
    if height is None:
        height = ASSUMED_HEIGHT_CM
        assumptions.append(f"{ASSUMED_HEIGHT_CM:g} cm")
    if inputs.sex is None:
        assumptions.append("sex averaged")
    days = inputs.training_days
    if days is None:
        days = ASSUMED_TRAINING_DAYS
        assumptions.append(f"{ASSUMED_TRAINING_DAYS} training days")
    weight = inputs.weight_kg
    resting = 10 * weight + 6.25 * height - 5 * age + SEX_CONSTANT[inputs.sex]
    factor = activity_factor(days)
    maintenance = resting * factor
    adjustment = GOAL_ADJUSTMENT.get(inputs.goal or "", 0.0)
    # Never below resting energy, whatever the goal.
    calories = _round(max(maintenance * (1 + adjustment), resting), 50)
    per_kg = PROTEIN_PER_KG.get(inputs.goal or "", DEFAULT_PROTEIN_PER_KG)
    protein = _round(weight * per_kg, 5)
    fat_low, fat_high = (_round(calories * share / 9, 5) for share in FAT_SHARE)
    carbs_low = max(0, _round((calories - protein * 4 - fat_high * 9) / 4, 5))
    carbs_high = max(0, _round((calories - protein * 4 - fat_low * 9) / 4, 5))
    return Targets(calories=calories, protein_g=protein, protein_per_kg=per_kg,
                   carbs_g=(carbs_low, carbs_high), fat_g=(fat_low, fat_high), formula=FORMULA,
                   resting_kcal=round(resting), maintenance_kcal=round(maintenance),
                   activity_factor=factor, adjustment=adjustment,
                   assumptions=tuple(assumptions))


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def _goal_words(targets: Targets, days: int | None) -> str:
    trained = f"{days if days is not None else ASSUMED_TRAINING_DAYS} training days"
    if targets.adjustment < 0:
        return f"{trained}, a ~{round(-targets.adjustment * 100)}% deficit for fat loss"
    if targets.adjustment > 0:
        return f"{trained}, a ~{round(targets.adjustment * 100)}% surplus to build"
    return f"{trained}, maintenance"


def targets_text(targets: Targets, inputs: Inputs, *, meal_plan_asked: bool = False) -> str:
    """The targets as the coach texts them (about two SMS), formula and assumptions stated."""
    assumed = (f"; I assumed {', '.join(targets.assumptions)}" if targets.assumptions else "")
    text = (f"About {targets.calories:,} kcal and {targets.protein_g} g protein a day "
            f"({targets.formula}, {_goal_words(targets, inputs.training_days)}, "
            f"{targets.protein_per_kg:g} g/kg protein{assumed}). "
            f"Carbs {targets.carbs_g[0]}-{targets.carbs_g[1]} g, fat "
            f"{targets.fat_g[0]}-{targets.fat_g[1]} g.")
    if meal_plan_asked:
        text += f" {NO_MEAL_PLANS}"
    return f"{text} {NOT_A_DIETITIAN}"
