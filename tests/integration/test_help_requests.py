"""The coach asks for a person: red flags, repeated confusion and an explicit ask open one help
request per athlete, on real PostgreSQL and Redis, through the webhook and a real worker; the
operators' webhook is told once, on a real local HTTP server."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest
import uvicorn
from arq import Retry
from arq.connections import ArqRedis
from arq.constants import job_key_prefix
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import SendText, athlete_with_profile, last_reply, offline_runtime
from tests.processes import free_port
from worker import constants
from worker.agents.plans import build_plan
from worker.domain.escalation import RED_FLAG_FOLLOW_UP
from worker.domain.profile import ProfileUpdate
from worker.domain.replies import CoachReply
from worker.domain.safety import REFERRAL
from worker.jobs.app import build_worker
from worker.jobs.context import Deps
from worker.jobs.inbox import process_inbox
from worker.jobs.notify import notify_operators
from worker.llm.offline import OfflineProvider
from worker.llm.types import LLMRequest, LLMResponse, Provider, ToolCall
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.staff.help import (
    HumanRequested,
    open_help_count,
    open_help_for,
    open_help_request,
    resolve_help_request,
)

# -- A local operators' webhook ----------------------------------------------------------------


@dataclass
class Receiver:
    """What the operators' webhook received, and the statuses it answers with, in turn (the
    last one repeats)."""

    url: str
    notices: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])

    def answer(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = free_port()
    found = Receiver(url=f"http://127.0.0.1:{port}/hooks/textcoach")

    async def hook(request: Request) -> JSONResponse:
        found.notices.append(await request.json())
        return JSONResponse({"ok": True}, status_code=found.answer())

    app = Starlette(routes=[Route("/hooks/textcoach", hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield found
    server.should_exit = True
    thread.join(timeout=10)


# -- A model that never escalates by itself, and one that calls request_human ------------------


class Model:
    """Stands in for a model: it reads no red flags and no confusion (code must), and, when
    ``asks_for_people``, calls request_human on "human" as a model with tools would. Plans and
    weeks are the offline engine's."""

    name = "model"

    def __init__(self, *, asks_for_people: bool = False) -> None:
        self.asks_for_people = asks_for_people
        self.offline = OfflineProvider()
        self.coach_calls = 0

    def serves(self, model: str) -> str:
        return "stub"

    async def complete(self, request: LLMRequest) -> LLMResponse:
        if request.schema is ProfileUpdate:
            return LLMResponse(self.name, "stub", "{}", output=ProfileUpdate())
        if request.schema is not CoachReply:
            return await self.offline.complete(request)
        self.coach_calls += 1
        texts = " ".join(str(line["text"]) for line in request.variables["inbox"])
        if self.asks_for_people and request.allow_tools and not request.tool_outcomes and \
                "human" in texts:
            call = ToolCall("call_1", "request_human",
                            {"reason": "asked_for_person", "detail": "wants a human"})
            return LLMResponse(self.name, "stub", "", tool_calls=[call])
        told = [o.result.tell_athlete for o in request.tool_outcomes
                if isinstance(o.result, HumanRequested)]
        reply = " ".join(told) or "Great, keep it up!"
        return LLMResponse(self.name, "stub", reply, output=CoachReply(reply=reply))

    async def close(self) -> None:
        return None


# -- Helpers ---------------------------------------------------------------------------------


async def _active_athlete(pool: asyncpg.Pool, phone: str) -> UUID:
    """An athlete with a plan running, who has not texted yet."""
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[],
                                         phone=phone)
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    return user_id


