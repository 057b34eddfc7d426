"""Offline profile extraction: the rules in :mod:`extract`, applied to one turn's texts."""

from __future__ import annotations

from worker.agents.schemas import ProfileUpdate
from worker.llm.offline.extract import extract_profile
from worker.llm.types import LLMRequest


def profile_update(request: LLMRequest) -> ProfileUpdate:
    v = request.variables
    texts = [m["text"] for m in v.get("inbox", [])]
    return extract_profile(texts, last_question=v.get("last_coach_message"))
