"""A bad-input corpus against both webhook endpoints: every case gets a 4xx (or a 2xx for
what Twilio may really send), never a 5xx, and nothing unsigned is stored.

The cases are built from each field a form carries and each way a value can be wrong (NUL
bytes, 8,000 characters, invalid UTF-8, characters PostgreSQL or int() choke on, numbers too
big for a column), sent signed and unsigned, plus bodies that are wrong as a whole. The test
prints how many cases ran and how they were answered.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

import asyncpg
import httpx2
from arq.connections import ArqRedis

from tests.conftest import TEST_BASE_URL
from worker import constants
from worker.settings import Settings
from worker.web.signature import sign, twilio_form

PHONE = "+15551237777"
BAD_VALUES: tuple[str, ...] = (
    "", " ", "\x00", "STOP\x00", "\x00STOP", "a" * 8000, "9" * 5000, "99999999999", "-1",
    "²", "١٢٣", "1e9", "0x10", "NaN", "null", "None", "\ufeff", "\u200b", "\U0001f4a9" * 50,
    "\ud800", "'; DROP TABLE messages; --", "<Response><Say>hi</Say></Response>", "%00",
    "../../etc/passwd", "\r\n\r\nHTTP/1.1 200 OK", "ＳＴＯＰ", "+", "+0", "+1" + "5" * 40,
    "whatsapp:+15551230000", "SM", "SM" + "x" * 64,
)
SMS_FIELDS = ("MessageSid", "From", "To", "Body", "NumMedia", "AccountSid")
STATUS_FIELDS = ("MessageSid", "MessageStatus", "ErrorCode")


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    content: bytes
    signature: str | None
    content_type: str = "application/x-www-form-urlencoded"


def _encode(form: dict[str, str]) -> bytes:
    """The form as Twilio encodes it; a lone surrogate goes out as the bytes it would be."""
    return "&".join(
        f"{quote_from_bytes(k.encode())}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in form.items()).encode()


def _signed(settings: Settings, path: str, form: dict[str, str]) -> str:
    try:
        return sign(settings.webhook_auth_token, f"{TEST_BASE_URL}{path}", form)
    except UnicodeEncodeError:
        return "unsignable"  # a lone surrogate: no client could have signed it


def corpus(settings: Settings) -> list[Case]:
    cases: list[Case] = []
    for field in SMS_FIELDS:
        for index, value in enumerate(BAD_VALUES):
            form = {**twilio_form(settings, sid=f"SM{uuid.uuid4().hex}", phone=PHONE,
                                  body="hello"), field: value}
            content = _encode(form)
            cases.append(Case(f"sms {field} #{index} signed", "/twilio/sms", content,
                              _signed(settings, "/twilio/sms", form)))
            cases.append(Case(f"sms {field} #{index} unsigned", "/twilio/sms", content, "x"))
    for field in STATUS_FIELDS:
        for index, value in enumerate(BAD_VALUES):
            form = {"MessageSid": f"SM{uuid.uuid4().hex}", "MessageStatus": "delivered",
                    field: value}
            cases.append(Case(f"status {field} #{index} signed", "/twilio/status",
                              _encode(form), _signed(settings, "/twilio/status", form)))
    whole = {
        "invalid utf-8": b"Body=\xff\xfe&MessageSid=SM1",
        "bad percent escape": b"Body=%zz%&MessageSid=%",
        "no equals": b"justtext",
        "empty": b"",
        "many fields": b"&".join(b"f%d=1" % i for i in range(5000)),
        "duplicate keys": b"MessageSid=SM1&MessageSid=SM2&From=%2B1555&To=%2B1555",
        "json": b'{"Body": "hi"}',
        "nul bytes": b"\x00" * 1000,
        "just over the limit": b"Body=" + b"a" * constants.MAX_WEBHOOK_BODY_BYTES,
    }
    for path in ("/twilio/sms", "/twilio/status"):
        for name, content in whole.items():
            cases.append(Case(f"{path} {name}", path, content, "x"))
        cases.append(Case(f"{path} wrong content type", path, b"<xml/>", "x", "text/xml"))
        cases.append(Case(f"{path} multipart", path, b"--b\r\n\r\n--b--", "x",
                          "multipart/form-data; boundary=b"))
    return cases


async def _post(client: httpx2.AsyncClient, case: Case) -> httpx2.Response:
    headers = {"content-type": case.content_type}
    if case.signature is not None:
        headers["X-Twilio-Signature"] = case.signature
    return await client.post(case.path, content=case.content, headers=headers)


async def test_no_bad_input_gets_a_5xx(
    client: httpx2.AsyncClient, settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    cases = corpus(settings)
    assert len(cases) >= 250
    answered: Counter[int] = Counter()
    server_errors = []
    for case in cases:
        response = await _post(client, case)
        answered[response.status_code] += 1
        if response.status_code >= 500:
            server_errors.append((case.name, response.status_code))
    stored_unsigned = await pool.fetchval(
        "SELECT count(*) FROM messages WHERE body = 'hello' AND provider_sid IS NULL")
    print(f"\nbad-input corpus: {len(cases)} cases, answered {dict(sorted(answered.items()))}, "
          f"5xx {len(server_errors)}")
    assert server_errors == []
    assert stored_unsigned == 0


async def test_a_streamed_unsigned_body_is_cut_off_at_the_limit(
    client: httpx2.AsyncClient,
) -> None:
    """Memory per unsigned request is bounded by the limit: 200 MB offered, refused at 64 KB
    (the stream is abandoned as soon as the limit passes, so most of it is never produced)."""
    produced = 0

    async def flood() -> AsyncIterator[bytes]:
        nonlocal produced
        for _ in range(200 * 16):
            produced += 65536
            yield b"a" * 65536

    response = await client.post("/twilio/sms", content=flood(),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    print(f"\n200 MB offered, {produced // 1024} KB read before the 413")
    assert produced <= 2 * constants.MAX_WEBHOOK_BODY_BYTES + 65536
