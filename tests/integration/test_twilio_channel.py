"""TwilioChannel through the real twilio SDK, with only its HTTP client replaced: no network.

The fake sits at the SDK's own seam (``twilio.http.AsyncHttpClient``), so the request the SDK
builds (URL, form fields, auth) and the way it parses Twilio's answers (a message resource, or an
error body with a Twilio code) are the real ones. The last tests run the whole pipeline (webhook,
queue, worker, send job) with this channel injected.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import pytest
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from tests.conftest import RunWorker, SendText
from worker.settings import Settings
from worker.sms.channel import ChannelError, SendResult, TwilioChannel

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "secret"
FROM_NUMBER = "+15550009999"
SERVICE_SID = "MG" + "3" * 32
PHONE = "+15551230077"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str
    data: dict[str, Any]
    headers: dict[str, str]
    auth: tuple[str, str] | None


def message_resource(sid: str, data: dict[str, Any]) -> dict[str, Any]:
    """What Twilio answers to a successful POST .../Messages.json (201 Created)."""
    date = "Thu, 24 Aug 2023 05:01:45 +0000"
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": data.get("Body"),
        "date_created": date,
        "date_sent": None,
        "date_updated": date,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": data.get("From"),
        "messaging_service_sid": data.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"
        },
        "to": data.get("To"),
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


def twilio_error(status: int, code: int, message: str) -> Response:
    """Twilio's (legacy, non RFC-9457) error body, as the Messages API sends it."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Response(status, json.dumps(body))


Answer = Callable[[Recorded], Response]


class FakeTwilioHttp(AsyncHttpClient):  # type: ignore[misc]
    """Records every request; answers with ``answer`` (default: 201 with a fresh SID)."""

    def __init__(self, answer: Answer | None = None) -> None:
        super().__init__(logging.getLogger("tests.fake_twilio"), is_async=True, timeout=None)
        self.answer = answer or self.created
        self.requests: list[Recorded] = []
        self.sids: list[str] = []
        self.closed = False

    def created(self, request: Recorded) -> Response:
        sid = f"SM{uuid.uuid4().hex}"
        self.sids.append(sid)
        return Response(201, json.dumps(message_resource(sid, request.data)))

    async def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's signature
        allow_redirects: bool = False,
    ) -> Response:
        recorded = Recorded(method, uri, dict(data or {}), dict(headers or {}), auth)
        self.requests.append(recorded)
        return self.answer(recorded)

    async def close(self) -> None:
        self.closed = True


def always(response: Response) -> Answer:
    return lambda _request: response


def twilio_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": None,
        "redis_url": None,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_from_number": FROM_NUMBER,
        "twilio_messaging_service_sid": None,
        "public_base_url": "https://coach.example.com",
    }
    values.update(overrides)
    return Settings(**values)


async def _send(channel: TwilioChannel, message_id: uuid.UUID | None = None) -> SendResult:
    return await channel.send(
        to=PHONE, from_=FROM_NUMBER, body="Today: 3x10 goblet squats.",
        message_id=message_id or uuid.uuid4(),
    )


async def test_a_created_message_gives_its_sid_and_status() -> None:
    fake = FakeTwilioHttp()
    result = await _send(TwilioChannel(twilio_settings(), http_client=fake))
    assert result == SendResult(sid=fake.sids[0], status="queued")
    assert result.sid.startswith("SM")


async def test_the_request_is_a_post_of_the_message_form() -> None:
    fake = FakeTwilioHttp()
    message_id = uuid.uuid4()
    await _send(TwilioChannel(twilio_settings(), http_client=fake), message_id)
    [request] = fake.requests
    assert request.method == "POST"
    assert request.url == MESSAGES_URL
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.data == {
        "To": PHONE,
        "From": FROM_NUMBER,
        "Body": "Today: 3x10 goblet squats.",
        "StatusCallback": f"https://coach.example.com/twilio/status?message_id={message_id}",
    }
    callback = urlsplit(str(request.data["StatusCallback"]))
    assert parse_qs(callback.query) == {"message_id": [str(message_id)]}


async def test_a_messaging_service_replaces_the_from_number() -> None:
    fake = FakeTwilioHttp()
    channel = TwilioChannel(twilio_settings(twilio_messaging_service_sid=SERVICE_SID),
                            http_client=fake)
    await _send(channel)
    [request] = fake.requests
    assert request.data["MessagingServiceSid"] == SERVICE_SID
    assert "From" not in request.data


async def test_no_public_url_means_no_status_callback() -> None:
    fake = FakeTwilioHttp()
    await _send(TwilioChannel(twilio_settings(public_base_url=None), http_client=fake))
    assert "StatusCallback" not in fake.requests[0].data


