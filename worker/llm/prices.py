"""What model calls cost: a versioned price table, in US dollars per million tokens.

A call is priced when it is logged, and the table's version is stored with it, so changing a
price (add a new version; do not edit an old one) never rewrites what past calls cost. Models
not in the table (a local server, a model released after the table) are unpriced: their cost
is NULL and ``textcoach costs`` counts them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    prompt: Decimal
    cached_prompt: Decimal
    completion: Decimal


PRICE_TABLE: Final = "openai-2026-12"
#: By model name prefix; the longest prefix matching a model's reported name wins
#: ("gpt-4.1-mini-2025-04-14" is a gpt-4.1-mini).
PRICES: Final[dict[str, Price]] = {
    "gpt-4.1": Price(Decimal("2.00"), Decimal("0.50"), Decimal("8.00")),
    "gpt-4.1-mini": Price(Decimal("0.40"), Decimal("0.10"), Decimal("1.60")),
    "gpt-4.1-nano": Price(Decimal("0.10"), Decimal("0.025"), Decimal("0.40")),
    "gpt-4o": Price(Decimal("2.50"), Decimal("1.25"), Decimal("10.00")),
    "gpt-4o-mini": Price(Decimal("0.15"), Decimal("0.075"), Decimal("0.60")),
}
_MILLION: Final = Decimal(1_000_000)


def price_of(model: str) -> Price | None:
    matches = [name for name in PRICES if model == name or model.startswith(f"{name}-")]
    return PRICES[max(matches, key=len)] if matches else None


def cost_usd(model: str, prompt_tokens: int | None, completion_tokens: int | None,
             cached_tokens: int | None) -> Decimal | None:
    """A call's cost in dollars, or None for an unpriced model or a call with no token counts.
    Cached prompt tokens are part of the prompt tokens, billed at the cached rate."""
    price = price_of(model)
    if price is None or prompt_tokens is None:
        return None
    cached = min(cached_tokens or 0, prompt_tokens)
    total = ((prompt_tokens - cached) * price.prompt + cached * price.cached_prompt
             + (completion_tokens or 0) * price.completion) / _MILLION
    return total.quantize(Decimal("0.000001"))
