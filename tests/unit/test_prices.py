"""Pricing a model call from its token counts."""

from __future__ import annotations

from decimal import Decimal

from worker.llm.prices import cost_usd, price_of


def test_a_dated_model_name_is_priced_as_its_family() -> None:
    assert price_of("gpt-4.1-mini-2025-04-14") == price_of("gpt-4.1-mini")
    assert price_of("gpt-4.1-mini") != price_of("gpt-4.1")
    assert price_of("local-model") is None


def test_cached_prompt_tokens_are_billed_at_the_cached_rate() -> None:
    # 1M prompt tokens of which 500k cached, 100k out, on gpt-4.1-mini ($0.40 / $0.10 / $1.60)
    assert cost_usd("gpt-4.1-mini", 1_000_000, 100_000, 500_000) == Decimal("0.410000")
    assert cost_usd("local-model", 1000, 10, 0) is None
    assert cost_usd("gpt-4.1-mini", None, None, None) is None
