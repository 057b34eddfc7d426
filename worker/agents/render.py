"""Rendering prompts and context templates, safely.

Templates are compiled from the database (written by coaches); athlete text only ever arrives as
the *value* of a variable, never as template source, so ``{{ 7*7 }}`` texted by an athlete is
printed as those seven characters. The sandbox and StrictUndefined guard the templates
themselves: no attribute tricks, and a misspelt variable is an error, not an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment


def _sms_date(value: Any) -> str:
    return value.strftime("%a %d %b") if hasattr(value, "strftime") else str(value)


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["day"] = _sms_date
    return env


@lru_cache(maxsize=256)
def _compile(source: str) -> Template:
    return environment().from_string(source)


def render(source: str, variables: Mapping[str, Any]) -> str:
    """Render one template; compiled templates are cached by their text."""
    return _compile(source).render(**variables).strip()
