"""The offline coach's training answers are worded for the athlete's goal."""

from __future__ import annotations

from worker.llm.offline.faq import faq_answer


def test_a_food_question_is_answered_for_the_goal() -> None:
    bulking = faq_answer("do i need protien powder or can i just eat alot", "hypertrophy")
    cutting = faq_answer("how many calories should I eat", "fat_loss")
    general = faq_answer("what should I eat", None)
    assert bulking is not None and "eat a little more than you burn" in bulking
    assert "deficit" not in bulking
    assert cutting is not None and "modest deficit" in cutting
    assert general is not None and "{" not in general and "deficit" not in general


def test_training_terms_are_explained_in_plain_words() -> None:
    from worker.coach.answers import explain_term

    hinge = explain_term("hip hinge")
    assert hinge is not None and hinge.found and "back flat" in (hinge.term or "")
    assert explain_term("RIR") is not None
    assert explain_term("romanian deadlift") is None  # an exercise: the library answers it


def test_a_tweak_and_that_bad_gets_an_answer_with_when_to_get_it_checked() -> None:
    from worker.llm.offline.read.text import is_question

    assert is_question("that bad?") and is_question("normal?") and not is_question("bad day.")
    answer = faq_answer("shoulder kinda tweaked from practice. i did 2 sets n stopped. that bad?")
    assert answer is not None and "right call" in answer and "physio" in answer


def test_a_belt_question_gets_an_answer_about_bracing() -> None:
    answer = faq_answer("colleague keeps saying i should buy a belt, do i need one or nah")
    assert answer is not None and "brac" in answer
