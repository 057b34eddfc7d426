"""Carrier keywords: recognised in the forms athletes type them, answered in one SMS."""

from __future__ import annotations

import pytest

from worker.sms.keywords import REPLIES, Keyword, classify
from worker.sms.segments import segment_info


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", Keyword.OPT_OUT),
        (" stop ", Keyword.OPT_OUT),
        ("Stop.", Keyword.OPT_OUT),
        ("unsubscribe", Keyword.OPT_OUT),
        ("QUIT", Keyword.OPT_OUT),
        ("start", Keyword.OPT_IN),
        ("UNSTOP", Keyword.OPT_IN),
        ("help", Keyword.HELP),
        ("info", Keyword.HELP),
        ("please stop", Keyword.OPT_OUT),
        ("please stop texting me so early, 9am is fine", None),
        ("stop sending me squats", None),
        ("", None),
        ("yes", None),
    ],
)
def test_classify(body: str, expected: Keyword | None) -> None:
    assert classify(body, opted_out=False) == expected


def test_yes_opts_back_in_only_after_an_opt_out() -> None:
    assert classify("YES", opted_out=True) == Keyword.OPT_IN
    assert classify("yes", opted_out=False) is None


@pytest.mark.parametrize("keyword", list(Keyword))
def test_each_keyword_reply_is_one_plain_sms(keyword: Keyword) -> None:
    info = segment_info(REPLIES[keyword])
    assert info.encoding == "GSM-7"
    assert info.segments == 1
