"""Tests for SMS encoding detection, segment counting and reply splitting."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.sms.segments import (
    GSM7_PART,
    GSM7_SINGLE,
    UCS2_PART,
    UCS2_SINGLE,
    Encoding,
    SegmentInfo,
    encoding_of,
    length_units,
    segment_info,
    split_message,
)

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[~]|€"

THUMBS_MEDIUM = "👍🏽"  # base + skin-tone modifier
FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # ZWJ sequence
HEART = "❤\ufe0f"  # BMP base + emoji variation selector
RAINBOW_FLAG = "🏳\ufe0f\u200d🌈"
FLAG_US = "🇺🇸"  # regional-indicator pair
KEYCAP_ONE = "1\ufe0f\u20e3"
EMOJI_TOKENS = ["😀", "💪", THUMBS_MEDIUM, FAMILY, HEART, RAINBOW_FLAG, FLAG_US, KEYCAP_ONE]

PREFIX = re.compile(r"(\d+)/(\d+) ")
# Characters that must never start a part, and ZWJ must never end one.
EXTENDERS = frozenset("\u200d\ufe0f\ufe0e\u20e3") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def limits(encoding: Encoding) -> tuple[int, int]:
    return (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)


def strip_prefixes(parts: list[str]) -> list[str]:
    """Return the parts' bodies, asserting the "n/N " numbering is 1..N with the right N."""
    bodies: list[str] = []
    for index, part in enumerate(parts, 1):
        match = PREFIX.match(part)
        assert match is not None, part
        assert int(match.group(1)) == index
        assert int(match.group(2)) == len(parts)
        bodies.append(part[match.end() :])
    return bodies


def no_space(text: str) -> str:
    return "".join(text.split())


def check_split(text: str) -> list[str]:
    """Split ``text`` and assert every invariant split_message promises; return the bodies."""
    parts = split_message(text)
    assert parts
    content = text.strip()
    fits_single = segment_info(content).segments == 1
    assert (len(parts) == 1) == fits_single
    if segment_info(text.rstrip()).segments == 1:
        assert parts == [text.rstrip()]
        return parts
    if len(parts) == 1:
        assert parts == [content]
        return parts

    encoding = encoding_of(content)
    part_limit = limits(encoding)[1]
    for part in parts:
        assert length_units(part, encoding) <= part_limit
        # The part's own encoding must also fit the carrier's per-part limit.
        assert length_units(part, encoding_of(part)) <= limits(encoding_of(part))[1]
        part.encode("utf-16")  # raises on a lone surrogate
    bodies = strip_prefixes(parts)
    for body in bodies:
        assert body
        assert body == body.strip()
    assert no_space("".join(bodies)) == no_space(text)
    return bodies


# --- encoding detection and counting -------------------------------------------------------


def test_gsm_tables_are_complete() -> None:
    assert len(set(GSM_BASIC)) == 127  # 128 codes minus the ESC escape
    assert encoding_of(GSM_BASIC + GSM_EXTENSION) == "GSM-7"
    assert length_units(GSM_BASIC, "GSM-7") == 127
    assert length_units(GSM_EXTENSION, "GSM-7") == 2 * len(GSM_EXTENSION)
    assert encoding_of("\x1b") == "UCS-2"


def test_plain_ascii_is_gsm() -> None:
    text = "Nice work today! Drink water & stretch (10 min)."
    assert encoding_of(text) == "GSM-7"
    assert length_units(text, "GSM-7") == len(text)
    assert segment_info(text) == SegmentInfo("GSM-7", len(text), 1)


@pytest.mark.parametrize("char", ["€", "{", "}", "[", "]", "~", "|", "^", "\\", "\f"])
def test_extension_char_is_gsm_and_costs_two(char: str) -> None:
    text = f"a{char}b"
    assert encoding_of(text) == "GSM-7"
    assert length_units(text, "GSM-7") == 4
    assert length_units(text, "UCS-2") == 3


@pytest.mark.parametrize("char", ["’", "“", "”", "—", "😀", "д", "\t", "ç"])
def test_one_non_gsm_char_makes_whole_message_ucs2(char: str) -> None:
    assert encoding_of("Hello there, " + char + " see you tomorrow") == "UCS-2"


def test_astral_emoji_costs_two_utf16_units() -> None:
    assert length_units("😀", "UCS-2") == 2
    assert length_units(FAMILY, "UCS-2") == 11
    assert length_units("é€", "UCS-2") == 2


def test_gsm_count_rejects_non_gsm_text() -> None:
    with pytest.raises(ValueError, match="not in the GSM-7 alphabet"):
        length_units("café ’", "GSM-7")


