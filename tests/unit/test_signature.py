"""Our Twilio signature check agrees with the twilio library's, which it replaced for speed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from worker.web.signature import is_valid, sign

TOKEN = "12345678901234567890123456789012"
URLS = st.sampled_from([
    "https://coach.example.com/twilio/sms",
    "https://coach.example.com:443/twilio/sms",
    "http://127.0.0.1:8000/twilio/sms",
    "http://127.0.0.1/twilio/sms?x=1",
    "https://coach.example.com:8443/twilio/status?message_id=abc",
])
FORMS = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=8)


@given(URLS, URLS, FORMS)
def test_it_accepts_and_refuses_exactly_what_twilio_does(
    signed_url: str, checked_url: str, form: dict[str, str]
) -> None:
    signature = sign(TOKEN, signed_url, form)
    expected = RequestValidator(TOKEN).validate(checked_url, dict(form), signature)
    assert is_valid(TOKEN, checked_url, form, signature) == expected


@given(URLS, FORMS, st.text(max_size=30))
def test_a_forged_or_missing_signature_is_refused(
    url: str, form: dict[str, str], forged: str
) -> None:
    if forged != sign(TOKEN, url, form):
        assert not is_valid(TOKEN, url, form, forged)
    assert not is_valid(TOKEN, url, form, "")
    assert not is_valid("another-token-000000000000000000", url, form, sign(TOKEN, url, form))


def test_the_port_forms_twilio_accepts() -> None:
    form = {"Body": "hi", "From": "+15551230001"}
    with_port = sign(TOKEN, "https://coach.example.com:443/twilio/sms", form)
    assert is_valid(TOKEN, "https://coach.example.com/twilio/sms", form, with_port)
    without = sign(TOKEN, "https://coach.example.com/twilio/sms", form)
    assert is_valid(TOKEN, "https://coach.example.com:443/twilio/sms", form, without)
    assert not is_valid(TOKEN, "https://other.example.com/twilio/sms", form, without)
