"""What every job receives: the pool, the queue, settings and the SMS channel.

ARQ hands jobs a plain dict; :func:`deps` gives them the typed view of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from arq.connections import ArqRedis

from worker.settings import Settings
from worker.sms.channel import Channel


@dataclass
class Deps:
    pool: asyncpg.Pool
    redis: ArqRedis
    settings: Settings
    channel: Channel


def deps(ctx: dict[str, Any]) -> Deps:
    found = ctx["deps"]
    assert isinstance(found, Deps)
    found.redis = ctx["redis"]
    return found
