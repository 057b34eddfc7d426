"""``POST /stripe/webhook``: Stripe's subscription events, verified, stored once, applied.

The raw body is checked with the official library (``stripe.WebhookSignature.verify_header``,
with its default tolerance of 300 s against replays) before anything is parsed or stored:
a missing, forged or stale signature is a 400 with nothing stored, and so is a body that is not
a Stripe event. What an event does is :func:`worker.coach.subscriptions.receive_event`, in one
transaction with its stored row. PostgreSQL unreachable is a 503, so Stripe retries (it does,
for up to three days); so is an endpoint without ``STRIPE_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import asyncio
import logging

import stripe
from starlette.requests import Request
from starlette.responses import Response

from worker.clock import now
from worker.coach.subscriptions import parse_event, receive_event
from worker.constants import WEBHOOK_DB_TIMEOUT_S
from worker.errors import BadRequest
from worker.inbound_buffer import DATABASE_DOWN
from worker.web.body import bounded_body
from worker.web.deps import deps_of

log = logging.getLogger(__name__)

#: How old a signature's timestamp may be: the library's own default.
TOLERANCE_S = stripe.Webhook.DEFAULT_TOLERANCE


def stripe_signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send for ``payload`` (``t=...,v1=...``),
    by the library's own signer: for tests and replays, which sign events locally."""
    header: str = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=timestamp)
    return header


def _text(body: str, status: int) -> Response:
    return Response(body, status_code=status, media_type="text/plain")


async def stripe_webhook(request: Request) -> Response:
    d = deps_of(request)
    secret = d.settings.stripe_webhook_secret
    if not secret:
        log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set; answered 503")
        return _text("Stripe webhooks are not configured", 503)
    try:
        body = await bounded_body(request)
        stripe.WebhookSignature.verify_header(
            body, request.headers.get("stripe-signature"), secret, TOLERANCE_S)
    except BadRequest as exc:
        return _text(exc.detail, exc.status)
    except (stripe.SignatureVerificationError, UnicodeDecodeError):
        log.warning("rejected a Stripe webhook with a missing, invalid or stale signature")
        return _text("invalid signature", 400)
    try:
        event, payload = parse_event(body)
    except ValueError as exc:
        return _text(str(exc), 400)
    try:
        async with asyncio.timeout(WEBHOOK_DB_TIMEOUT_S):
            async with d.pool.acquire() as conn, conn.transaction():
                outcome = await receive_event(conn, event, payload, now())
    except DATABASE_DOWN:
        log.warning("PostgreSQL unavailable; Stripe event %s refused with 503 (Stripe retries)",
                    event.id)
        return _text("database unavailable", 503)
    return _text(outcome, 200)
