"""Workout logs texted by athletes, read into structured logs.

Each case compares the *whole* ParsedLog, because the failure that hurts is an invented fact: a
set nobody did, a chat message logged as a workout, or numbers guessed onto the wrong exercise.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.llm.offline.logparse import LoadUnit, ParsedExercise, ParsedLog, ParsedSet, parse_log

NAMES = ["pushups", "squats", "pullups", "lunges", "bench press", "rows", "dips"]
UNITS: tuple[LoadUnit, ...] = ("kg", "lb")


def log(**fields: Any) -> ParsedLog:
    """A log of a session that was done, with the given details."""
    return ParsedLog(is_log=True, **{"completion": "completed", **fields})


def reps(name: str, *counts: int, load: float | None = None, unit: LoadUnit | None = None,
         rpe: float | None = None) -> ParsedExercise:
    sets = tuple(ParsedSet(reps=count, load=load) for count in counts)
    return ParsedExercise(name, sets, unit, rpe)


def held(name: str, *seconds: int) -> ParsedExercise:
    return ParsedExercise(name, tuple(ParsedSet(seconds=s) for s in seconds))


PRESCRIBED = log(as_prescribed=True)
NOT_A_LOG = ParsedLog(is_log=False, completion=None)


# --- Done as prescribed -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["did it", "done", "Done!", "finished", "workout done", "crushed it", "smashed it \U0001f4aa",
     "completed today's session", "\u201cdone\u201d \U0001f44d", "DONE.", "did my workout",
     "got it done"],
)
def test_done_words_mean_as_prescribed(text: str) -> None:
    assert parse_log(text) == PRESCRIBED


@pytest.mark.parametrize(
    ("text", "felt"),
    [
        ("done, felt easy", "easy"),
        ("done, too easy", "easy"),
        ("finished, a breeze", "easy"),
        ("done but it was brutal", "hard"),
        ("done, tough one", "hard"),
        ("did it, killed me", "hard"),
        ("done, felt ok", "ok"),
        ("done, not too hard", "ok"),
    ],
)
def test_how_it_felt(text: str, felt: str) -> None:
    assert parse_log(text) == log(as_prescribed=True, felt=felt)


# --- Exercises with reps, loads and holds -----------------------------------------------------

PUSHUPS_887 = log(exercises=(reps("pushups", 8, 8, 7),))


def test_two_exercises_with_sets_and_reps() -> None:
    assert parse_log("3x8 pushups, 3x5 pullups") == log(
        exercises=(reps("pushups", 8, 8, 8), reps("pullups", 5, 5, 5)))


@pytest.mark.parametrize(
    "text", ["pushups 3x8", "3 sets of 8 pushups", "pushups 3 sets of 8 reps", "3×8 pushups",
             "3 x 8 pushups", "Pushups 3X8 \U0001f4aa\U0001f525", "I did 3x8 pushups"],
)
def test_sets_times_reps(text: str) -> None:
    assert parse_log(text) == log(exercises=(reps("pushups", 8, 8, 8),))


@pytest.mark.parametrize(
    "text", ["8,8,7 pushups", "pushups 8/8/7", "pushups: 8 8 7", "pushups 8, 8, 7",
             "8, 8, 7 pushups"],
)
def test_reps_per_set(text: str) -> None:
    assert parse_log(text) == PUSHUPS_887


@pytest.mark.parametrize(
    ("text", "exercise"),
    [
        ("squats 100kg 5,5,4", reps("squats", 5, 5, 4, load=100, unit="kg")),
        ("squat 225 lbs 5x5", reps("squat", 5, 5, 5, 5, 5, load=225, unit="lb")),
        ("bench 60kg 3x8", reps("bench", 8, 8, 8, load=60, unit="kg")),
        ("deadlift 140 kg x 5", reps("deadlift", 5, load=140, unit="kg")),
        ("bench press 3x8 @ 60kg", reps("bench press", 8, 8, 8, load=60, unit="kg")),
        ("db rows 3x10 with 20kg", reps("db rows", 10, 10, 10, load=20, unit="kg")),
        ("goblet squat 3x12 at 12.5 kg", reps("goblet squat", 12, 12, 12, load=12.5, unit="kg")),
        ("squats 100kg 5,5,4 @ rpe 8", reps("squats", 5, 5, 4, load=100, unit="kg", rpe=8)),
        ("squats 100kg 5,5,4 @9", reps("squats", 5, 5, 4, load=100, unit="kg", rpe=9)),
        ("push ups 3x10", reps("push ups", 10, 10, 10)),
        ("push-ups 20", reps("push-ups", 20)),
        ("20 reps pushups", reps("pushups", 20)),
        ("lunges 3x10 each leg", reps("lunges", 10, 10, 10)),
    ],
)
def test_loads_and_names_as_typed(text: str, exercise: ParsedExercise) -> None:
    assert parse_log(text) == log(exercises=(exercise,))


@pytest.mark.parametrize(
    ("text", "exercise"),
    [
        ("plank 45s", held("plank", 45)),
        ("45 sec plank", held("plank", 45)),
        ("plank 1 min", held("plank", 60)),
        ("plank 1.5 mins", held("plank", 90)),
        ("plank 3x30s", held("plank", 30, 30, 30)),
        ("wall sit 2 x 40 seconds", held("wall sit", 40, 40)),
        ("hollow hold 3 sets of 20 seconds", held("hollow hold", 20, 20, 20)),
        ("side plank 30/30 s", held("side plank", 30, 30)),
    ],
)
def test_holds_are_seconds(text: str, exercise: ParsedExercise) -> None:
    assert parse_log(text) == log(exercises=(exercise,))


def test_exercises_named_without_numbers_after_a_done_word() -> None:
    assert parse_log("did pushups and squats") == log(
        exercises=(ParsedExercise("pushups", ()), ParsedExercise("squats", ())))


def test_combined_report() -> None:
    assert parse_log("done. 3x8 pushups, plank 45s, RPE 8") == log(
        exercises=(reps("pushups", 8, 8, 8), held("plank", 45)), rpe=8)


# --- Partial, skipped, RPE, pain --------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("only got through half", 0.5),
        ("did about half", 0.5),
        ("only did 2 of the 4 exercises", 0.5),
        ("about two thirds", 0.67),
        ("did three-quarters of it", 0.75),
        ("ran out of time halfway", 0.5),
        ("cut it short", None),
        ("didn't finish", None),
        ("got through most of it", None),
    ],
)
def test_partial(text: str, fraction: float | None) -> None:
    assert parse_log(text) == ParsedLog(is_log=True, completion="partial", fraction=fraction)


def test_partial_keeps_what_was_done() -> None:
    assert parse_log("only did pushups 3x8") == ParsedLog(
        is_log=True, completion="partial", exercises=(reps("pushups", 8, 8, 8),))
    assert parse_log("did pushups, skipped squats") == ParsedLog(
        is_log=True, completion="partial", exercises=(ParsedExercise("pushups", ()),))


@pytest.mark.parametrize(
    "text", ["skipped it", "didn't train today", "missed today's workout", "couldn't do it today",
             "didn\u2019t work out", "no workout today"],
)
def test_skipped(text: str) -> None:
    assert parse_log(text) == ParsedLog(is_log=True, completion="skipped")


def test_rpe_reports() -> None:
    assert parse_log("RPE 9 on the last set") == log(rpe=9, rpe_last_set=True)
    assert parse_log("that was an rpe 7") == log(rpe=7)
    assert parse_log("done, rpe 7.5") == log(rpe=7.5, as_prescribed=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("did the squats but my knee hurt",
         log(exercises=(ParsedExercise("squats", ()),), pain_area="knee")),
        ("done, left shoulder twinged on the presses", log(as_prescribed=True,
                                                           pain_area="shoulder")),
        ("3x8 pushups. lower back was a bit sore",
         log(exercises=(reps("pushups", 8, 8, 8),), pain_area="lower_back")),
    ],
)
def test_pain_reported_with_a_log(text: str, expected: ParsedLog) -> None:
    assert parse_log(text) == expected


def test_rpe_and_pain_stay_with_their_own_clause() -> None:
    text = "Did 3x10 goblet squats @ 16kg, RPE 7. Left knee ached a bit on the last set"
    assert parse_log(text) == log(
        exercises=(reps("goblet squats", 10, 10, 10, load=16, unit="kg"),), rpe=7,
        pain_area="knee")
    assert parse_log("squats 3x5 last set @9") == log(exercises=(reps("squats", 5, 5, 5, rpe=9),))
    assert parse_log("did 3x8 squats, no knee pain") == log(exercises=(reps("squats", 8, 8, 8),))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("good mornings 3x10", log(exercises=(reps("good mornings", 10, 10, 10),))),
        ("did all 4 exercises", PRESCRIBED),
        ("did 4 of 4 exercises", PRESCRIBED),
        ("did squats, good session", log(exercises=(ParsedExercise("squats", ()),), felt="ok")),
        ("could not train today", ParsedLog(is_log=True, completion="skipped")),
        ("3x8 pushups and squats", log(exercises=(reps("pushups", 8, 8, 8),
                                                  ParsedExercise("squats", ())))),
        ("done, thanks coach!", PRESCRIBED),
        ("pushups 3x8 3x10", log(exercises=(reps("pushups", 8, 8, 8, 10, 10, 10),))),
    ],
)
def test_edge_wordings(text: str, expected: ParsedLog) -> None:
    assert parse_log(text) == expected


# --- Not a log --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["I want to train 3 days a week", "text me at 7:30", "I weigh 80kg", "I'm 35",
     "3 days, 45 minutes", "what's today?", "how heavy should I go?",
     "what's a romanian deadlift?", "skip today", "only have 20 minutes today",
     "move today to tomorrow", "hi", "thanks", "my knee hurts",
     "I'm done with onboarding questions?", "7 4 8", "7, 4, 8", "can I skip today",
     "I'll do 3x8 pushups tomorrow", "haven't done it yet", "is 3x8 pushups enough?", "",
     "did you get my text", "should I do 3x8 pushups", "I'm free at 6",
     "   ", "\U0001f4aa\U0001f4aa"],
)
def test_not_a_log(text: str) -> None:
    assert parse_log(text) == NOT_A_LOG


# --- Unclear: never guessed -------------------------------------------------------------------

def test_an_at_load_is_in_the_athletes_units() -> None:
    """"bench 3x8 @ 60" is 60 of whatever the athlete lifts in; "@ 8" is an RPE."""
    assert parse_log("bench 3x8 @ 60") == log(exercises=(reps("bench", 8, 8, 8, load=60),))
    assert parse_log("bench 3x8 @ 8").exercises[0].rpe == 8


def test_loads_sets_and_reps_as_lifters_write_them() -> None:
    assert parse_log("DL 160x3x3 moved fast") == log(
        exercises=(reps("dl", 3, 3, 3, load=160),))
    assert parse_log("pushups 4x15 pullups 4x6") == log(
        exercises=(reps("pushups", 15, 15, 15, 15), reps("pullups", 6, 6, 6, 6)))
    assert parse_log("squats 4x6 @ 105, last set grindy but clean") == log(
        exercises=(reps("squats", 6, 6, 6, 6, load=105),))
    assert parse_log("3x5 @ 85 today, last rep maybe 1 in the tank").rpe == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3x8 and 5,5,4", ParsedLog(is_log=True, completion=None, unclear=("3x8", "5,5,4"))),
        ("did 3x", log(unclear=("did 3x",))),
        ("done, 3x8", log(unclear=("3x8",))),
        ("pushups 600", ParsedLog(is_log=True, completion=None, unclear=("pushups 600",))),
        ("squats 1200kg 5x5",
         ParsedLog(is_log=True, completion=None, unclear=("squats 1200kg 5x5",))),
        ("plank 7201s", ParsedLog(is_log=True, completion=None, unclear=("plank 7201s",))),
        ("did 60x8 pushups", log(unclear=("did 60x8 pushups",))),
        # a run outside the plan is not a session of it: nothing to log, nothing to ask
        ("ran 5k", ParsedLog(is_log=False, completion=None)),
        ("done. 7 4 8", log(unclear=("7 4 8",))),
        ("squats 8-10 reps", ParsedLog(is_log=True, completion=None,
                                       unclear=("squats 8-10 reps",))),
        ("3x8 pushups, rpe 15", log(exercises=(reps("pushups", 8, 8, 8),), unclear=("rpe 15",))),
    ],
)
def test_unclear_numbers(text: str, expected: ParsedLog) -> None:
    assert parse_log(text) == expected


def test_a_named_exercise_without_numbers_is_not_unclear() -> None:
    assert parse_log("did pushups").unclear == ()


# --- Properties -------------------------------------------------------------------------------

@st.composite
def rendered(draw: st.DrawFn) -> tuple[str, ParsedExercise]:
    """An exercise in one of the ways athletes write it, and what it should parse to."""
    name = draw(st.sampled_from(NAMES))
    style = draw(st.sampled_from(["NxM name", "name NxM", "name LOAD r,r,r", "name r/r/r"]))
    unit = draw(st.sampled_from(UNITS))
    load = draw(st.one_of(st.none(), st.integers(1, 300)))
    counts = draw(st.lists(st.integers(1, 30), min_size=1, max_size=6))
    if style in ("NxM name", "name NxM"):
        counts = [counts[0]] * len(counts)
        sets = f"{len(counts)}x{counts[0]}"
        text = f"{sets} {name}" if style == "NxM name" else f"{name} {sets}"
        text += f" @ {load}{unit}" if load else ""
    elif style == "name LOAD r,r,r":
        text = f"{name} {f'{load}{unit} ' if load else ''}{','.join(map(str, counts))}"
    else:
        text = f"{name} {'/'.join(map(str, counts))}"
        load = None
    weight = None if load is None else float(load)
    return text, reps(name, *counts, load=weight, unit=unit if load else None)


@settings(max_examples=300, deadline=None)
@given(rendered())
def test_rendered_exercise_round_trips(case: tuple[str, ParsedExercise]) -> None:
    text, exercise = case
    assert parse_log(text) == log(exercises=(exercise,))


@settings(max_examples=200, deadline=None)
@given(st.lists(rendered(), min_size=2, max_size=5))
def test_several_rendered_exercises_keep_their_order(
    cases: list[tuple[str, ParsedExercise]],
) -> None:
    text = ", ".join(text for text, _ in cases)
    assert parse_log(text).exercises == tuple(exercise for _, exercise in cases)


# Every word that can make a text without digits a log contains one of these.
_LOG_STEMS = (
    "did", "done", "finish", "complet", "crush", "smash", "nail", "kill", "knock", "got",
    "skip", "miss", "n't", "n\u2019t", "n\u2018t", "couldn", "wasn", "able", "not", "never",
    "no", "cut", "ran", "partial", "stop", "most", "some", "part", "only", "half", "third",
    "quarter",
)
_FRAGMENTS = [
    "did", "it", "3x8", "pushups", "x", "@", "rpe", "9", "kg", "lbs", "s", "min", ",", "/",
    "sets of", "5,5,4", "half", "skipped", "knee", "hurt", "?", "and", "but", ".", "\n",
    "\U0001f4aa", "\u00d7", "\u2019", "-", ":", "7:30", "0", "1e9", "99999999999999999999",
    "felt", "easy", "brutal", "of the", "%", "the last set", "only", "with",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map(" ".join),
                 st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map("".join)))
def test_arbitrary_text_never_raises(text: str) -> None:
    parsed = parse_log(text)
    assert isinstance(parsed, ParsedLog)
    assert parsed.is_log or parsed == NOT_A_LOG
    assert all(len(exercise.sets) <= 50 for exercise in parsed.exercises)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_no_digit_and_no_log_word_is_not_a_log(text: str) -> None:
    lowered = text.lower()
    if any(ch.isdigit() for ch in text) or any(stem in lowered for stem in _LOG_STEMS):
        return
    assert parse_log(text) == NOT_A_LOG


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["hi", "thanks", "coach", "my", "knee", "hurts", "what",
                                 "today", "the", "a", "plan", "week", "easy", "brutal", "?",
                                 "pushups", "squats", "and", ",", "felt", "move"]),
                max_size=12).map(" ".join))
def test_chat_without_numbers_or_done_words_is_not_a_log(text: str) -> None:
    assert parse_log(text) == NOT_A_LOG


# --- Reports written the way athletes write them ----------------------------------------------

def test_a_best_effort_is_that_exercises_set() -> None:
    found = parse_log("done. freestanding best was 6 sec today!! wall holds 3x40")
    assert [(e.name, e.sets) for e in found.exercises] == [
        ("freestanding", (ParsedSet(seconds=6),)),
        ("wall holds", (ParsedSet(reps=40),) * 3),
    ]


def test_an_exercise_named_with_how_it_went_was_done() -> None:
    found = parse_log("I did my exercises this morning. The chair stands were fine")
    assert found.completion == "completed"
    assert [e.name for e in found.exercises] == ["chair stands"]
    # How a body part or the warm-up felt names no exercise.
    assert parse_log("did it! my knee felt fine").exercises == ()
    assert parse_log("finished, the warm up was good").exercises == ()


def test_the_weight_used_goes_with_the_exercise_the_text_names() -> None:
    found = parse_log("done!! what weight should i use for the goblet squats next time? "
                      "i grabbed a 10kg kb and it was ok")
    assert found.exercises == (
        ParsedExercise("kb goblet squats", (ParsedSet(load=10),), "kg"),)


def test_a_unitless_load_takes_the_unit_said_before_it() -> None:
    """A metric athlete in an American gym: the stack says lb, and so do the 15s after it."""
    found = parse_log("goblet squat 3x10 w 12kg kb, lat pulldown 3x12 at 70lbs, "
                      "db bench 3x10 w the 15s")
    assert [(e.name, e.load_unit) for e in found.exercises] == [
        ("goblet squat", "kg"), ("lat pulldown", "lb"), ("db bench", "lb")]


def test_a_guessed_number_is_the_weight() -> None:
    found = parse_log("leg press i just guesed 180 was that ok")
    assert found.exercises == (ParsedExercise("leg press", (ParsedSet(load=180),)),)


def test_load_by_reps_then_sets_apart() -> None:
    assert parse_log("bench 70x8 x3").exercises == (reps("bench", 8, 8, 8, load=70),)
    assert parse_log("incline db 22.5s for 10s").exercises == (
        reps("incline db", 10, load=22.5),)
    assert [e.name for e in parse_log("pull day done. lat pulldown 55x10 x3, cable rows, "
                                      "curls. back 100%").exercises] == [
        "lat pulldown", "cable rows", "curls"]


def test_when_a_weight_was_changed_is_not_how_much_was_done() -> None:
    found = parse_log("I did the exercises. The sit-to-stand from the kitchen chair was fine. "
                      "so I changed to the 2 kg ones halfway through")
    assert (found.completion, found.fraction) == ("completed", None)
    assert [e.name for e in found.exercises] == ["sit-to-stand"]


def test_an_exercise_left_out_of_a_done_session() -> None:
    found = parse_log("did it. NECK real tight today so i skipped the overhead press part. "
                      "rest was ok")
    assert (found.completion, found.left_out, found.exercises) == (
        "partial", ("overhead press",), ())
    assert parse_log("skipped the swings cause my back, did the rest").left_out == ("swings",)
    assert parse_log("skipped the workout today").completion == "skipped"
    assert parse_log("skipped the workout today").left_out == ()


def test_the_weight_held_for_an_exercise_named_by_its_verb() -> None:
    found = parse_log("The sit-to-stand was fine, and the step-ups on the bottom stair too. I "
                      "found holding the 4 kg weights for the carrying exercise quite sore on "
                      "my hands, so I changed to the 2 kg ones halfway through.")
    assert found.exercises[-1] == ParsedExercise("carry", (ParsedSet(load=4),), "kg")


def test_a_short_question_after_a_report_leaves_the_report_standing() -> None:
    found = parse_log("shoulder kinda tweaked from practice. pullups felt sketch so i did 2 "
                      "sets n stopped. that bad?")
    assert found.is_log and found.completion == "partial"
    assert parse_log("what should i do today?").is_log is False
