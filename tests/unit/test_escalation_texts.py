"""Asking for a person, measured on athletes' texts written blind (no code read).

``escalation_tuning.yaml`` was written first and the offline reader was then tuned on it, so
it must pass whole. ``escalation_heldout.yaml`` was written afterwards by someone who saw
neither the code nor the first file, and is never tuned on: it measures what the reader
catches of phrasings nobody anticipated. Its floors only stop that figure from falling; a
missed ask is a coach that keeps talking to someone who wants a person, a false one a person
paged for nothing, so false asks must stay at zero.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from worker.domain.escalation import confused
from worker.llm.offline.intents import human_plan
from worker.llm.offline.read.text import clean_text

TEXTS = Path(__file__).resolve().parents[1] / "texts"


def _labelled(name: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((TEXTS / name).read_text(encoding="utf-8"))
    return [(item["text"], item["expect"]) for item in data["texts"]]


def _read(text: str) -> str:
    if human_plan([clean_text(text)]):
        return "asked_for_person"
    return "confusion" if confused(text) else "none"


@pytest.mark.parametrize(("name", "min_recall"), [("escalation_tuning.yaml", 1.0),
                                                  ("escalation_heldout.yaml", 20 / 35)])
def test_asks_for_a_person_are_caught_and_nothing_else_is(name: str, min_recall: float) -> None:
    texts = _labelled(name)
    asks = [text for text, expect in texts if expect == "asked_for_person"]
    caught = [text for text in asks if _read(text) == "asked_for_person"]
    false = [text for text, expect in texts
             if expect != "asked_for_person" and _read(text) == "asked_for_person"]
    print(f"{name}: {len(caught)}/{len(asks)} asks caught, {len(false)} false asks")
    assert not false, false
    assert len(caught) / len(asks) >= min_recall, sorted(set(asks) - set(caught))


def test_confusion_is_read_only_where_written() -> None:
    texts = _labelled("escalation_tuning.yaml")
    wrong = [(text, expect) for text, expect in texts
             if (expect == "confusion") != (_read(text) == "confusion")
             and expect != "asked_for_person"]
    assert not wrong, wrong
