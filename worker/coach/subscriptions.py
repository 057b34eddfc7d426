"""Subscriptions: who is coached, the one text a lapsed athlete gets, and Stripe's events.

Off by default (``TEXTCOACH_SUBSCRIPTION_REQUIRED``), so the embedded run stays free and nothing
here is even asked. On, every turn and every scheduled text (morning workout, weekly recap)
asks :func:`standing` first. Whether an athlete is coached at a moment is defined once, in SQL
(``entitled_until()``, migrations/0021): a trial, a Stripe subscription's status, a past_due
grace, and credits such as a referral's free week. The first time an athlete is asked about,
their trial starts (``subscription_gate``).

A lapsed athlete's texts are stored and marked handled without coaching, their data is kept,
and they get one text saying coaching is paused and where to renew (:func:`tell_lapsed`, once
per lapse: the dedupe key carries the instant the entitlement ended). STOP, HELP and START are
answered by the webhook before any of this runs, so they work whatever the subscription.

Stripe's events (``POST /stripe/webhook``, verified in :mod:`worker.web.stripe_webhook`) are
stored by event id, so a redelivery is a no-op, then applied (:func:`receive_event`). Stripe
delivers out of order: every subscription keeps the newest event applied to it (Stripe's
``created``, then the event type's rank for the same second) and an older one never overwrites
it. A subscription event that arrives before ``checkout.session.completed`` has named its
athlete (through the ``client_reference_id`` the renewal link carries) waits, stored, until the
checkout links it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

import asyncpg
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.outbox import conversation_for, write_outbound
from worker.settings import Settings

log = logging.getLogger(__name__)

#: The kind of the text telling a lapsed athlete their coaching is paused.
LAPSED_KIND = "subscription_lapsed"


@dataclass(frozen=True)
class Standing:
    """Whether an athlete is coached now, and until when (None: no subscription at all)."""

    entitled: bool
    until: datetime | None = None

    def lapse_key(self, athlete: UUID) -> str:
        """The dedupe key of this lapse's one text: a renewal and a later lapse end at a
        different instant, so each lapse gets its own text, and each only one."""
        ended = "never" if self.until is None else str(int(self.until.timestamp()))
        return f"lapsed:{athlete}:{ended}"


#: Subscriptions not required: everyone is coached.
COACHED = Standing(entitled=True)


async def standing(conn: Conn, athlete: UUID, at: datetime, settings: Settings) -> Standing:
    """Whether ``athlete`` is coached at ``at``; starts their trial if they have no
    subscription yet. Asks nothing of the database when subscriptions are not required."""
    if not settings.subscription_required:
        return COACHED
    row = await conn.fetchrow(sql("subscription_gate"), athlete, at,
                              settings.subscription_trial_days)
    assert row is not None
    return Standing(entitled=row["entitled"], until=row["until"])


def renewal_link(url: str, athlete: UUID) -> str:
    """The renewal URL with the athlete's opaque id as Stripe's ``client_reference_id`` (kept
    on the checkout session, so its webhook names the athlete; never the phone number)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "client_reference_id"]
    query.append(("client_reference_id", str(athlete)))
    return urlunsplit(parts._replace(query=urlencode(query)))


#: The athlete's reference in a renewal link (a transcript or a page shows it masked).
_REFERENCE = re.compile(r"client_reference_id=[0-9a-fA-F-]{36}")


def mask_reference(text: str) -> str:
    """``text`` with any renewal link's athlete reference replaced by ``<athlete>``: replay
    transcripts are compared across runs, and each run's athlete has a new id."""
    return _REFERENCE.sub("client_reference_id=<athlete>", text)


def lapsed_text(link: str) -> str:
    """Two SMS at most with a Payment Link (HELP and STOP are answered whatever this says)."""
    return ("Your coaching is paused: your textcoach subscription has ended. Your plan and "
            f"history are kept. Renew here to pick up where you left off: {link}")


