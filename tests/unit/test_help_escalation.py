"""When the coach asks for a person: repeated confusion (the domain) and an explicit ask (the
offline language layer), read from the ways athletes actually text."""

from __future__ import annotations

import pytest

from worker.domain.context import Line
from worker.domain.escalation import (
    DETAIL_LIMIT,
    confused,
    for_confusion,
    for_red_flag,
    previous_turn,
    red_flag_reply,
    told,
)
from worker.domain.safety import REFERRAL, screen
from worker.llm.offline.intents import human_plan
from worker.llm.offline.read.text import clean_text


@pytest.mark.parametrize("text", [
    "??", "?", "???!", "what?", "WHAT??", "whaaat", "wat", "wut?", "huh", "huhhh?", "wait what",
    "um what", "i don't understand", "I dont understand what you mean", "i dont undrstand",
    "I don’t get it", "dont get it lol", "that's not what I said", "thats not what i asked",
    "Not what I said!!", "i never said that", "you're not making sense",
    "u r not making any sense", "that makes no sense", "this doesn't make sense to me",
    "what do you mean?", "wdym", "idk what u mean", "im confused", "i'm so confused 😕",
    "confused", "you lost me", "I'm not following", "are you even listening?",
    "what are you talking about", "sorry?",
    # Spanish, Portuguese, French, German, Italian
    "no entiendo", "No te entiendo nada", "¿qué?", "que?", "eso no es lo que dije",
    "no tiene sentido", "não entendi", "nao entendi nada", "como assim?", "je comprends pas",
    "je ne comprends pas ce que tu veux dire", "quoi ?", "hein ?", "ich verstehe nicht",
    "Ich verstehe das nicht", "was?", "non capisco", "non ho capito",
])
def test_texts_that_say_the_athlete_is_lost(text: str) -> None:
    assert confused(text), text


@pytest.mark.parametrize("text", [
    "what time?", "What time is my workout?", "what's today?", "what weight?",
    "what does RIR mean?", "what do you mean by RIR?", "how do I do a hip hinge?", "ha", "ok",
    "thanks", "did it", "was",
    "que bueno", "sorry!", "that makes sense", "got it thanks", "I understand",
    "that's what I said", "I lost 3kg this month", "I'm lost for words, that was amazing",
    "I don't understand why my knee hurts after squats", "I don't understand the RDL cue",
    "I don't follow a diet", "I don't get it done before work usually",
    "it doesn't make sense to train on sunday for me",
    "confused about sets vs reps? no I get it now",
    "no entiendo por qué me duele la rodilla", "je comprends pas pourquoi j'ai mal",
    "Huh, interesting, I didn't know that",
    "I did 3x8 squats but what do you mean by RIR? "
    + "also my knee was a bit sore and I'm wondering whether to keep going with the lunges "
    + "next week or swap them for something easier because I don't want to make it worse",
])
def test_questions_and_remarks_are_not_confusion(text: str) -> None:
    assert not confused(text), text


def _history(*lines: tuple[str, str]) -> list[Line]:
    return [Line(who=who, text=text, at="Mon 02 Mar 09:00") for who, text in lines]


def test_the_previous_turn_is_the_athletes_last_texts_the_coach_answered() -> None:
    history = _history(("athlete", "hi"), ("coach", "Hi!"), ("athlete", "what?"),
                       ("athlete", "??"), ("coach", "Sorry, I meant your goal."),
                       ("coach", "Morning! Full body A today."))
    assert previous_turn(history) == ["what?", "??"]
    assert previous_turn(_history(("coach", "Welcome"))) == []
    # Texts the coach has not answered are not a turn before this one.
    assert previous_turn(_history(("coach", "Hi"), ("athlete", "huh"))) == []


def test_lost_twice_in_a_row_asks_for_a_person_once_lost_is_not_enough() -> None:
    before = _history(("athlete", "3 days"), ("coach", "Got it: 4 days a week."),
                      ("athlete", "huh??"), ("coach", "Noted; nothing in that changes."))
    escalation = for_confusion(["that's not what I said"], before)
    assert escalation is not None and escalation.reason == "confusion"
    assert "huh??" in escalation.detail and "that's not what I said" in escalation.detail
    calm = _history(("athlete", "3 days"), ("coach", "Got it: 3 days a week."))
    assert for_confusion(["what?"], calm) is None
    assert for_confusion(["what time?"], before) is None
    assert for_confusion(["no entiendo"], _history(("athlete", "¿qué?"), ("coach", "..."))) \
        is not None


def test_a_red_flag_keeps_the_referral_first_and_a_person_follows_up() -> None:
    flag = screen(["I got chest pain on the bike"])
    assert flag is not None
    reply = red_flag_reply(flag)
    assert reply.startswith(REFERRAL) and reply.endswith(told("red_flag", True))
    escalation = for_red_flag(flag, ["I got chest pain on the bike " * 30])
    assert escalation.reason == "red_flag" and escalation.detail.startswith("chest pain: ")
    assert len(escalation.detail) <= DETAIL_LIMIT


def test_what_the_athlete_is_told_is_short_and_honest() -> None:
    for reason in ("asked_for_person", "confusion"):
        opened, already = told(reason, True), told(reason, False)  # type: ignore[arg-type]
        assert "person from our team" in opened and "text you here" in opened
        assert "already" in already and len(opened) < 160 and len(already) < 160


@pytest.mark.parametrize("text", [
    "talk to a real person", "can I talk to a real person?", "Can i speak to someone",
    "is this a bot? I want a human", "i wanna talk to a real person pls", "human please",
    "connect me to a real person", "is there a real person I can talk to?",
    "hablar con una persona", "quiero hablar con una persona por favor",
    "posso falar com uma pessoa?", "je veux parler à une personne",
    "kann ich mit einem Menschen sprechen?", "posso parlare con una persona?",
])
def test_the_offline_reader_calls_request_human_when_asked_for_a_person(text: str) -> None:
    plan = human_plan([clean_text(text)])
    assert [name for name, _ in plan] == ["request_human"], text
    assert plan[0][1]["reason"] == "asked_for_person"


@pytest.mark.parametrize("text", [
    "I don't want to talk to a person, just text me", "I'll talk to my coach about it",
    "should I talk to someone about my knee?", "are you a real person?", "is this a bot?",
    "talk to you tomorrow", "I need to talk to my doctor first", "what time?",
])
def test_mentioning_people_is_not_asking_for_one(text: str) -> None:
    assert human_plan([clean_text(text)]) == [], text
