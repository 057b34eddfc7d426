"""The athlete page's link: the LINK keyword, its one-SMS reply, and masking codes in bodies."""

from __future__ import annotations

import pytest

from worker.coach.links import REDACTED, is_code_shaped, link_url, redact_links
from worker.sms.keywords import Keyword, classify, link_reply, may_be_keyword
from worker.sms.segments import segment_info
from worker.tokens import new_token, token_hash

BASE = "https://coach.example.com"


@pytest.mark.parametrize("body", ["link", "LINK", "Link.", " my link ", "send me my link",
                                  "Progress page", "my page!", "ＬＩＮＫ", "send my link"])
def test_asking_for_the_page_is_the_link_keyword(body: str) -> None:
    assert classify(body, opted_out=False) is Keyword.LINK
    assert classify(body, opted_out=True) is Keyword.LINK  # answered (with nothing) anyway
    assert may_be_keyword(body)


@pytest.mark.parametrize("body", ["can you send me the link to the squat video?",
                                  "link up with you tomorrow", "my page is blank",
                                  "is there a progress page?", "links", "the link didn't work"])
def test_link_in_a_sentence_is_not_the_keyword(body: str) -> None:
    assert classify(body, opted_out=False) is None


def test_stop_still_wins() -> None:
    assert classify("stop", opted_out=False) is Keyword.OPT_OUT


def test_the_link_reply_is_one_plain_sms() -> None:
    reply = link_reply(link_url(BASE, new_token()))
    assert reply.startswith("Your progress page (one use, 15 min): https://coach.example.com/a/")
    info = segment_info(reply)
    assert (info.encoding, info.segments) == ("GSM-7", 1)


def test_codes_are_random_and_stored_as_hashes() -> None:
    codes = {new_token() for _ in range(50)}
    assert len(codes) == 50 and all(is_code_shaped(code) for code in codes)
    code = next(iter(codes))
    assert token_hash(code) != code and len(token_hash(code)) == 64 and code not in token_hash(code)


@pytest.mark.parametrize("code", ["", "short", "x" * 65, "a" * 10_000, "../../etc/passwd",
                                  "abc def ghi jkl mno pqr", "<script>alert(1)</script>abcdefgh"])
def test_code_shape_refuses_what_new_token_never_makes(code: str) -> None:
    assert not is_code_shaped(code)


def test_redact_links_masks_every_code() -> None:
    first, second = new_token(), new_token()
    body = (f"Your progress page (one use, 15 min): {BASE}/a/{first}\n"
            f"and again http://127.0.0.1:8000/a/{second}.")
    masked = redact_links(body)
    assert first not in masked and second not in masked
    assert masked == (f"Your progress page (one use, 15 min): {BASE}/a/{REDACTED}\n"
                      f"and again http://127.0.0.1:8000/a/{REDACTED}.")


def test_redact_links_masks_a_code_cut_in_two_by_a_split_text() -> None:
    code = new_token()
    masked = redact_links(f"{BASE}/a/{code[:20]}")
    assert code[:20] not in masked


@pytest.mark.parametrize("body", ["Squats 3x8 @ 40kg", "a/b testing", "see /a/short",
                                  "Done! 5/a/5", ""])
def test_redact_links_leaves_other_texts_alone(body: str) -> None:
    assert redact_links(body) == body
