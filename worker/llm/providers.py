"""Choosing the LLM provider from settings."""

from __future__ import annotations

from worker.llm.offline import OfflineProvider
from worker.llm.openai_provider import OpenAIProvider
from worker.llm.types import Provider
from worker.settings import Settings


def make_provider(settings: Settings) -> Provider:
    """OpenAI-compatible when configured, else the offline coach."""
    if settings.uses_openai:
        return OpenAIProvider(settings)
    return OfflineProvider()
