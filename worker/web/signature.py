"""Twilio request signatures: checking them on the webhook, making them in ``textcoach text``.

Twilio signs the exact URL it called plus the POSTed form. Behind a proxy that URL is the public
one, so it comes from ``TEXTCOACH_PUBLIC_BASE_URL`` or, failing that and only with
``TEXTCOACH_TRUST_PROXY_HEADERS`` on, from the first ``X-Forwarded-Proto``/``X-Forwarded-Host``
values, and otherwise from the request itself.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


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