def test_segment_info_limits() -> None:
    assert segment_info("") == SegmentInfo("GSM-7", 0, 1)
    assert segment_info("a" * 160) == SegmentInfo("GSM-7", 160, 1)
    assert segment_info("a" * 161) == SegmentInfo("GSM-7", 161, 2)
    assert segment_info("a" * 306) == SegmentInfo("GSM-7", 306, 2)
    assert segment_info("a" * 307) == SegmentInfo("GSM-7", 307, 3)
    assert segment_info("€" * 80) == SegmentInfo("GSM-7", 160, 1)
    assert segment_info("€" * 81) == SegmentInfo("GSM-7", 162, 2)
    assert segment_info("😀" * 35) == SegmentInfo("UCS-2", 70, 1)
    assert segment_info("😀" * 36) == SegmentInfo("UCS-2", 72, 2)
    assert segment_info("’" * 135) == SegmentInfo("UCS-2", 135, 3)


# --- splitting -----------------------------------------------------------------------------


def test_empty_and_whitespace_only() -> None:
    assert split_message("") == [""]
    assert split_message("  \n ") == [""]


def test_160_gsm_chars_fit_unchanged() -> None:
    text = ("Squats " * 23)[:159] + "!"
    assert len(text) == 160
    assert split_message(text) == [text]
    assert split_message(text + "  \n") == [text]


def test_161_gsm_chars_split_in_two() -> None:
    text = ("Squats " * 23)[:160] + "!"
    assert length_units(text, "GSM-7") == 161
    parts = split_message(text)
    assert len(parts) == 2
    assert parts[0].startswith("1/2 ")
    assert parts[1].startswith("2/2 ")
    assert all(length_units(part, "GSM-7") <= GSM7_PART for part in parts)
    check_split(text)


def test_extension_chars_counted_double_when_splitting() -> None:
    text = "€" * 200
    bodies = check_split(text)
    assert all(length_units(f"1/2 {body}", "GSM-7") <= GSM7_PART for body in bodies)
    assert "".join(bodies) == text


def test_70_ucs2_units_unchanged_71_split() -> None:
    fits = "Great job’" * 7
    assert segment_info(fits) == SegmentInfo("UCS-2", 70, 1)
    assert split_message(fits) == [fits]
    text = fits + "!"
    parts = split_message(text)
    assert len(parts) == 2
    assert [part[:4] for part in parts] == ["1/2 ", "2/2 "]
    assert all(length_units(part, "UCS-2") <= UCS2_PART for part in parts)
    check_split(text)


def test_ucs2_message_parts_budgeted_as_ucs2_even_if_gsm_only() -> None:
    text = "a" * 100 + " " + "b" * 100 + " 😀"
    for part in split_message(text):
        assert length_units(part, "UCS-2") <= UCS2_PART


@pytest.mark.parametrize("filler", range(55, 70))
def test_surrogate_pair_never_cut(filler: int) -> None:
    text = "x" * filler + "😀" * 40
    bodies = check_split(text)
    for body in bodies:
        body.encode("utf-16")
    assert "".join(bodies) == text


@pytest.mark.parametrize("filler", range(50, 70))
def test_lone_surrogate_pairs_from_utf16_data_stay_together(filler: int) -> None:
    pair = "\ud83d\ude00"  # 😀 as two code points, as decoded with surrogatepass
    text = "x" * filler + pair * 30
    parts = split_message(text)
    bodies = strip_prefixes(parts)
    for body in bodies:
        assert not "\udc00" <= body[0] <= "\udfff"
        assert not "\ud800" <= body[-1] <= "\udbff"
    assert all(length_units(part, "UCS-2") <= UCS2_PART for part in parts)
    assert "".join(bodies) == text


@pytest.mark.parametrize("emoji", [FAMILY, THUMBS_MEDIUM, HEART, RAINBOW_FLAG, FLAG_US, KEYCAP_ONE])
@pytest.mark.parametrize("filler", range(50, 64))
def test_emoji_clusters_kept_together(emoji: str, filler: int) -> None:
    text = "x" * filler + emoji * 20
    bodies = check_split(text)
    assert "".join(bodies) == text
    for body in bodies:
        # A cut inside a cluster would leave a fragment that is neither "x" nor the emoji.
        assert body.replace("x", "").replace(emoji, "") == ""


def test_word_longer_than_part_split_mid_word() -> None:
    word = "".join(chr(ord("a") + i % 26) for i in range(400))
    text = "Hi " + word + " bye"
    parts = split_message(text)
    bodies = check_split(text)
    assert bodies[0] == "Hi"  # breaks at the space before resorting to a mid-word cut
    assert "".join(bodies[1:]).replace(" ", "") == word + "bye"
    # Mid-word cuts fill the part completely.
    assert all(len(part) == GSM7_PART for part in parts[1:-1])


