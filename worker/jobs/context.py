"""What every job receives: the pool, the queue, settings and the SMS channel.

ARQ hands jobs a plain dict; :func:`deps` gives them the typed view of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from arq.connections import ArqRedis

from worker.agents.runtime import Runtime
from worker.llm.offline import OfflineProvider
from worker.settings import Settings
from worker.sms.channel import Channel


@dataclass
class Deps:
    pool: asyncpg.Pool
    redis: ArqRedis
    settings: Settings
    channel: Channel
    runtime: Runtime | None = None

    def agents(self) -> Runtime:
        """The agent runtime (offline unless the worker was given another provider)."""
        if self.runtime is None:
            offline = OfflineProvider()
            self.runtime = Runtime(self.pool, offline, offline, attempts=1)
        return self.runtime


def deps(ctx: dict[str, Any]) -> Deps:
    found = ctx["deps"]
    assert isinstance(found, Deps)
    found.redis = ctx["redis"]
    return found
