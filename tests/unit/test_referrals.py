"""Referral codes: their shape, finding one in a text, and the INVITE keyword."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.coach.referrals import THANKS, code_in, new_code
from worker.constants import REFERRAL_CODE_ALPHABET, REFERRAL_CODE_LENGTH
from worker.sms.keywords import Keyword, classify, invite_reply, may_be_keyword
from worker.sms.segments import segment_info


def test_codes_are_short_unambiguous_and_never_words() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) > 1990  # random enough that collisions are rare (and retried anyway)
    for code in codes:
        assert len(code) == REFERRAL_CODE_LENGTH and code == code.upper()
        assert set(code) <= set(REFERRAL_CODE_ALPHABET)
        assert not set(code) & set("0O1IAEU")
        assert any(ch.isdigit() for ch in code)
        # A code can never be mistaken for a keyword, whoever texts it.
        assert classify(code, opted_out=True) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("JOIN 7KX2MQ", "7KX2MQ"),
        ("join 7kx2mq", "7KX2MQ"),
        ("Join: 7kx2mq", "7KX2MQ"),
        ("join 7KX 2MQ", "7KX2MQ"),
        ("JOIN 7KX-2MQ", "7KX2MQ"),
        ("7kx2mq", "7KX2MQ"),
        (" 7KX2MQ. ", "7KX2MQ"),
        ("Hi! My friend Sam said to text JOIN 7KX2MQ to get started", "7KX2MQ"),
        ("ＪＯＩＮ ７ＫＸ２ＭＱ", "7KX2MQ"),  # full-width, as some keyboards type
        ("JOIN RHYTHM", None),  # no digit: a word, never a code
        ("join ABC123", None),  # A and 1 are not in the alphabet
        ("rejoin 7KX2MQ", None),  # JOIN must be a whole word
        ("JOIN 7KX2MQX", None),  # too long
        ("I want to join the gym 3 days a week", None),
        ("Hi", None),
        ("3x10", None),
        ("7KX2MQ is my code, I want to get stronger", None),  # a bare code is the whole text
    ],
)
def test_code_in(body: str, expected: str | None) -> None:
    assert code_in(body) == expected


@given(st.text(max_size=200))
def test_code_in_never_fails_and_only_returns_codes(body: str) -> None:
    code = code_in(body)
    assert code is None or (len(code) == REFERRAL_CODE_LENGTH
                            and set(code) <= set(REFERRAL_CODE_ALPHABET))


@pytest.mark.parametrize(
    "body",
    ["invite", "Invite", "INVITE!", "invite code", "invite code pls", "my invite code",
     "refer a friend", "Refer a friend.", "my code", "what's my code?", "my referral code",
     "send me my invite link", "invite please"],
)
def test_asking_for_the_code_is_the_invite_keyword(body: str) -> None:
    assert classify(body, opted_out=False) is Keyword.INVITE
    assert may_be_keyword(body)  # the webhook's fast path sends it to the keyword transaction


@pytest.mark.parametrize(
    "body",
    ["can I invite my wife to train with me?", "my code is broken", "code", "JOIN 7KX2MQ",
     "I got an invite from Sam", "7KX2MQ"],
)
def test_other_texts_about_invites_are_chat(body: str) -> None:
    assert classify(body, opted_out=False) is None
    assert not may_be_keyword(body)


def test_the_invite_and_the_thanks_are_one_plain_sms_each() -> None:
    reply = invite_reply("7KX2MQ", "+15551234567")
    assert "JOIN 7KX2MQ" in reply and "+15551234567" in reply
    assert code_in(reply) == "7KX2MQ"  # forwarded as is, it links the friend who sends it
    for text in (reply, THANKS):
        info = segment_info(text)
        assert (info.encoding, info.segments) == ("GSM-7", 1)
