"""Random secrets and what is stored in their place.

Below every layer that needs one: browser sessions (web) and the athlete's one-time links
(coach) both hand a secret out once and keep only its hash, so a copy of the database opens
nothing.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A secret fit for a cookie or a one-time link: 256 bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored in place of a token. SHA-256 is enough: the token is random, not chosen,
    so there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
