"""Where outbound texts go: Twilio's REST API, or a local channel that stores and prints them.

A channel only delivers. Deciding whether to send (consent, quiet hours, order, exactly-once)
belongs to the send job, which records its intent before calling :meth:`Channel.send`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from dataclasses import dataclass
from typing import Any, Protocol, TextIO
from uuid import UUID

from worker.errors import ChannelError
from worker.settings import Settings

log = logging.getLogger(__name__)

# Twilio error codes that say something permanent about the recipient.
OPTED_OUT_CODES = frozenset({21610})
UNDELIVERABLE_CODES = frozenset({21211, 21614, 30003, 30005, 30006})
RATE_LIMITED_CODES = frozenset({20429})
TWILIO_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class Channel(Protocol):
    name: str

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class SentText:
    to: str
    from_: str
    body: str
    message_id: UUID
    sid: str


class LocalChannel:
    """Development channel: delivers to the terminal instead of a phone.

    The outbound row in PostgreSQL is the stored record; this process also keeps what it sent
    in :attr:`sent`, and prints each text for the human watching ``textcoach run``.
    """

    name = "local"

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out
        self.sent: list[SentText] = []

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult:
        sid = f"SM{uuid.uuid4().hex}"
        self.sent.append(SentText(to, from_, body, message_id, sid))
        print(f"[sms {from_} -> {to} id={message_id}] {body}", file=self.out or sys.stdout,
              flush=True)
        return SendResult(sid=sid, status="delivered")

    async def close(self) -> None:
        return None


class TwilioChannel:
    """Twilio Programmable Messaging through the twilio SDK's async client.

    The status callback URL carries our message id, so a callback can settle a message whose
    SID a crashed worker never stored.
    """

    name = "twilio"

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        from twilio.rest import Client

        self.settings = settings
        self.http_client = http_client or AsyncTwilioHttpClient()
        self.client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            http_client=self.http_client,
        )

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult:
        from twilio.base.exceptions import TwilioRestException, TwilioServiceException

        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.settings.twilio_messaging_service_sid:
            kwargs["messaging_service_sid"] = self.settings.twilio_messaging_service_sid
        else:
            kwargs["from_"] = from_
        if self.settings.public_base_url:
            kwargs["status_callback"] = (
                f"{self.settings.public_base_url}/twilio/status?message_id={message_id}"
            )
        try:
            # The SDK's async client ignores its own timeout setting: bound the call here.
            async with asyncio.timeout(TWILIO_TIMEOUT_S):
                message = await self.client.messages.create_async(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise classify_twilio_error(exc) from exc
        except TimeoutError as exc:
            # Checked before OSError, of which it is a subclass: the request may have arrived.
            raise ChannelError("Twilio did not answer in time", ambiguous=True) from exc
        except OSError as exc:
            # Connection refused / DNS failure: nothing reached Twilio.
            raise ChannelError(f"cannot reach Twilio: {exc}", retryable=True) from exc
        return SendResult(sid=str(message.sid), status=str(message.status or "queued"))

    async def close(self) -> None:
        close = getattr(self.http_client, "close", None)
        if close is not None:
            await close()


def classify_twilio_error(exc: Any) -> ChannelError:
    """Map a TwilioRestException to what the send job should do about it."""
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    message = str(getattr(exc, "msg", "") or exc)
    retryable = status == 429 or status >= 500 or code in RATE_LIMITED_CODES
    return ChannelError(message, code=code, status=status, retryable=retryable)


def rate_limited(exc: ChannelError) -> bool:
    """Twilio said "too many requests" (HTTP 429, or its error 20429): nothing was sent, and
    the sender should slow down."""
    return exc.status == 429 or exc.code in RATE_LIMITED_CODES


def make_channel(settings: Settings) -> Channel:
    if settings.uses_twilio:
        return TwilioChannel(settings)
    return LocalChannel()
