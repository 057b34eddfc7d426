"""POST /stripe/webhook on real PostgreSQL: the official library's signature check, events
stored once by id, applied in order however Stripe delivers them."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx2
import pytest
from arq.connections import ArqRedis

from worker.db.pool import create_pool
from worker.settings import Settings
from worker.web.app import create_app
from worker.web.deps import WebDeps
from worker.web.stripe_webhook import stripe_signature

SECRET = "whsec_test_secret"  # a test secret: events are signed locally
#: Stripe's `created` of the events below: seconds apart, in the order they happened.
T0 = int(datetime(2026, 3, 2, 16, 0, tzinfo=UTC).timestamp())


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "subscription_required": True, "stripe_webhook_secret": SECRET,
        "subscription_renewal_url": "https://buy.stripe.com/test_abc"})


@pytest.fixture
async def athlete(pool: asyncpg.Pool) -> UUID:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, name) VALUES ('+13125550170', 'Sky') RETURNING id")
    return user_id


def event(kind: str, obj: dict[str, Any], *, created: int, event_id: str | None = None
          ) -> dict[str, Any]:
    return {"id": event_id or f"evt_{uuid.uuid4().hex}", "object": "event", "type": kind,
            "created": created, "data": {"object": obj}}


def checkout(athlete: UUID, *, created: int, sub: str = "sub_1") -> dict[str, Any]:
    return event("checkout.session.completed", {
        "id": "cs_1", "object": "checkout.session", "mode": "subscription",
        "client_reference_id": str(athlete), "customer": "cus_1", "subscription": sub,
        "payment_status": "paid"}, created=created)


def sub_event(kind: str, status: str, *, created: int, sub: str = "sub_1",
              customer: str = "cus_1") -> dict[str, Any]:
    return event(kind, {"id": sub, "object": "subscription", "customer": customer,
                        "status": status, "items": {"data": [
                            {"current_period_end": created + 30 * 86400}]}}, created=created)


async def post(client: httpx2.AsyncClient, body: dict[str, Any] | str, *,
               secret: str = SECRET, timestamp: int | None = None,
               header: str | None = None) -> httpx2.Response:
    """POST as Stripe does: the raw JSON, signed `t=...,v1=...` by the library's signer."""
    payload = body if isinstance(body, str) else json.dumps(body)
    headers = {"Content-Type": "application/json"}
    signature = header if header is not None else stripe_signature(payload, secret, timestamp)
    if signature:
        headers["Stripe-Signature"] = signature
    return await client.post("/stripe/webhook", content=payload, headers=headers)


async def status_of(pool: asyncpg.Pool, sub: str = "sub_1") -> str | None:
    found: str | None = await pool.fetchval(
        "SELECT status FROM subscriptions WHERE provider_sub_id = $1", sub)
    return found


async def test_a_signed_event_is_stored_and_applied(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID,
) -> None:
    sent = checkout(athlete, created=T0)
    response = await post(client, sent)
    assert response.status_code == 200, response.text
    row = await pool.fetchrow("SELECT * FROM stripe_events")
    assert row is not None
    assert (row["id"], row["type"], row["subscription_id"]) == (
        sent["id"], "checkout.session.completed", "sub_1")
    assert row["created"] == datetime.fromtimestamp(T0, UTC)
    assert row["payload"] == sent and row["applied_at"] is not None
    sub = await pool.fetchrow("SELECT * FROM subscriptions WHERE user_id = $1", athlete)
    assert sub is not None
    assert (sub["provider"], sub["provider_customer_id"], sub["status"]) == (
        "stripe", "cus_1", "active")


@pytest.mark.parametrize("case", ["forged", "other secret", "stale", "missing", "garbled"])
async def test_a_bad_signature_is_a_400_and_stores_nothing(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID, case: str,
) -> None:
    sent = json.dumps(checkout(athlete, created=T0))
    good = stripe_signature(sent, SECRET)
    header = {
        "forged": good[:-4] + ("0000" if not good.endswith("0000") else "1111"),
        "other secret": stripe_signature(sent, "whsec_someone_else"),
        # Older than the library's tolerance (300 s): a captured request replayed later.
        "stale": stripe_signature(sent, SECRET, int(time.time()) - 600),
        "missing": "",
        "garbled": "v1=abc,t=notanumber",
    }[case]
    response = await post(client, sent, header=header)
    assert response.status_code == 400, response.text
    assert await pool.fetchval("SELECT count(*) FROM stripe_events") == 0
    assert await pool.fetchval("SELECT count(*) FROM subscriptions") == 0