async def _work(settings: Settings, database_url: str, redis_url: str,
                provider: Provider | None = None) -> LocalChannel:
    """One burst of a real worker (with these settings and provider) until the queue is empty."""
    channel = LocalChannel()
    worker = build_worker(settings, database_url=database_url, redis_url=redis_url,
                          channel=channel, provider=provider, burst=True,
                          handle_signals=False, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()
    return channel


async def _requests(pool: asyncpg.Pool, user_id: UUID) -> list[asyncpg.Record]:
    return list(await pool.fetch(
        "SELECT * FROM help_requests WHERE user_id = $1 ORDER BY created_at", user_id))


# -- Asked for a person --------------------------------------------------------------------------


async def test_asking_for_a_person_opens_one_request_and_says_a_person_will_text(
    send_text: SendText, settings: Settings, database_url: str, redis_url: str,
    pool: asyncpg.Pool,
) -> None:
    phone = "+13125550101"
    user_id = await _active_athlete(pool, phone)
    await send_text(phone, "talk to a real person")
    await _work(settings, database_url, redis_url)
    [request] = await _requests(pool, user_id)
    asked = await pool.fetchrow("SELECT id, turn_id FROM messages WHERE user_id = $1"
                                " AND direction = 'inbound'", user_id)
    assert request["reason"] == "asked_for_person" and request["resolved_at"] is None
    assert request["source_message_id"] == asked["id"]
    assert request["turn_id"] == asked["turn_id"]
    assert "talk to a real person" in request["detail"]
    assert request["notified_at"] is None  # no webhook configured: the console badge only
    reply = await last_reply(pool, user_id)
    assert "person from our team" in reply and "text you here" in reply
    assert len(reply) < 200, reply

    # Asking again opens nothing more: the one request is still waiting.
    await send_text(phone, "is this a bot? I want a human")
    await _work(settings, database_url, redis_url)
    assert len(await _requests(pool, user_id)) == 1
    assert "already" in await last_reply(pool, user_id)

    async with pool.acquire() as conn:
        assert await open_help_count(conn) == 1
        found = await open_help_for(conn, user_id)
        assert found is not None and found.id == request["id"]
        assert await resolve_help_request(conn, user_id, None)
        assert not await resolve_help_request(conn, user_id, None)
        assert await open_help_count(conn) == 0 and await open_help_for(conn, user_id) is None


async def test_a_model_that_calls_request_human_gets_the_same_request_and_words(
    send_text: SendText, settings: Settings, database_url: str, redis_url: str,
    pool: asyncpg.Pool,
) -> None:
    phone = "+13125550102"
    user_id = await _active_athlete(pool, phone)
    await send_text(phone, "can a human look at my plan?")
    await _work(settings, database_url, redis_url, Model(asks_for_people=True))
    [request] = await _requests(pool, user_id)
    assert (request["reason"], request["detail"]) == ("asked_for_person", "wants a human")
    assert "person from our team" in await last_reply(pool, user_id)
    effect = await pool.fetchval("SELECT count(*) FROM tool_effects WHERE tool = 'request_human'")
    assert effect == 1  # a writing tool: once per text, even if the turn runs again


async def test_open_help_request_is_idempotent_while_one_is_open(pool: asyncpg.Pool) -> None:
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[])
    async with pool.acquire() as conn:
        first = await open_help_request(conn, user_id, "confusion", "lost", None, None)
        assert first is not None and first.reason == "confusion"
        assert await open_help_request(conn, user_id, "red_flag", "dizzy", None, None) is None
        assert (await open_help_for(conn, user_id)) == first
        assert await resolve_help_request(conn, user_id, None)
        again = await open_help_request(conn, user_id, "red_flag", "dizzy", None, None)
        assert again is not None and again.id != first.id
    assert len(await _requests(pool, user_id)) == 2


# -- Red flags, on both providers ------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["offline", "model"])
async def test_a_red_flag_opens_a_red_flag_request_whatever_the_provider(
    provider: str, send_text: SendText, settings: Settings, database_url: str, redis_url: str,
    pool: asyncpg.Pool,
) -> None:
    phone = "+13125550103"
    user_id = await _active_athlete(pool, phone)
    model = Model() if provider == "model" else None
    await send_text(phone, "I got chest pain and went dizzy during my warm-up")
    await _work(settings, database_url, redis_url, model)
    [request] = await _requests(pool, user_id)
    assert request["reason"] == "red_flag" and request["detail"].startswith("chest pain: ")
    reply = await last_reply(pool, user_id)
    assert reply.startswith(REFERRAL[:60]) and reply.endswith(RED_FLAG_FOLLOW_UP)
    if model is not None:
        assert model.coach_calls == 0  # code answered; the model never saw it


# -- Repeated confusion --------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["offline", "model"])
async def test_lost_twice_in_a_row_opens_a_confusion_request_once_does_not(
    provider: str, send_text: SendText, settings: Settings, database_url: str, redis_url: str,
    pool: asyncpg.Pool,
) -> None:
    phone = "+13125550104"
    user_id = await _active_athlete(pool, phone)
    model = Model() if provider == "model" else None
    for text in ("what?", "what's today?", "huh"):  # lost, then not: no two in a row
        await send_text(phone, text)
        await _work(settings, database_url, redis_url, model)
    assert await _requests(pool, user_id) == []
    await send_text(phone, "i dont understand what u mean")
    await _work(settings, database_url, redis_url, model)
    [request] = await _requests(pool, user_id)
    assert request["reason"] == "confusion"
    assert "huh" in request["detail"] and "i dont understand" in request["detail"]
    reply = await last_reply(pool, user_id)
    assert reply.startswith("Sorry, I'm not getting this right.") and "text you here" in reply