async def test_unsubscribed_recipient_is_a_permanent_error_with_its_code() -> None:
    fake = FakeTwilioHttp(
        always(twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"))
    )
    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=fake))
    error = caught.value
    assert (error.code, error.status) == (21610, 400)
    assert error.retryable is False
    assert error.ambiguous is False
    assert "unsubscribed recipient" in str(error)


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (twilio_error(429, 20429, "Too Many Requests"), 20429),
        (twilio_error(500, 20500, "An internal server error has occurred"), 20500),
        (twilio_error(503, 20503, "Service unavailable"), 20503),
        # A 5xx from a proxy in front of Twilio: no JSON at all.
        (Response(502, "<html>Bad Gateway</html>"), 502),
    ],
    ids=["429-rate-limited", "500", "503", "502-not-json"],
)
async def test_rate_limits_and_server_errors_are_retryable(response: Response, code: int) -> None:
    fake = FakeTwilioHttp(always(response))
    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=fake))
    assert caught.value.retryable is True
    assert caught.value.ambiguous is False
    assert caught.value.code == code
    assert caught.value.status == response.status_code


async def test_a_bad_number_is_permanent() -> None:
    fake = FakeTwilioHttp(always(twilio_error(400, 21211, "The 'To' number is not valid.")))
    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=fake))
    assert (caught.value.code, caught.value.retryable) == (21211, False)


async def test_connection_refused_is_retryable() -> None:
    def refuse(_request: Recorded) -> Response:
        raise ConnectionRefusedError("connection refused")

    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=FakeTwilioHttp(refuse)))
    assert caught.value.retryable is True
    assert caught.value.ambiguous is False


async def test_a_timeout_mid_request_is_ambiguous_never_retried() -> None:
    def hang_up(_request: Recorded) -> Response:
        raise TimeoutError

    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=FakeTwilioHttp(hang_up)))
    assert caught.value.ambiguous is True
    assert caught.value.retryable is False


async def test_a_provider_that_never_answers_is_cut_off_as_ambiguous(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from worker.sms import channel as channel_module

    class Silent(FakeTwilioHttp):
        async def request(self, *args: Any, **kwargs: Any) -> Response:
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

    monkeypatch.setattr(channel_module, "TWILIO_TIMEOUT_S", 0.05)
    with pytest.raises(ChannelError) as caught:
        await _send(TwilioChannel(twilio_settings(), http_client=Silent()))
    assert caught.value.ambiguous is True


async def test_close_closes_the_http_client() -> None:
    fake = FakeTwilioHttp()
    await TwilioChannel(twilio_settings(), http_client=fake).close()
    assert fake.closed is True


async def test_end_to_end_the_outbound_row_stores_twilio_sid(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool
) -> None:
    fake = FakeTwilioHttp()
    response = await send_text(PHONE, "hi")
    assert response.status_code == 200
    channel = TwilioChannel(twilio_settings(), http_client=fake)
    await run_worker(with_channel=channel)

    rows = await pool.fetch(
        "SELECT id, provider_sid, status, to_number, body FROM messages"
        " WHERE direction = 'outbound' ORDER BY part_index"
    )
    assert rows, "the welcome reply was not written"
    assert [r["provider_sid"] for r in rows] == fake.sids
    assert all(r["status"] == "queued" for r in rows)
    assert [r["body"] for r in rows] == [str(q.data["Body"]) for q in fake.requests]
    for row, request in zip(rows, fake.requests, strict=True):
        assert request.url == MESSAGES_URL
        assert request.data["To"] == PHONE == row["to_number"]
        assert request.data["StatusCallback"] == (
            f"https://coach.example.com/twilio/status?message_id={row['id']}"
        )
    # A channel handed to the worker belongs to the caller, who closes it (a replay runs many
    # workers on one channel and provider).
    assert fake.closed is False
    await channel.close()
    assert fake.closed is True


async def test_end_to_end_21610_opts_the_athlete_out(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool
) -> None:
    fake = FakeTwilioHttp(
        always(twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"))
    )
    await send_text(PHONE, "hi")
    channel = TwilioChannel(twilio_settings(), http_client=fake)
    await run_worker(with_channel=channel)

    assert await pool.fetchval("SELECT opted_out_at IS NOT NULL FROM users WHERE phone = $1",
                               PHONE)
    # Only the first part reached Twilio; the rest were suppressed once the athlete opted out.
    assert len(fake.requests) == 1
    rows = await pool.fetch(
        "SELECT status, error_code, provider_sid FROM messages"
        " WHERE direction = 'outbound' ORDER BY part_index"
    )
    assert (rows[0]["status"], rows[0]["error_code"]) == ("failed", 21610)
    assert all(r["status"] == "suppressed" for r in rows[1:])
    assert all(r["provider_sid"] is None for r in rows)
