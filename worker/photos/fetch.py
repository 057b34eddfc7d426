"""Fetching a text's media: from Twilio with the account's credentials, or from a local file.

Twilio serves MMS media at ``https://api.twilio.com/.../Media/ME...`` behind HTTP basic auth
(the account SID and auth token; the URL then redirects to short-lived storage). The request
goes through the twilio library's HttpClient seam, as sends do (:mod:`worker.sms.channel`), so
tests replace only the HTTP client. The SDK's own async client decodes bodies as text and reads
them whole, so photos use :class:`MediaHttpClient`, which keeps bytes and stops reading at the
size limit.

Errors are of two kinds: :class:`MediaUnavailable` (Twilio down, a timeout: the turn waits and
is tried again) and :class:`~worker.photos.image.PhotoRefused` (this picture is never kept).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from worker import constants
from worker.photos.image import PhotoRefused, Refusal
from worker.settings import Settings

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
#: Statuses that say this media will never be served (deleted, or not this account's).
_GONE = frozenset({400, 401, 403, 404, 410})


class MediaUnavailable(Exception):
    """The media could not be fetched now; it may be later."""


class MediaSource(Protocol):
    name: str

    async def fetch(self, url: str) -> bytes: ...

    async def close(self) -> None: ...


class MediaHttpClient(AsyncHttpClient):  # type: ignore[misc]
    """The twilio HttpClient seam for binary bodies: aiohttp, bytes kept, reading stopped at
    MAX_PHOTO_BYTES (the 413-like answer is a Response with status 413)."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("textcoach.media_http"), is_async=True, timeout=None)
        self._session: Any = None

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's signature
        allow_redirects: bool = False,
    ) -> Response:
        from aiohttp import BasicAuth, ClientSession, ClientTimeout

        if self._session is None:
            self._session = ClientSession()
        async with self._session.request(
            method, url, params=params, data=data, headers=headers,
            auth=BasicAuth(*auth) if auth else None,
            timeout=ClientTimeout(total=timeout), allow_redirects=allow_redirects,
        ) as answer:
            chunks: list[bytes] = []
            size = 0
            async for chunk in answer.content.iter_chunked(_CHUNK):
                size += len(chunk)
                if size > constants.MAX_PHOTO_BYTES:
                    return Response(413, "", answer.headers)
                chunks.append(chunk)
            body: Any = b"".join(chunks)  # bytes where the SDK's Response expects text
            return Response(answer.status, body, answer.headers)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class TwilioMediaSource:
    """Twilio's media URLs, fetched with the account's basic auth."""

    name = "twilio"

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        self.auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        self.http = http_client or MediaHttpClient()

    async def fetch(self, url: str) -> bytes:
        try:
            async with asyncio.timeout(constants.PHOTO_FETCH_TIMEOUT_S):
                answer = await self.http.request(
                    "GET", url, auth=self.auth, timeout=constants.PHOTO_FETCH_TIMEOUT_S,
                    allow_redirects=True)
        except (TimeoutError, OSError) as exc:
            raise MediaUnavailable(f"cannot fetch media now: {exc!r}") from exc
        except Exception as exc:  # aiohttp's client errors are not OSErrors
            if type(exc).__module__.startswith("aiohttp"):
                raise MediaUnavailable(f"cannot fetch media now: {exc!r}") from exc
            raise
        status = int(answer.status_code)
        if status == 413:
            raise PhotoRefused(Refusal.SIZE)
        if status in _GONE:
            raise PhotoRefused(Refusal.UNAVAILABLE)
        if status != 200:
            raise MediaUnavailable(f"Twilio answered {status} for media")
        body = answer.content
        content = body if isinstance(body, bytes) else str(body).encode("latin-1", "replace")
        if len(content) > constants.MAX_PHOTO_BYTES:
            raise PhotoRefused(Refusal.SIZE)
        return content

    async def close(self) -> None:
        close = getattr(self.http, "close", None)
        if close is not None:
            await close()


class LocalMediaSource:
    """The local channel's media: ``file://`` paths on this machine (``textcoach text
    --photo``, replays). A Twilio URL cannot be fetched without credentials: refused."""

    name = "local"

    async def fetch(self, url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise PhotoRefused(Refusal.UNAVAILABLE)
        return await asyncio.to_thread(_read_file, Path(unquote(parts.path)))

    async def close(self) -> None:
        return None


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            content = handle.read(constants.MAX_PHOTO_BYTES + 1)
    except OSError:
        raise PhotoRefused(Refusal.UNAVAILABLE) from None
    if len(content) > constants.MAX_PHOTO_BYTES:
        raise PhotoRefused(Refusal.SIZE)
    return content


def make_media_source(settings: Settings) -> MediaSource:
    if settings.uses_twilio:
        return TwilioMediaSource(settings)
    return LocalMediaSource()
