"""What every web route works with, opened once per process by the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from arq.connections import ArqRedis
from starlette.requests import Request

from worker.inbound import ChatBatcher
from worker.settings import Settings


@dataclass
class WebDeps:
    settings: Settings
    pool: asyncpg.Pool
    redis: ArqRedis
    #: The group commit for plain texts; None stores each text on its own.
    batcher: ChatBatcher | None = None


def deps_of(request: Request) -> WebDeps:
    found = request.app.state.deps
    assert isinstance(found, WebDeps)
    return found