# -- Notifying the operators -----------------------------------------------------------------------


async def test_the_operators_webhook_is_told_once_and_the_request_marked(
    receiver: Receiver, send_text: SendText, settings: Settings, database_url: str,
    redis_url: str, pool: asyncpg.Pool,
) -> None:
    hooked = settings.model_copy(update={"operator_webhook_url": receiver.url})
    phone = "+13125550105"
    user_id = await _active_athlete(pool, phone)
    await send_text(phone, "can I speak to someone please?")
    await _work(hooked, database_url, redis_url)
    [request] = await _requests(pool, user_id)
    assert request["notified_at"] is not None
    [notice] = receiver.notices
    assert notice == {
        "event": "help_requested", "athlete_id": str(user_id), "name": "Sam",
        "reason": "asked_for_person", "detail": request["detail"],
        "requested_at": notice["requested_at"],
        "console_url": f"{settings.base_url}/console/athletes/{user_id}",
    }
    assert datetime.fromisoformat(notice["requested_at"]) == request["created_at"]

    # Asked again: no new request, so no new notice.
    await send_text(phone, "human please")
    await _work(hooked, database_url, redis_url)
    assert len(receiver.notices) == 1 and len(await _requests(pool, user_id)) == 1


async def test_a_refused_notice_is_retried_later_and_a_resolved_one_is_not_sent(
    receiver: Receiver, settings: Settings, pool: asyncpg.Pool, redis: ArqRedis,
) -> None:
    hooked = settings.model_copy(update={"operator_webhook_url": receiver.url})
    ctx: dict[str, Any] = {"deps": Deps(pool, redis, hooked, LocalChannel()), "redis": redis}
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[])
    async with pool.acquire() as conn:
        request = await open_help_request(conn, user_id, "confusion", "lost", None, None)
    assert request is not None
    receiver.statuses = [503, 200]
    with pytest.raises(Retry) as retried:
        await notify_operators(ctx | {"job_try": 1}, str(request.id))
    assert retried.value.defer_score == constants.NOTIFY_RETRY_S * 1000
    assert (await open_help_for(pool, user_id)).notified_at is None  # type: ignore[union-attr]
    receiver.statuses = [502, 200]
    with pytest.raises(Retry) as later:
        await notify_operators(ctx | {"job_try": 3}, str(request.id))
    assert later.value.defer_score == 4 * constants.NOTIFY_RETRY_S * 1000
    assert await notify_operators(ctx | {"job_try": 4}, str(request.id)) == "notified"
    assert await notify_operators(ctx | {"job_try": 1}, str(request.id)) == "already notified"
    assert len(receiver.notices) == 3

    # The last try gives up rather than retrying past the job's limit.
    async with pool.acquire() as conn:
        await resolve_help_request(conn, user_id, None)
        request = await open_help_request(conn, user_id, "red_flag", "dizzy", None, None)
    assert request is not None
    receiver.statuses = [500]
    last = {"job_try": constants.NOTIFY_OPERATORS_MAX_TRIES}
    assert (await notify_operators(ctx | last, str(request.id))).startswith("gave up")

    # Resolved before its notice went out: nobody is nudged about it.
    async with pool.acquire() as conn:
        await resolve_help_request(conn, user_id, None)
    sent = len(receiver.notices)
    assert await notify_operators(ctx | {"job_try": 2}, str(request.id)) == \
        "resolved before the notice went out"
    assert len(receiver.notices) == sent


async def test_a_notice_job_is_enqueued_only_with_a_webhook(
    send_text: SendText, settings: Settings, pool: asyncpg.Pool, redis: ArqRedis,
) -> None:
    hooked = settings.model_copy(update={"operator_webhook_url": "http://127.0.0.1:9/hook"})
    for phone, given in (("+13125550106", settings), ("+13125550107", hooked)):
        user_id = await _active_athlete(pool, phone)
        await send_text(phone, "I fainted at the gym")
        ctx: dict[str, Any] = {"deps": Deps(pool, redis, given, LocalChannel()), "redis": redis,
                               "job_try": 1}
        await process_inbox(ctx, str(user_id))
        [request] = await _requests(pool, user_id)
        key = job_key_prefix + constants.notify_job_id(request["id"])
        assert bool(await redis.exists(key)) == (given is hooked), phone
