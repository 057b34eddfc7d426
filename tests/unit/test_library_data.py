"""The reviewed exercise library file: it validates, covers what the plan generator needs, and
the validator reports every problem of a broken file at once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from worker.library.seed import (
    DEFAULT_LIBRARY_FILE,
    Exercise,
    Library,
    LibraryError,
    load_library_file,
    normalize_alias,
)
from worker.sms.segments import encoding_of

PATTERN_SLUGS = {
    "horizontal_push", "vertical_push", "horizontal_pull", "vertical_pull", "squat", "hinge",
    "core_stability", "anti_rotation", "rotation", "vertical_press_pull", "locomotion",
    "plyometrics", "carry", "ballistic", "static_holds", "handstand", "dynamic_skills", "flow",
    "mobility", "balance", "grip", "wrist",
}  # fmt: skip

# Chains training.md asks for, each with rungs that must appear in this order (others may sit
# between them).
REQUIRED_CHAINS = {
    "pull_up": ["dead_hang", "active_hang", "scapular_pull", "band_assisted_pull_up",
                "pull_up_negative", "pull_up", "weighted_pull_up"],
    "squat": ["assisted_squat", "bodyweight_squat", "split_squat", "bulgarian_split_squat",
              "beginner_shrimp_squat", "intermediate_shrimp_squat", "advanced_shrimp_squat",
              "weighted_shrimp_squat"],
    "pistol": ["box_pistol_squat", "assisted_pistol_squat", "partial_pistol_squat",
               "pistol_squat"],
    "dip": ["support_hold", "dip_negative", "parallel_bar_dip", "weighted_dip"],
    "hinge": ["single_leg_deadlift", "banded_nordic_negative", "banded_nordic_curl",
              "nordic_curl"],
    "row": ["vertical_row", "incline_row", "inverted_row", "wide_inverted_row",
            "weighted_inverted_row"],
    "push_up": ["wall_push_up", "incline_push_up", "push_up", "diamond_push_up",
                "pseudo_planche_push_up"],
    "core": ["plank", "ab_wheel_rollout"],
    "l_sit": ["foot_supported_l_sit", "one_foot_l_sit", "tuck_l_sit", "advanced_tuck_l_sit",
              "l_sit"],
    "handstand": ["wall_plank", "chest_to_wall_handstand", "freestanding_handstand"],
    "hspu": ["pike_push_up", "elevated_pike_push_up", "partial_wall_handstand_push_up",
             "wall_handstand_push_up"],
    "front_lever": ["tuck_front_lever", "advanced_tuck_front_lever", "one_leg_front_lever",
                    "straddle_front_lever", "half_lay_front_lever", "front_lever"],
    "back_lever": ["german_hang", "tuck_back_lever", "advanced_tuck_back_lever",
                   "straddle_back_lever", "back_lever"],
    "planche": ["planche_lean", "frog_stand", "tuck_planche", "advanced_tuck_planche",
                "straddle_planche", "planche"],
    "muscle_up": ["chest_to_bar_pull_up", "assisted_muscle_up", "muscle_up_negative",
                  "kipping_muscle_up", "muscle_up"],
    "barbell_squat": ["goblet_squat", "back_squat"],
    "bench_press": ["dumbbell_bench_press", "bench_press"],
    "deadlift": ["kettlebell_deadlift", "deadlift"],
    "overhead_press": ["dumbbell_overhead_press", "overhead_press"],
}  # fmt: skip


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library_file()


def family(exercise: Exercise) -> str:
    """The equipment family an exercise is counted in (one each, most specific first)."""
    kit = set(exercise.equipment)
    if exercise.pattern in {"mobility", "wrist"} and kit <= {"bands"}:
        return "mobility"
    cardio_kit = {"cardio_machine", "treadmill", "bike", "rower", "pool", "jump_rope"}
    if (exercise.unit == "distance" and exercise.pattern == "locomotion") or kit & cardio_kit:
        return "cardio"
    for name in ("barbell", "kettlebell", "dumbbell"):
        if name in kit:
            return name
    if kit & {"machine", "cable", "smith_machine"}:
        return "machine_cable"
    if "bands" in kit:
        return "bands"
    return "bodyweight"


def test_the_file_loads(library: Library) -> None:
    assert library.exercises


def test_there_are_enough_exercises(library: Library) -> None:
    assert len(library.exercises) >= 170


def test_the_patterns_are_califlows_22(library: Library) -> None:
    slugs = [p.slug for p in library.patterns]
    assert len(slugs) == 22
    assert set(slugs) == PATTERN_SLUGS


def test_every_pattern_has_an_exercise(library: Library) -> None:
    used = {e.pattern for e in library.exercises}
    assert PATTERN_SLUGS - {"flow"} <= used


def test_there_are_enough_chains_and_the_required_ones_are_there(library: Library) -> None:
    chains = {c.chain: list(c.rungs) for c in library.progressions}
    assert len(chains) >= 20
    for name, wanted in REQUIRED_CHAINS.items():
        rungs = chains[name]
        positions = [rungs.index(slug) for slug in wanted]
        assert positions == sorted(positions), name


def test_difficulty_never_decreases_along_a_chain(library: Library) -> None:
    for chain in library.progressions:
        levels = [library.exercise(slug).difficulty for slug in chain.rungs]
        assert levels == sorted(levels), chain.chain


def test_difficulty_anchors(library: Library) -> None:
    anchors = {"wall_push_up": 1, "push_up": 3, "pseudo_planche_push_up": 8, "planche": 10}
    assert {slug: library.exercise(slug).difficulty for slug in anchors} == anchors


def test_every_equipment_family_is_represented(library: Library) -> None:
    families = Counter(family(e) for e in library.exercises)
    for name in ("bodyweight", "dumbbell", "barbell", "kettlebell", "machine_cable", "bands",
                 "cardio", "mobility"):  # fmt: skip
        assert families[name] >= 5, (name, families)
    assert any(e.equipment == () for e in library.exercises)
    assert any(e.unit == "distance" for e in library.exercises)
    assert any("cardio_machine" in e.equipment for e in library.exercises)


def test_cues_are_short_gsm7_lines(library: Library) -> None:
    for exercise in library.exercises:
        assert len(exercise.cue) <= 100, exercise.slug
        assert encoding_of(exercise.cue) == "GSM-7", exercise.slug
        assert encoding_of(exercise.name) == "GSM-7", exercise.slug


def test_ranges_fit_their_units(library: Library) -> None:
    for exercise in library.exercises:
        assert exercise.default_min <= exercise.default_max, exercise.slug
        if exercise.unit == "reps":
            assert exercise.default_max <= 40, exercise.slug
    plank = library.exercise("plank")
    assert (plank.unit, plank.default_min, plank.default_max) == ("seconds", 20, 45)
    assert library.exercise("easy_run").unit == "distance"


def test_sensible_contraindications(library: Library) -> None:
    expect = {
        "back_squat": {"knee", "lower_back"},
        "overhead_press": {"shoulder"},
        "push_up": {"wrist", "shoulder"},
        "easy_run": {"knee", "ankle"},
        "box_jump": {"knee", "ankle"},
        "deadlift": {"lower_back"},
        "parallel_bar_dip": {"shoulder", "elbow"},
    }
    for slug, areas in expect.items():
        assert areas <= set(library.exercise(slug).contraindications), slug


def test_every_text_key_names_one_exercise(library: Library) -> None:
    """Slugs, names and aliases, normalized, never lead to two exercises ('squats' is one)."""
    owners: dict[str, set[str]] = {}
    aliases = Counter(normalize_alias(a) for e in library.exercises for a in e.aliases)
    assert [key for key, n in aliases.items() if n > 1] == []
    for e in library.exercises:
        for text in (e.slug, e.name, *e.aliases):
            owners.setdefault(normalize_alias(text), set()).add(e.slug)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert owners["squats"] == {"bodyweight_squat"}
    assert owners["pushups"] == {"push_up"}
    assert owners["rdl"] == {"romanian_deadlift"}
    assert owners["chinups"] == {"chin_up"}


GOOD_EXERCISE = {
    "slug": "thing", "name": "Thing", "pattern": "squat", "equipment": [], "difficulty": 2,
    "unit": "reps", "default_min": 5, "default_max": 10, "is_unilateral": False,
    "contraindications": [], "cue": "Do the thing.", "aliases": ["things"],
}  # fmt: skip


def write_library(path: Path, exercises: list[dict[str, object]], chains: list[object]) -> Path:
    data = {
        "patterns": [
            {"slug": "squat", "name": "Squat", "category": "strength", "description": "Squats."}
        ],
        "exercises": exercises,
        "progressions": chains,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_broken_file_reports_every_problem_one_per_line(tmp_path: Path) -> None:
    bad = [
        GOOD_EXERCISE,
        {**GOOD_EXERCISE, "name": "Other", "aliases": []},  # duplicate slug 'thing'
        {**GOOD_EXERCISE, "slug": "ghost", "name": "Ghost", "pattern": "levitation",
         "aliases": ["Things!"]},  # unknown pattern, alias clashes with 'things'
        {**GOOD_EXERCISE, "slug": "upside", "name": "Upside", "default_min": 12,
         "default_max": 6, "aliases": []},
        {**GOOD_EXERCISE, "slug": "gadget", "name": "Gadget", "equipment": ["hoverboard"],
         "contraindications": ["tail"], "aliases": []},
    ]  # fmt: skip
    chains = [{"chain": "ladder", "rungs": ["thing", "unicorn"]}]
    path = write_library(tmp_path / "bad.yaml", bad, chains)

    with pytest.raises(LibraryError) as caught:
        load_library_file(path)

    lines = str(caught.value).splitlines()
    assert lines[0].startswith(str(path))
    problems = lines[1:]
    assert problems == caught.value.problems
    expected = [
        "slug 'thing' is used twice",
        "unknown pattern 'levitation'",
        "alias 'Things!' normalizes to 'things'",
        "default_min 12 > default_max 6",
        "unknown equipment: 'hoverboard'",
        "unknown body area: 'tail'",
        "unknown exercise 'unicorn'",
    ]
    for text in expected:
        assert sum(text in line for line in problems) == 1, (text, problems)
    assert len(problems) == len(expected)
    assert isinstance(caught.value, ValueError)


def test_a_chain_that_gets_easier_is_refused(tmp_path: Path) -> None:
    hard = {**GOOD_EXERCISE, "slug": "hard", "name": "Hard", "difficulty": 6, "aliases": []}
    chains = [{"chain": "ladder", "rungs": ["hard", "thing"]}]
    path = write_library(tmp_path / "easier.yaml", [GOOD_EXERCISE, hard], chains)
    with pytest.raises(ValueError, match="a chain never gets easier"):
        load_library_file(path)


def test_a_cue_that_would_force_ucs2_is_refused(tmp_path: Path) -> None:
    curly = {**GOOD_EXERCISE, "cue": "Don\u2019t round the back."}
    path = write_library(tmp_path / "curly.yaml", [curly], [])
    with pytest.raises(ValueError, match="GSM-7"):
        load_library_file(path)


def test_the_default_file_is_the_reviewed_one() -> None:
    assert DEFAULT_LIBRARY_FILE.name == "exercise_library.yaml"
    assert DEFAULT_LIBRARY_FILE.parent.name == "seed"
