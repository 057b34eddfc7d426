"""Lua scripts run on Redis by their SHA: one round trip, the script sent only when needed.

The enqueue (worker/queue.py) and the send pacing's token bucket (worker/sms/pacing.py) are
each one atomic script. Redis keeps scripts until it restarts or is flushed, so a script is
run by EVALSHA and loaded again only when Redis answers NOSCRIPT.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError


@dataclass(frozen=True)
class LuaScript:
    source: str
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha1(self.source.encode(), usedforsecurity=False).hexdigest()
        object.__setattr__(self, "sha", digest)

    async def run(self, redis: Redis, keys: Sequence[str],
                  args: Sequence[bytes | int | float | str]) -> Any:
        try:
            return await redis.evalsha(self.sha, len(keys), *keys, *args)  # type: ignore[arg-type, misc]
        except NoScriptError:
            await redis.script_load(self.source)
            return await redis.evalsha(self.sha, len(keys), *keys, *args)  # type: ignore[arg-type, misc]