async def tell_lapsed(
    conn: Conn, athlete: UUID, lapse: Standing, *, settings: Settings, to_number: str,
    reply_to_id: UUID | None = None, turn_id: UUID | None = None,
) -> list[UUID]:
    """Write the lapsed text once per lapse; the ids of its parts, or none if this lapse was
    told already. Runs in a savepoint, so inside the caller's transaction a duplicate (a turn
    and a morning job at once) costs only this write."""
    assert settings.subscription_renewal_url is not None  # required with subscriptions
    body = lapsed_text(renewal_link(settings.subscription_renewal_url, athlete))
    try:
        async with conn.transaction():
            return await write_outbound(
                conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
                from_number=settings.coach_number, to_number=to_number, body=body,
                kind=LAPSED_KIND, reply_to_id=reply_to_id, turn_id=turn_id,
                dedupe_key=lapse.lapse_key(athlete))
    except asyncpg.UniqueViolationError:
        return []


async def grant_credit(conn: Conn, athlete: UUID, referral_id: UUID, days: int,
                       at: datetime) -> bool:
    """``days`` more coaching for ``athlete``, once per referral; True if granted now."""
    granted = await conn.fetchval(sql("grant_subscription_credit"), athlete, referral_id,
                                  days, at)
    return granted is not None


# -- Stripe events --------------------------------------------------------------------------

#: The events applied, by rank: for two events of the same second about one subscription, the
#: higher rank is the later state (a deletion is final; a creation is the earliest).
EVENT_RANKS = {
    "customer.subscription.created": 0,
    "checkout.session.completed": 1,
    "invoice.paid": 2,
    "invoice.payment_failed": 2,
    "customer.subscription.updated": 2,
    "customer.subscription.deleted": 3,
}
#: Stripe's subscription statuses (the subscriptions table's CHECK).
STATUSES = frozenset({"trialing", "active", "past_due", "canceled", "unpaid", "incomplete",
                      "incomplete_expired", "paused"})
#: Invoice events carry no status: what each one means for the subscription.
INVOICE_STATUS = {"invoice.paid": "active", "invoice.payment_failed": "past_due"}


def _id_of(value: Any) -> Any:
    """An expandable field: Stripe sends an id, or the object itself when expanded."""
    if isinstance(value, dict):
        return value.get("id")
    return value


#: An id Stripe may send expanded into its object.
Expandable = Annotated[str | None, BeforeValidator(_id_of)]


class _Period(BaseModel):
    model_config = ConfigDict(extra="ignore")

    current_period_end: int | None = None


class _Items(BaseModel):
    model_config = ConfigDict(extra="ignore")

    data: list[_Period] = Field(default_factory=list)


class _SubscriptionDetails(BaseModel):
    model_config = ConfigDict(extra="ignore")

    subscription: Expandable = None


class _InvoiceParent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    subscription_details: _SubscriptionDetails | None = None


class StripeObject(BaseModel):
    """The fields read from an event's object: a checkout session, a subscription or an
    invoice (older API versions and the current one alike)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    customer: Expandable = None
    subscription: Expandable = None
    client_reference_id: str | None = None
    payment_status: str | None = None
    status: str | None = None
    current_period_end: int | None = None
    items: _Items | None = None
    parent: _InvoiceParent | None = None


class _EventData(BaseModel):
    model_config = ConfigDict(extra="ignore")

    object: StripeObject


class StripeEvent(BaseModel):
    """A Stripe event as delivered: ``created`` is when it happened, in Unix seconds."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=255)
    type: str = Field(min_length=1, max_length=255)
    created: int = Field(ge=0)
    data: _EventData

    @property
    def happened_at(self) -> datetime:
        return datetime.fromtimestamp(self.created, UTC)

    @property
    def subscription_id(self) -> str | None:
        """The Stripe subscription this event is about, if any."""
        obj = self.data.object
        if self.type.startswith("customer.subscription."):
            return obj.id
        if obj.subscription is not None:
            return obj.subscription
        details = obj.parent.subscription_details if obj.parent else None
        return details.subscription if details else None

    @property
    def period_end(self) -> datetime | None:
        obj = self.data.object
        end = obj.current_period_end or next(
            (item.current_period_end for item in (obj.items.data if obj.items else [])
             if item.current_period_end), None)
        return datetime.fromtimestamp(end, UTC) if end else None


