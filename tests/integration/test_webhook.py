"""The Twilio webhook: signatures, bad input, idempotent storage, keywords and status callbacks."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx2
import pytest
from arq.connections import ArqRedis

from tests.conftest import TEST_BASE_URL, RunWorker, SendText
from worker import constants
from worker.errors import ConfigError
from worker.inbound_buffer import drain_buffered, opt_out_buffered
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_send
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.web.app import create_app
from worker.web.deps import WebDeps
from worker.web.signature import sign, twilio_form

PHONE = "+15551230001"


async def _count(pool: asyncpg.Pool, where: str = "true") -> int:
    return int(await pool.fetchval(f"SELECT count(*) FROM messages WHERE {where}"))


async def test_valid_signature_is_accepted_and_stored(
    send_text: SendText, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    response = await send_text(PHONE, "hello coach")
    assert response.status_code == 200
    row = await pool.fetchrow("SELECT body, direction, status FROM messages")
    assert row is not None
    assert (row["body"], row["direction"], row["status"]) == ("hello coach", "inbound", "received")
    user = await pool.fetchrow("SELECT phone, opted_in_at FROM users")
    assert user is not None and user["phone"] == PHONE and user["opted_in_at"] is not None
    assert await redis.zcard(constants.QUEUE_NAME) == 1


async def test_forged_signature_is_refused_and_nothing_stored(
    send_text: SendText, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    response = await send_text(PHONE, "hello", signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status_code == 403
    missing = await send_text(PHONE, "hello", signature="")
    assert missing.status_code == 403
    assert await _count(pool) == 0
    assert await pool.fetchval("SELECT count(*) FROM users") == 0
    assert await redis.zcard(constants.QUEUE_NAME) == 0


async def test_signature_over_a_tampered_body_is_refused(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool
) -> None:
    form = twilio_form(settings, sid="SM" + "1" * 32, phone=PHONE, body="original")
    signature = sign(settings.webhook_auth_token, f"{TEST_BASE_URL}/twilio/sms", form)
    form["Body"] = "tampered"
    response = await client.post(
        "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert await _count(pool) == 0


async def test_forwarded_headers_count_only_behind_a_trusted_proxy(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    """Behind a proxy Twilio signs the public URL and the forwarded headers rebuild it, but
    only when the operator says a proxy sets them: otherwise a client could pick the URL its
    signature is checked against."""
    form = twilio_form(settings, sid="SM" + "2" * 32, phone=PHONE, body="via proxy")
    public = "https://coach.example.com/twilio/sms"
    headers = {
        "X-Twilio-Signature": sign(settings.webhook_auth_token, public, form),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "coach.example.com",
    }
    assert (await client.post("/twilio/sms", data=form, headers=headers)).status_code == 403
    assert await _count(pool) == 0
    trusting = settings.model_copy(update={"trust_proxy_headers": True})
    app = create_app(trusting, deps=WebDeps(trusting, pool, redis))
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url=TEST_BASE_URL) as behind_proxy:
        response = await behind_proxy.post("/twilio/sms", data=form, headers=headers)
    assert response.status_code == 200
    assert await _count(pool) == 1


async def _signed_post(client: httpx2.AsyncClient, settings: Settings, path: str,
                       form: dict[str, str]) -> httpx2.Response:
    signature = sign(settings.webhook_auth_token, f"{TEST_BASE_URL}{path}", form)
    return await client.post(path, data=form, headers={"X-Twilio-Signature": signature})


async def test_a_body_over_the_limit_is_refused_before_it_is_parsed(
    client: httpx2.AsyncClient, pool: asyncpg.Pool
) -> None:
    huge = b"Body=" + b"a" * (constants.MAX_WEBHOOK_BODY_BYTES + 1)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    declared = await client.post("/twilio/sms", content=huge, headers=headers)
    assert declared.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(100):
            yield b"a" * 4096

    streamed = await client.post("/twilio/sms", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert await _count(pool) == 0


async def test_signed_nonsense_gets_a_400_never_a_500(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool
) -> None:
    def inbound(**changes: str) -> dict[str, str]:
        return {**twilio_form(settings, sid=f"SM{uuid.uuid4().hex}", phone=PHONE, body="hi"),
                **changes}

    for form in (inbound(MessageSid="SM\x00abc"), inbound(To="+1555\x00"),
                 inbound(MessageSid="SM" + "9" * 8000), inbound(Body="x" * 1601),
                 inbound(MessageSid="SM abc/../x")):
        response = await _signed_post(client, settings, "/twilio/sms", form)
        assert response.status_code == 400, (form, response.text)
    assert await _count(pool) == 0
    for code in ("²", "9" * 5000, "99999999999", "-1", ""):
        status = {"MessageSid": f"SM{uuid.uuid4().hex}", "MessageStatus": "failed",
                  "ErrorCode": code}
        response = await _signed_post(client, settings, "/twilio/status", status)
        assert response.status_code == 204, (code, response.text)


async def test_a_nul_in_the_text_is_dropped_and_stop_still_stops(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool
) -> None:
    form = twilio_form(settings, sid=f"SM{uuid.uuid4().hex}", phone=PHONE, body="STOP\x00")
    assert (await _signed_post(client, settings, "/twilio/sms", form)).status_code == 200
    assert await pool.fetchval("SELECT body FROM messages WHERE direction = 'inbound'") == "STOP"
    assert await pool.fetchval("SELECT opted_out_at IS NOT NULL FROM users") is True


def test_the_local_secret_is_refused_beyond_loopback(settings: Settings) -> None:
    settings.model_copy(update={"web_host": "127.0.0.1"}).check_listener()
    with pytest.raises(ConfigError, match=r"TEXTCOACH_WEB_HOST='0\.0\.0\.0'"):
        settings.model_copy(update={"web_host": "0.0.0.0"}).check_listener()  # noqa: S104


async def test_malformed_requests_get_400(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool
) -> None:
    as_json = await client.post("/twilio/sms", json={"Body": "hi"})
    assert as_json.status_code == 400
    form = {"Body": "no sid or sender"}
    signature = sign(settings.webhook_auth_token, f"{TEST_BASE_URL}/twilio/sms", form)
    missing = await client.post(
        "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert missing.status_code == 400
    assert "MessageSid" in missing.text
    bad_from = twilio_form(settings, sid="SM" + "3" * 32, phone="not-a-phone", body="x")
    signature = sign(settings.webhook_auth_token, f"{TEST_BASE_URL}/twilio/sms", bad_from)
    response = await client.post(
        "/twilio/sms", data=bad_from, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 400
    assert await _count(pool) == 0


async def test_same_webhook_three_times_concurrently_is_stored_and_answered_once(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    responses = await asyncio.gather(*(send_text(PHONE, "hi there", sid=sid) for _ in range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert await _count(pool, "direction = 'inbound'") == 1
    assert await pool.fetchval("SELECT count(*) FROM users") == 1
    await run_worker()
    replies = await pool.fetch("SELECT turn_id FROM messages WHERE direction = 'outbound'")
    assert len({r["turn_id"] for r in replies}) == 1
    assert len(channel.sent) == len(replies) >= 1
    # Twilio retrying later, after the reply went out, changes nothing either.
    assert (await send_text(PHONE, "hi there", sid=sid)).status_code == 200
    await run_worker()
    assert len(channel.sent) == len(replies)


async def test_burst_of_three_texts_is_one_turn_and_one_reply(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    await send_text(PHONE, "hey")  # first contact: welcome
    await run_worker()
    welcome = len(channel.sent)
    for body in ("I want to get stronger", "I have dumbbells", "and 30 minutes a day"):
        await send_text(PHONE, body)
    await run_worker()
    turns = await pool.fetch(
        "SELECT DISTINCT turn_id FROM messages WHERE direction = 'inbound' AND body LIKE '%a%'"
        " AND body <> 'hey'"
    )
    assert len(turns) == 1
    answer = await pool.fetch(
        "SELECT body FROM messages WHERE direction = 'outbound' AND turn_id = $1",
        turns[0]["turn_id"],
    )
    assert len(answer) == 1
    assert len(channel.sent) == welcome + 1


async def test_stop_silences_everything_and_start_resumes(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    await send_text(PHONE, "hi")
    await run_worker()
    before_stop = len(channel.sent)

    await send_text(PHONE, "STOP")
    user = await pool.fetchrow("SELECT opted_out_at FROM users")
    assert user is not None and user["opted_out_at"] is not None
    await send_text(PHONE, "are you still there?")
    await run_worker()
    # Only the opt-out confirmation went out; the later text was stored and not answered.
    sent_after_stop = [t.body for t in channel.sent[before_stop:]]
    assert len(sent_after_stop) == 1 and "unsubscribed" in sent_after_stop[0]
    stored = await pool.fetchrow(
        "SELECT processed_at FROM messages WHERE body = 'are you still there?'"
    )
    assert stored is not None and stored["processed_at"] is not None

    await send_text(PHONE, "start")
    await run_worker()
    user = await pool.fetchrow("SELECT opted_out_at FROM users")
    assert user is not None and user["opted_out_at"] is None
    await send_text(PHONE, "ok I'm back")
    await run_worker()
    bodies = [t.body for t in channel.sent[before_stop + 1 :]]
    assert "subscribed again" in bodies[0]
    assert len(bodies) == 2  # the coach answers again


async def test_reply_written_before_stop_is_suppressed_at_send_time(
    send_text: SendText,
    run_worker: RunWorker,
    pool: asyncpg.Pool,
    redis: ArqRedis,
    channel: LocalChannel,
) -> None:
    """Consent is checked when sending, not only when the reply is written."""
    await send_text(PHONE, "hi")
    await run_worker()
    user_id = await pool.fetchval("SELECT id FROM users")
    # A reply already written and queued (as a turn leaves it) when STOP arrives.
    async with pool.acquire() as conn, conn.transaction():
        ids = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number="+15550000100", to_number=PHONE, body="Your workout today...",
            kind="chat",
        )
    await enqueue_send(redis, ids[0])
    await send_text(PHONE, "stop")
    sent_before = len(channel.sent)
    await run_worker()
    bodies = [t.body for t in channel.sent[sent_before:]]
    assert len(bodies) == 1 and "unsubscribed" in bodies[0]
    row = await pool.fetchrow("SELECT status, error_message FROM messages WHERE id = $1", ids[0])
    assert row is not None
    assert (row["status"], row["error_message"]) == ("suppressed", "recipient opted out")


async def test_help_is_answered_by_the_webhook(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    await send_text(PHONE, "HELP")
    await run_worker()
    assert len(channel.sent) == 1
    assert "STOP" in channel.sent[0].body
    kinds = await pool.fetch("SELECT kind FROM messages ORDER BY created_at")
    assert [k["kind"] for k in kinds] == ["keyword", "help"]


async def _post_status(
    client: httpx2.AsyncClient, settings: Settings, form: dict[str, str], query: str = ""
) -> httpx2.Response:
    path = f"/twilio/status{query}"
    signature = sign(settings.webhook_auth_token, f"{TEST_BASE_URL}{path}", form)
    return await client.post(path, data=form, headers={"X-Twilio-Signature": signature})


async def test_status_callbacks_only_move_forward(
    send_text: SendText,
    run_worker: RunWorker,
    client: httpx2.AsyncClient,
    settings: Settings,
    pool: asyncpg.Pool,
) -> None:
    await send_text(PHONE, "hi")
    await run_worker()
    await pool.execute("UPDATE messages SET status = 'sent' WHERE direction = 'outbound'")
    sid = await pool.fetchval("SELECT provider_sid FROM messages WHERE direction = 'outbound'")
    for status in ("delivered", "sending", "queued"):
        response = await _post_status(
            client, settings, {"MessageSid": sid, "MessageStatus": status}
        )
        assert response.status_code == 204
    assert await pool.fetchval("SELECT status FROM messages WHERE provider_sid = $1", sid) == (
        "delivered"
    )
    forged = await client.post(
        "/twilio/status", data={"MessageSid": sid, "MessageStatus": "failed"},
        headers={"X-Twilio-Signature": "x"},
    )
    assert forged.status_code == 403


async def test_status_callback_settles_a_send_whose_sid_was_never_stored(
    send_text: SendText,
    run_worker: RunWorker,
    client: httpx2.AsyncClient,
    settings: Settings,
    pool: asyncpg.Pool,
) -> None:
    await send_text(PHONE, "hi")
    await run_worker()
    message_id = await pool.fetchval(
        "UPDATE messages SET status = 'unknown', provider_sid = NULL"
        " WHERE direction = 'outbound' RETURNING id"
    )
    sid = f"SM{uuid.uuid4().hex}"
    response = await _post_status(
        client, settings, {"MessageSid": sid, "MessageStatus": "delivered"},
        query=f"?message_id={message_id}",
    )
    assert response.status_code == 204
    row = await pool.fetchrow("SELECT status, provider_sid FROM messages WHERE id = $1", message_id)
    assert row is not None and (row["status"], row["provider_sid"]) == ("delivered", sid)


async def test_status_callback_21610_opts_the_athlete_out(
    send_text: SendText,
    run_worker: RunWorker,
    client: httpx2.AsyncClient,
    settings: Settings,
    pool: asyncpg.Pool,
) -> None:
    await send_text(PHONE, "hi")
    await run_worker()
    sid = await pool.fetchval(
        "UPDATE messages SET status = 'queued' WHERE direction = 'outbound' RETURNING provider_sid"
    )
    form = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "21610"}
    assert (await _post_status(client, settings, form)).status_code == 204
    assert await pool.fetchval("SELECT opted_out_at IS NOT NULL FROM users")


async def test_healthz_reports_both_services(client: httpx2.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_a_status_callback_never_touches_an_inbound_text(
    send_text: SendText,
    run_worker: RunWorker,
    client: httpx2.AsyncClient,
    settings: Settings,
    pool: asyncpg.Pool,
) -> None:
    """Not its status, and an ErrorCode 21610 on it does not opt the sender out; a callback
    naming our message by id with a SID another row holds is ignored, not a 500."""
    await send_text(PHONE, "hi")
    await run_worker()
    inbound_sid = await pool.fetchval(
        "SELECT provider_sid FROM messages WHERE direction = 'inbound'")
    form = {"MessageSid": inbound_sid, "MessageStatus": "failed", "ErrorCode": "21610"}
    assert (await _post_status(client, settings, form)).status_code == 204
    assert await pool.fetchval(
        "SELECT status FROM messages WHERE direction = 'inbound'") == "received"
    assert await pool.fetchval("SELECT opted_out_at IS NULL FROM users")
    message_id = await pool.fetchval(
        "UPDATE messages SET provider_sid = NULL WHERE direction = 'outbound' RETURNING id")
    crossed = {"MessageSid": inbound_sid, "MessageStatus": "delivered"}
    response = await _post_status(client, settings, crossed, query=f"?message_id={message_id}")
    assert response.status_code == 204
    assert await pool.fetchval(
        "SELECT provider_sid FROM messages WHERE id = $1", message_id) is None


async def test_texts_survive_a_postgresql_outage_in_redis_stop_first(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    """PostgreSQL unreachable: the webhook keeps each signed text in Redis and answers 200;
    the drain stores them through the usual path, the STOP first, each SID once."""
    down = await asyncpg.create_pool("postgresql://textcoach@127.0.0.1:9/none", min_size=0)
    app = create_app(settings, deps=WebDeps(settings, down, redis))
    sids = [f"SM{uuid.uuid4().hex}" for _ in range(2)]
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url=TEST_BASE_URL) as outage:
        for sid, body in zip(sids, ("my knee is better", "stop texting me"), strict=True):
            form = twilio_form(settings, sid=sid, phone=PHONE, body=body)
            for _ in range(2):  # and redelivered
                assert (await _signed_post(outage, settings, "/twilio/sms", form)).status_code \
                    == 200
    await down.close()
    assert await _count(pool) == 0
    assert await redis.hlen(constants.INBOUND_BUFFER) == 2
    assert await opt_out_buffered(redis, PHONE)

    assert await drain_buffered(pool, redis, settings) == 2
    stored = await pool.fetch(
        "SELECT body, kind FROM messages WHERE direction = 'inbound' ORDER BY created_at")
    assert [(r["body"], r["kind"]) for r in stored] == [
        ("stop texting me", "keyword"), ("my knee is better", "chat")]
    assert await pool.fetchval("SELECT opted_out_at IS NOT NULL FROM users")
    assert await redis.hlen(constants.INBOUND_BUFFER) == 0
    assert not await opt_out_buffered(redis, PHONE)
    assert await drain_buffered(pool, redis, settings) == 0


async def test_with_postgresql_and_redis_both_down_the_webhook_says_503(
    settings: Settings,
) -> None:
    down = await asyncpg.create_pool("postgresql://textcoach@127.0.0.1:9/none", min_size=0)
    gone = ArqRedis(host="127.0.0.1", port=9, socket_connect_timeout=1)
    app = create_app(settings, deps=WebDeps(settings, down, gone))
    form = twilio_form(settings, sid=f"SM{uuid.uuid4().hex}", phone=PHONE, body="hello?")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url=TEST_BASE_URL) as outage:
        response = await _signed_post(outage, settings, "/twilio/sms", form)
        status = {"MessageSid": f"SM{uuid.uuid4().hex}", "MessageStatus": "delivered"}
        receipt = await _signed_post(outage, settings, "/twilio/status", status)
    assert (response.status_code, receipt.status_code) == (503, 503)
    await down.close()
    await gone.aclose()