async def test_a_signed_body_that_is_not_an_event_is_a_400(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    for body in ("{not json", json.dumps({"id": "evt_1", "type": "x"}), "[]",
                 json.dumps({"id": "", "type": "invoice.paid", "created": 1,
                             "data": {"object": {}}})):
        response = await post(client, body)
        assert response.status_code == 400, (body, response.text)
    invalid_utf8 = b'{"id": "\xff"}'
    header = stripe_signature(invalid_utf8.decode("latin-1"), SECRET)
    response = await client.post("/stripe/webhook", content=invalid_utf8,
                                 headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert await pool.fetchval("SELECT count(*) FROM stripe_events") == 0


async def test_without_a_signing_secret_the_endpoint_answers_503(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, athlete: UUID,
) -> None:
    unset = settings.model_copy(update={"stripe_webhook_secret": None})
    app = create_app(unset, deps=WebDeps(unset, pool, redis))
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url="http://testserver") as http:
        response = await post(http, checkout(athlete, created=T0))
    assert response.status_code == 503
    assert await pool.fetchval("SELECT count(*) FROM stripe_events") == 0


async def test_database_down_is_a_503_so_stripe_retries(
    settings: Settings, database_url: str, redis: ArqRedis, athlete: UUID,
) -> None:
    closed = await create_pool(database_url, max_size=2)
    await closed.close()
    app = create_app(settings, deps=WebDeps(settings, closed, redis))
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url="http://testserver") as http:
        response = await post(http, checkout(athlete, created=T0))
    assert response.status_code == 503


async def test_a_redelivered_event_is_a_no_op(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID,
) -> None:
    assert (await post(client, checkout(athlete, created=T0))).status_code == 200
    canceled = sub_event("customer.subscription.deleted", "canceled", created=T0 + 10)
    first = await post(client, canceled)
    applied_at = await pool.fetchval("SELECT applied_at FROM stripe_events WHERE id = $1",
                                     canceled["id"])
    again = await post(client, canceled)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.text == "duplicate"
    assert await pool.fetchval("SELECT count(*) FROM stripe_events") == 2
    assert await pool.fetchval("SELECT applied_at FROM stripe_events WHERE id = $1",
                               canceled["id"]) == applied_at
    assert await status_of(pool) == "canceled"


async def test_an_older_event_never_overwrites_a_newer_state(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID,
) -> None:
    assert (await post(client, checkout(athlete, created=T0))).status_code == 200
    # Payment failed at T0+300; the 'active' update of T0+200 arrives after it.
    await post(client, sub_event("customer.subscription.updated", "past_due", created=T0 + 300))
    late = await post(client, sub_event("customer.subscription.updated", "active",
                                        created=T0 + 200))
    assert late.status_code == 200 and "kept" in late.text
    assert await status_of(pool) == "past_due"
    # Same second: the update outranks the creation, whichever arrives last.
    await post(client, sub_event("customer.subscription.updated", "active", created=T0 + 400))
    await post(client, sub_event("customer.subscription.created", "incomplete",
                                 created=T0 + 400))
    assert await status_of(pool) == "active"
    # A deletion is final: a later "active" (for a subscription Stripe ended) changes nothing.
    await post(client, sub_event("customer.subscription.deleted", "canceled", created=T0 + 500))
    await post(client, sub_event("customer.subscription.updated", "active", created=T0 + 600))
    assert await status_of(pool) == "canceled"
    row = await pool.fetchrow("SELECT status_since, canceled_at FROM subscriptions")
    assert row is not None
    assert row["status_since"] == row["canceled_at"] == datetime.fromtimestamp(T0 + 500, UTC)


async def test_events_before_the_checkout_wait_for_it_then_apply_in_order(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID,
) -> None:
    await post(client, sub_event("customer.subscription.created", "incomplete", created=T0))
    await post(client, sub_event("customer.subscription.updated", "past_due", created=T0 + 50))
    assert await pool.fetchval("SELECT count(*) FROM subscriptions") == 0
    waiting = await pool.fetchval("SELECT count(*) FROM stripe_events WHERE applied_at IS NULL")
    assert waiting == 2
    assert (await post(client, checkout(athlete, created=T0 + 10))).status_code == 200
    assert await status_of(pool) == "past_due"  # the newest of the three, whatever the order
    assert await pool.fetchval(
        "SELECT count(*) FROM stripe_events WHERE applied_at IS NULL") == 0
    # A later subscription of the same customer is the same athlete's, with no checkout.
    await post(client, sub_event("customer.subscription.created", "active", created=T0 + 900,
                                 sub="sub_2"))
    assert await pool.fetchval(
        "SELECT user_id FROM subscriptions WHERE provider_sub_id = 'sub_2'") == athlete
    assert await status_of(pool, "sub_2") == "active"


async def test_invoices_move_the_subscription_and_strangers_are_ignored(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, athlete: UUID,
) -> None:
    await post(client, checkout(athlete, created=T0))
    failed = event("invoice.payment_failed", {
        "id": "in_1", "object": "invoice", "customer": "cus_1",
        "parent": {"subscription_details": {"subscription": "sub_1"}}}, created=T0 + 100)
    assert (await post(client, failed)).status_code == 200
    assert await status_of(pool) == "past_due"
    paid = event("invoice.paid", {"id": "in_1", "object": "invoice", "customer": "cus_1",
                                  "subscription": "sub_1"}, created=T0 + 200)  # older API shape
    assert (await post(client, paid)).status_code == 200
    assert await status_of(pool) == "active"
    stranger = checkout(uuid.uuid4(), created=T0 + 300, sub="sub_9")
    unknown = event("customer.created", {"id": "cus_2", "object": "customer"}, created=T0)
    for body in (stranger, unknown):
        response = await post(client, body)
        assert response.status_code == 200 and response.text.startswith("ignored"), \
            response.text
    assert await pool.fetchval("SELECT count(*) FROM subscriptions") == 1