def parse_event(body: bytes) -> tuple[StripeEvent, object]:
    """The event and its JSON (stored as delivered); ValueError if it is not one."""
    try:
        payload = json.loads(body)
        return StripeEvent.model_validate(payload), payload
    except (ValueError, ValidationError) as exc:
        raise ValueError(f"not a Stripe event: {type(exc).__name__}") from None


async def receive_event(conn: Conn, event: StripeEvent, payload: object,
                        at: datetime) -> str:
    """Store ``event`` once by its id and apply it; what became of it. Run it in a
    transaction: the stored row and what it changed commit together, or neither does."""
    stored = await conn.fetchval(sql("insert_stripe_event"), event.id, event.type,
                                 event.happened_at, event.subscription_id, payload, at)
    if stored is None and await conn.fetchval(sql("stripe_event_applied"), event.id):
        return "duplicate"
    outcome, applied = await _apply(conn, event)
    await conn.execute(sql("mark_stripe_event"), event.id, at if applied else None, outcome)
    log.info("stripe event %s (%s): %s", event.id, event.type, outcome)
    if event.type == "checkout.session.completed" and event.subscription_id is not None:
        # Events about this subscription that came before the checkout named its athlete.
        for row in await conn.fetch(sql("waiting_stripe_events"), event.subscription_id):
            waiting = StripeEvent.model_validate(row["payload"])
            done, now_applied = await _apply(conn, waiting)
            await conn.execute(sql("mark_stripe_event"), waiting.id,
                               at if now_applied else None, done)
    return outcome


async def _apply(conn: Conn, event: StripeEvent) -> tuple[str, bool]:
    """Apply one event: (what it did, whether it is done with; False: it waits for the
    checkout that names its athlete)."""
    rank = EVENT_RANKS.get(event.type)
    if rank is None:
        return "ignored: not an event subscriptions use", True
    subscription = event.subscription_id
    obj = event.data.object
    if subscription is None:
        return "ignored: about no subscription", True
    if event.type == "checkout.session.completed":
        return await _checkout(conn, event, subscription, rank)
    status = INVOICE_STATUS.get(event.type, obj.status or "")
    if status not in STATUSES:
        return f"ignored: unknown status {status!r}", True
    athlete = await conn.fetchval(sql("subscriber_of"), subscription, obj.customer)
    if athlete is None:
        return "waiting for the checkout that names its athlete", False
    await conn.execute(sql("link_stripe_subscription"), athlete, obj.customer, subscription,
                       event.happened_at)
    return await _set_state(conn, event, subscription, status, rank), True


async def _checkout(conn: Conn, event: StripeEvent, subscription: str,
                    rank: int) -> tuple[str, bool]:
    """A checkout names the athlete (``client_reference_id``) and the subscription bought,
    which is linked to them (the events that waited for it are applied next)."""
    obj = event.data.object
    athlete = _uuid(obj.client_reference_id)
    if athlete is None or not await conn.fetchval(sql("athlete_exists"), athlete):
        return "ignored: client_reference_id names no athlete", True
    await conn.execute(sql("link_stripe_subscription"), athlete, obj.customer, subscription,
                       event.happened_at)
    paid = obj.payment_status in ("paid", "no_payment_required")
    outcome = await _set_state(conn, event, subscription, "active" if paid else "incomplete",
                               rank)
    return f"linked to athlete {athlete}; {outcome}", True


async def _set_state(conn: Conn, event: StripeEvent, subscription: str, status: str,
                     rank: int) -> str:
    changed = await conn.fetchval(
        sql("apply_subscription_state"), subscription, status, event.period_end,
        event.happened_at, rank, event.data.object.customer)
    if changed is None:
        return f"{status}: older than the state applied (or the subscription ended); kept"
    return status


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
