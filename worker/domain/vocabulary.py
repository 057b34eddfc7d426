"""The words the coach's data is written in: equipment, body areas, goals, levels.

Copies of the database's ``equipment_names()`` and ``body_areas()`` live here once, so profiles,
the library file and the planner check against the same lists without a connection; an
integration test keeps them equal to the migration's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

EQUIPMENT_NAMES: tuple[str, ...] = (
    "dumbbell", "barbell", "ez_bar", "kettlebell", "machine", "cable", "smith_machine",
    "squat_rack", "bench", "box", "bands", "rings", "suspension_trainer", "pull_up_bar",
    "parallel_bars", "parallettes", "low_bar", "ab_wheel", "medicine_ball", "sandbag",
    "weight_vest", "dip_belt", "jump_rope", "sled", "cardio_machine", "treadmill",
    "bike", "rower", "pool",
)  # fmt: skip
EQUIPMENT = frozenset(EQUIPMENT_NAMES)

#: What an exercise asks of the body beyond its pattern, so a plan can keep a promise ("no
#: jumping after a knee replacement", "nothing that curls a cranky lower back") without a list
#: of names. The database's exercise_tags() holds the same list.
EXERCISE_TAGS: tuple[str, ...] = (
    "impact", "spinal_flexion", "axial_load", "deep_knee_flexion", "kneeling", "overhead",
    "floor", "functional", "skill", "isolation", "conditioning", "calves",
)  # fmt: skip

BODY_AREAS: tuple[str, ...] = (
    "neck", "shoulder", "elbow", "wrist", "hand", "chest", "upper_back", "lower_back",
    "abdomen", "hip", "groin", "hamstring", "knee", "calf", "ankle", "foot",
)  # fmt: skip

#: What a commercial gym has, for "I train at a gym".
GYM_EQUIPMENT = frozenset({
    "dumbbell", "barbell", "ez_bar", "kettlebell", "machine", "cable", "smith_machine",
    "squat_rack", "bench", "box", "bands", "pull_up_bar", "parallel_bars", "ab_wheel",
    "medicine_ball", "cardio_machine", "treadmill", "bike", "rower", "jump_rope",
})
#: A typical hotel gym, for "the hotel has a gym" with nothing more said.
HOTEL_EQUIPMENT = frozenset({"dumbbell", "bench", "treadmill", "bike", "cardio_machine"})
#: Equipment a lift can be loaded with progressively (the planner prefers it for lifters).
LOADABLE = frozenset({"barbell", "dumbbell", "kettlebell", "machine", "cable", "smith_machine"})

Goal = Literal[
    "strength", "hypertrophy", "fat_loss", "endurance", "general_fitness", "skill", "mobility",
    "sport",
]
GOALS: tuple[Goal, ...] = ("strength", "hypertrophy", "fat_loss", "endurance",
                           "general_fitness", "skill", "mobility", "sport")
Experience = Literal["beginner", "intermediate", "advanced"]
Location = Literal["home", "gym", "outdoors", "mixed"]
Units = Literal["metric", "imperial"]

_SYNONYMS = {
    "dumbbells": "dumbbell", "db": "dumbbell", "dbs": "dumbbell", "weights": "dumbbell",
    "barbells": "barbell", "kettlebells": "kettlebell", "kb": "kettlebell", "kbs": "kettlebell",
    "band": "bands", "resistance_bands": "bands", "resistance_band": "bands",
    "pullup_bar": "pull_up_bar", "pull_up_bars": "pull_up_bar", "chin_up_bar": "pull_up_bar",
    "bar": "pull_up_bar", "ring": "rings", "gymnastic_rings": "rings", "trx": "suspension_trainer",
    "dip_bars": "parallel_bars", "dip_station": "parallel_bars", "parallette": "parallettes",
    "machines": "machine", "cables": "cable", "cable_machine": "cable", "rack": "squat_rack",
    "power_rack": "squat_rack", "benches": "bench", "boxes": "box", "plyo_box": "box",
    "rope": "jump_rope", "skipping_rope": "jump_rope", "bikes": "bike", "spin_bike": "bike",
    "rowing_machine": "rower", "erg": "rower", "treadmills": "treadmill",
    "elliptical": "cardio_machine", "med_ball": "medicine_ball",
}
_GYM_WORDS = frozenset({"gym", "full_gym", "commercial_gym"})
_HOTEL_WORDS = frozenset({"hotel_gym", "hotel"})


def normalize_equipment(items: Iterable[str]) -> list[str]:
    """Free words ("dumbbells", "pull-up bar", "TRX", "gym") -> the vocabulary, sorted."""
    found: set[str] = set()
    for item in items:
        slug = re.sub(r"[^a-z0-9]+", "_", item.lower()).strip("_")
        if slug in _GYM_WORDS:
            found |= GYM_EQUIPMENT
        elif slug in _HOTEL_WORDS:
            found |= HOTEL_EQUIPMENT
        elif (word := _SYNONYMS.get(slug, slug)) in EQUIPMENT:
            found.add(word)
    return sorted(found)


_AREA_WORDS = {"back": "lower_back", "shoulders": "shoulder", "knees": "knee", "hips": "hip",
               "ankles": "ankle", "wrists": "wrist", "elbows": "elbow", "achilles": "ankle",
               "finger": "hand", "fingers": "hand", "low_back": "lower_back",
               "core": "abdomen", "abs": "abdomen", "spine": "lower_back"}


def body_area(text: str | None) -> str | None:
    """A free body-part word ("Knees", "lower back") as the vocabulary's area, or None."""
    if not text:
        return None
    slug = re.sub(r"[^a-z]+", "_", text.lower()).strip("_")
    slug = _AREA_WORDS.get(slug, slug)
    return slug if slug in BODY_AREAS else None
