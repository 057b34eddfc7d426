"""Subscriptions without services: the renewal link, the lapsed text, event parsing, settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

import pytest

from worker.coach.subscriptions import (
    Standing,
    lapsed_text,
    mask_reference,
    parse_event,
    renewal_link,
)
from worker.errors import ConfigError
from worker.settings import Settings, load_settings
from worker.sms.segments import split_message

ATHLETE = UUID("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
LINK = "https://buy.stripe.com/test_6oE3cU0pZ8Xa1Vu3cc"


def test_the_renewal_link_carries_the_athlete_reference_and_keeps_the_query() -> None:
    assert renewal_link(LINK, ATHLETE) == f"{LINK}?client_reference_id={ATHLETE}"
    assert renewal_link(f"{LINK}?prefilled_email=&client_reference_id=old", ATHLETE) == (
        f"{LINK}?prefilled_email=&client_reference_id={ATHLETE}")


def test_the_lapsed_text_fits_two_sms_and_masks_in_transcripts() -> None:
    text = lapsed_text(renewal_link(LINK, ATHLETE))
    assert len(split_message(text)) <= 2
    assert mask_reference(text).endswith("client_reference_id=<athlete>")
    assert str(ATHLETE) not in mask_reference(text)


def test_each_lapse_has_its_own_key() -> None:
    first = Standing(False, datetime(2026, 3, 5, 15, 0, tzinfo=UTC)).lapse_key(ATHLETE)
    second = Standing(False, datetime(2026, 4, 5, 15, 0, tzinfo=UTC)).lapse_key(ATHLETE)
    assert first.startswith(f"lapsed:{ATHLETE}:") and first != second


def test_events_of_every_api_shape_name_their_subscription_and_period() -> None:
    current = parse_event(json.dumps({
        "id": "evt_1", "type": "customer.subscription.updated", "created": 1772467200,
        "data": {"object": {"id": "sub_1", "customer": {"id": "cus_1", "object": "customer"},
                            "status": "active",
                            "items": {"data": [{"current_period_end": 1775145600}]}}},
    }).encode())[0]
    assert (current.subscription_id, current.data.object.customer) == ("sub_1", "cus_1")
    assert current.period_end == datetime(2026, 4, 2, 16, 0, tzinfo=UTC)
    invoice = parse_event(json.dumps({
        "id": "evt_2", "type": "invoice.paid", "created": 1,
        "data": {"object": {"id": "in_1", "parent": {
            "subscription_details": {"subscription": "sub_2"}}}}}).encode())[0]
    assert invoice.subscription_id == "sub_2" and invoice.period_end is None


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"id": "evt_1"}',
                                  b'{"id": "e", "type": "t", "created": -1, "data": {}}'])
def test_what_is_not_an_event_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError, match="not a Stripe event"):
        parse_event(body)


def test_subscriptions_are_off_by_default_and_need_a_renewal_url_and_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().subscription_required is False
    monkeypatch.setenv("TEXTCOACH_SUBSCRIPTION_REQUIRED", "true")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == (
        "TEXTCOACH_SUBSCRIPTION_REQUIRED=true needs TEXTCOACH_SUBSCRIPTION_RENEWAL_URL and "
        "STRIPE_WEBHOOK_SECRET as well")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_x")
    monkeypatch.setenv("TEXTCOACH_SUBSCRIPTION_RENEWAL_URL", "buy.stripe.com/x")
    with pytest.raises(ConfigError, match="TEXTCOACH_SUBSCRIPTION_RENEWAL_URL='buy"):
        load_settings()
    monkeypatch.setenv("TEXTCOACH_SUBSCRIPTION_RENEWAL_URL", LINK)
    assert load_settings().subscription_renewal_url == LINK
