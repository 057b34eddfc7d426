"""Twilio request signatures: checking them on the webhook, making them in ``textcoach text``.

Twilio signs the exact URL it called plus the POSTed form. Behind a proxy that URL is the public
one, so it comes from ``TEXTCOACH_PUBLIC_BASE_URL`` or, failing that and only with
``TEXTCOACH_TRUST_PROXY_HEADERS`` on, from the first ``X-Forwarded-Proto``/``X-Forwarded-Host``
values, and otherwise from the request itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from starlette.requests import Request
from twilio.request_validator import RequestValidator

from worker.settings import LOCAL_FROM_NUMBER, Settings
from worker.sms.segments import segment_info


def public_url(request: Request, public_base_url: str | None, *,
               trust_forwarded: bool = False) -> str:
    """The URL Twilio signed. Forwarded headers count only behind a proxy we were told to
    trust: otherwise any client could choose the URL its forged signature is checked against."""
    path = request.url.path
    query = f"?{request.url.query}" if request.url.query else ""
    if public_base_url:
        return f"{public_base_url}{path}{query}"
    headers: Mapping[str, str] = request.headers if trust_forwarded else {}
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip()
    host = headers.get("x-forwarded-host", "").split(",")[0].strip()
    scheme = proto or request.url.scheme
    netloc = host or request.headers.get("host") or request.url.netloc
    return f"{scheme}://{netloc}{path}{query}"


def is_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Twilio's check (HMAC-SHA1 of the URL and the sorted form, base64), in constant time.

    Done here rather than by ``RequestValidator.validate``, which computes two signatures and
    parses the form again on every request: a third of the webhook's CPU. The same port rule
    holds as Twilio's: the URL with its port left out, or with the default one written in,
    matches too; that form is tried only when the first comparison fails.
    """
    if not signature:
        return False
    given = signature.encode()
    if hmac.compare_digest(_signature(auth_token, url, params), given):
        return True
    other = _other_port_form(url)
    return other is not None and hmac.compare_digest(_signature(auth_token, other, params), given)


def _signature(auth_token: str, url: str, params: Mapping[str, str]) -> bytes:
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest())


def _other_port_form(url: str) -> str | None:
    """The URL with a port written out if it had none (the scheme's default), or with its
    port left out if it had one: Twilio accepts a signature made over either form."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    if port is None:
        netloc = f"{parts.netloc}:{443 if parts.scheme == 'https' else 80}"
    else:
        netloc = parts.netloc.rsplit(":", 1)[0]
    return urlunsplit(parts._replace(netloc=netloc))


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for this URL and form."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def twilio_form(settings: Settings, *, sid: str, phone: str, body: str) -> dict[str, str]:
    """The form Twilio posts for an inbound SMS (the fields textcoach reads, and a few more)."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": settings.twilio_account_sid or "AC" + "0" * 32,
        "From": phone,
        "To": settings.twilio_from_number or LOCAL_FROM_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": str(segment_info(body).segments),
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