def test_prefers_paragraph_then_sentence_then_space() -> None:
    first = "Warm up: five minutes easy walking, then leg swings and arm circles. Keep it light."
    para = first + "\n\nMain set: " + "run two minutes, walk one. " * 4
    bodies = check_split(para)
    assert bodies[0] == first

    sentences = "Drink water. " * 11 + "Sleep well tonight and recover properly"
    bodies = check_split(sentences)
    assert bodies[0].endswith("Drink water.")

    words = "lift " * 40
    bodies = check_split(words)
    assert all(set(body.split()) == {"lift"} for body in bodies)


def test_sentence_break_keeps_trailing_emoji_with_sentence() -> None:
    text = "Great job today! 💪 " * 8
    bodies = check_split(text)
    assert all(body.endswith("💪") for body in bodies)


def test_part_count_crossing_nine_to_ten_widens_prefix() -> None:
    # With one-digit prefixes ("n/9 ", 4 chars) 9 parts hold 9 * 149 = 1341 chars.
    nine = "x" * 1341
    parts = split_message(nine)
    assert len(parts) == 9
    assert all(len(part) == GSM7_PART for part in parts)

    # Four more chars need a 10th part, so every prefix grows by a digit ("n/10 ").
    ten = "x" * 1345
    parts = split_message(ten)
    assert len(parts) == 10
    assert parts[0].startswith("1/10 ")
    assert parts[-1].startswith("10/10 ")
    assert all(length_units(part, "GSM-7") <= GSM7_PART for part in parts)
    check_split(ten)


@pytest.mark.parametrize("repeat", range(150, 190, 3))
def test_part_count_around_prefix_width_change_with_words(repeat: int) -> None:
    check_split("Plank 30s. " * repeat)
    check_split("Plank 30s 💪 " * (repeat // 3))


def test_never_truncates_long_text() -> None:
    text = " ".join(f"rep{i}" for i in range(3000))
    bodies = check_split(text)
    assert len(bodies) >= 100
    assert " ".join(bodies).split() == text.split()


def test_leading_whitespace_alone_does_not_force_a_split() -> None:
    text = " " * 30 + "y" * 150
    assert split_message(text) == ["y" * 150]
    assert split_message("\t" + "y" * 150) == ["y" * 150]


# --- property tests ------------------------------------------------------------------------

RAW_ALPHABET = (
    list(GSM_BASIC)
    + list(GSM_EXTENSION)
    + ["😀", "💪", "🏽", "\u200d", "\ufe0f", "’", "—", "д", "\t", "\xa0", "🇺", "🇸"]
    + [" "] * 20
)

word = st.text(alphabet=GSM_BASIC.replace("\n", "").replace("\r", "").replace(" ", ""), min_size=1)
token = st.one_of(
    word,
    st.sampled_from(EMOJI_TOKENS),
    st.sampled_from(list(GSM_EXTENSION.replace("\f", ""))),
    st.sampled_from([" ", "  ", "\n", "\n\n", ". ", "! ", "’"]),
)
# Hypothesis favours short examples, so draw the length first to get plenty of multi-part
# (including 10+ part) texts as well as ones that fit in a single message.
structured_text = st.integers(0, 300).flatmap(
    lambda n: st.lists(token, min_size=n, max_size=n).map("".join)
)
raw_text = st.integers(0, 1500).flatmap(
    lambda n: st.text(alphabet=st.sampled_from(RAW_ALPHABET), min_size=n, max_size=n)
)


@settings(max_examples=300)
@given(raw_text)
def test_property_split_invariants_random_text(text: str) -> None:
    check_split(text)


@settings(max_examples=300)
@given(structured_text)
def test_property_split_keeps_emoji_clusters(text: str) -> None:
    parts = split_message(text)
    bodies = check_split(text)
    if len(parts) == 1:
        return
    for body in bodies:
        assert body[0] not in EXTENDERS
        assert not body.endswith("\u200d")
    for token_text in EMOJI_TOKENS:
        if len(token_text) > 1:
            assert sum(body.count(token_text) for body in bodies) == text.count(token_text)


@settings(max_examples=200)
@given(raw_text)
def test_property_segment_info_consistent(text: str) -> None:
    info = segment_info(text)
    single, part = limits(info.encoding)
    assert info.encoding == encoding_of(text)
    assert info.units == length_units(text, info.encoding)
    assert info.units >= len(text)
    assert (info.segments == 1) == (info.units <= single)
    assert info.segments * part >= info.units or info.segments == 1


def test_shortening_keeps_whole_sentences_within_the_parts() -> None:
    from worker.sms.segments import shorten_to_parts

    text = " ".join(f"Sentence {n} about bracing before each rep." for n in range(30))
    short = shorten_to_parts(text, 2)
    assert len(split_message(short)) <= 2 and short.endswith(".") and text.startswith(short)
    assert shorten_to_parts("Fits in one.", 2) == "Fits in one."
    emoji = "Great work 💪 " + "keep going " * 60
    assert len(split_message(shorten_to_parts(emoji.strip(), 2))) <= 2
