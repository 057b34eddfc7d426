"""Carrier keywords: recognised in the forms athletes type them, answered in one SMS."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.sms import keywords
from worker.sms.keywords import REPLIES, Keyword, classify, normalize
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


#: Every way of saying stop named in issue 13, typed as people type them (FCC 2024: consent is
#: revoked "by any reasonable means").
OPT_OUTS = [
    "stop please", "please stop", "STOP ALL", "opt out", "opt-out", "Stop texting me",
    "unsubscribe me", "Stop 🙏", "ＳＴＯＰ", "ST\u200bOP", '"STOP"', "STOP\0",
    "don't text me anymore", "Don’t text me again", "para", "cancelar", "baja", "Arrêt",
    "i want to opt out", "can you stop the messages", "I'd rather not get texts anymore",
    "I hope you won't mind, but I would prefer not to receive the messages any more. Please "
    "could you stop the texts for good. Thank you for all your help. Warm regards, Margaret",
]
#: Stopping something else, or qualifying the texts, is not revoking consent.
NOT_OPT_OUTS = [
    "stop squats, knee hurts", "can you stop the squats", "para mi rodilla",
    "stop texting me so early, 9am is fine", "don't text me before 9",
    "stop the workout texts on sunday", "end of set 3 was hard",
]


@pytest.mark.parametrize("body", OPT_OUTS)
def test_every_reasonable_way_of_saying_stop(body: str) -> None:
    assert classify(body, opted_out=False) is Keyword.OPT_OUT


@pytest.mark.parametrize("body", NOT_OPT_OUTS)
def test_stopping_an_exercise_is_not_an_opt_out(body: str) -> None:
    assert classify(body, opted_out=False) is None



@pytest.mark.parametrize("body", ["start again", "please start texting me again", "opt in",
                                  "resubscribe me", "I'm back!", "Start the texts again please"])
def test_coming_back_in_a_sentence_opts_back_in_only_after_an_opt_out(body: str) -> None:
    assert classify(body, opted_out=True) is Keyword.OPT_IN
    assert classify(body, opted_out=False) is None


def test_starting_an_exercise_is_not_opting_in() -> None:
    assert classify("start squats again tomorrow?", opted_out=True) is None


@given(st.text(alphabet=string.printable, max_size=60))
def test_the_ascii_fast_path_folds_exactly_as_the_unicode_one(body: str) -> None:
    text = keywords._INVISIBLE.sub("", unicodedata.normalize("NFKC", body))
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNZ" or ch in "-'.,;!?\n" else " "
                   for ch in text.translate(keywords._APOSTROPHES))
    assert normalize(body) == re.sub(r"\s+", " ", kept).strip().lower()
