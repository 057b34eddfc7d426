"""SMS encoding detection, segment counting and reply splitting.

Carriers bill (and Twilio reports) SMS per *segment*, and the segment size depends on the
encoding the whole body needs: GSM-7 (GSM 03.38) when every character is in the GSM basic or
extension table, otherwise UCS-2. One curly quote or emoji silently turns a 160-character
message into a 3-segment UCS-2 one, so the coach must count exactly the way the carrier does
before it decides how to send a reply.

Our product never relies on carrier concatenation for long replies: it sends them as several
separate SMS, each numbered ``"n/N "`` and each small enough to fit one part-sized slot. That
way a reply arrives readable even on handsets or routes that do not reassemble concatenated
messages. :func:`split_message` produces those parts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Final, Literal

__all__ = [
    "GSM7_PART",
    "GSM7_SINGLE",
    "UCS2_PART",
    "UCS2_SINGLE",
    "Encoding",
    "SegmentInfo",
    "encoding_of",
    "length_units",
    "segment_info",
    "shorten_to_parts",
    "split_message",
]

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_SINGLE: Final = 160
"""Septets in a single, unsplit GSM-7 message."""
GSM7_PART: Final = 153
"""Septets per part of a concatenated GSM-7 message (the UDH takes the other 7)."""
UCS2_SINGLE: Final = 70
"""UTF-16 code units in a single, unsplit UCS-2 message."""
UCS2_PART: Final = 67
"""UTF-16 code units per part of a concatenated UCS-2 message (the UDH takes the other 3)."""

# GSM 03.38 basic character set in table order, minus 0x1B: that code is the escape into the
# extension table, not a character a user can type, so a literal ESC forces UCS-2.
_GSM7_BASIC_CHARS: Final = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e"  # Δ_ΦΓΛΩΠΨΣΘΞ
    "ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Extension table: each is sent as ESC + code, so each costs two septets.
_GSM7_EXTENSION_CHARS: Final = "\f^{}\\[~]|€"

_GSM7_BASIC: Final = frozenset(_GSM7_BASIC_CHARS)
_GSM7_EXTENSION: Final = frozenset(_GSM7_EXTENSION_CHARS)
_GSM7_ALL: Final = _GSM7_BASIC | _GSM7_EXTENSION

_LIMITS: Final[dict[str, tuple[int, int]]] = {
    "GSM-7": (GSM7_SINGLE, GSM7_PART),
    "UCS-2": (UCS2_SINGLE, UCS2_PART),
}

_ZWJ: Final = "\u200d"
# Characters that end a sentence, and closers that may trail them ('Done." Next').
_SENTENCE_ENDS: Final = frozenset(".!?…。！？")
_CLOSERS: Final = frozenset("\"')]}»’”")
# Characters str.splitlines() treats as line boundaries ("\r\n" is one atom, see _atoms).
_LINE_BREAKS: Final = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

# Break preferences, best first; the number is only used for ordering.
_PARAGRAPH: Final = 3
_SENTENCE: Final = 2
_SPACE: Final = 1


@dataclass(frozen=True)
class SegmentInfo:
    """What a body costs when sent as ONE message, as the carrier will bill it.

    ``units`` is septets for GSM-7 and UTF-16 code units for UCS-2, so it can be compared
    directly with the limits of ``encoding``.
    """

    encoding: Encoding
    units: int
    segments: int


def encoding_of(text: str) -> Encoding:
    """Return the encoding a carrier must use for ``text``.

    The choice is all-or-nothing for the whole body: a single character outside the GSM-7
    tables (emoji, curly quote, em dash, non-Latin letter, tab, ...) makes the entire message
    UCS-2, which is why callers should check this before sending a long reply.
    """
    return "GSM-7" if _GSM7_ALL.issuperset(text) else "UCS-2"


def length_units(text: str, encoding: Encoding) -> int:
    """Count ``text`` in the units the carrier limits are expressed in.

    GSM-7 counts septets: extension characters (``€ { } [ ] ~ | ^ \\`` and form feed) cost two
    because they are sent as ESC + code. UCS-2 counts UTF-16 code units: characters outside the
    BMP (most emoji) cost two because they travel as a surrogate pair.

    Raises:
        ValueError: if ``encoding`` is GSM-7 and ``text`` has a character GSM-7 cannot carry,
            because silently under-counting would make us exceed the real limit.
    """
    if encoding == "UCS-2":
        # surrogatepass: a lone surrogate is still one code unit on the wire.
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if encoding != "GSM-7":
        raise ValueError(f"unknown SMS encoding {encoding!r}")
    total = 0
    for ch in text:
        if ch in _GSM7_BASIC:
            total += 1
        elif ch in _GSM7_EXTENSION:
            total += 2
        else:
            raise ValueError(f"{ch!r} (U+{ord(ch):04X}) is not in the GSM-7 alphabet")
    return total


def segment_info(text: str) -> SegmentInfo:
    """Return encoding, length and billed segment count of ``text`` sent as one message.

    A body that fits the single-message limit is one segment; a longer one is concatenated by
    the carrier into ``ceil(units / per_part_limit)`` segments, because each part loses room
    to the concatenation header. An empty body still costs one segment.
    """
    encoding = encoding_of(text)
    units = length_units(text, encoding)
    single, part = _LIMITS[encoding]
    segments = 1 if units <= single else math.ceil(units / part)
    return SegmentInfo(encoding=encoding, units=units, segments=segments)


def shorten_to_parts(text: str, parts: int) -> str:
    """``text`` if it is sent in at most ``parts`` SMS, else its longest run of whole sentences
    that is (or, if even the first sentence is too long, its longest run of whole words)."""
    if len(split_message(text)) <= parts:
        return text
    sentences = re.findall(r"[^.!?\n]+(?:[.!?]+|\n|$)\s*", text)
    kept = ""
    for sentence in sentences:
        if len(split_message((kept + sentence).strip())) > parts:
            break
        kept += sentence
    if kept.strip():
        return kept.strip()
    words = text.split()
    while words and len(split_message(" ".join(words) + "...")) > parts:
        words.pop()
    return " ".join(words) + "..."


def split_message(text: str) -> list[str]:
    """Split a reply into separately sent SMS, each fitting one part-sized slot.

    If the body (trailing whitespace stripped) fits a single message it is returned unchanged
    as the only element. Otherwise every returned string is ``"n/N "`` followed by a piece of
    the text, and ``length_units(part, enc) <= GSM7_PART`` (or ``UCS2_PART``) holds with the
    prefix included, where ``enc`` is the encoding of the whole text with its leading and
    trailing whitespace removed (that whitespace is never sent, so it must not force UCS-2).
    Budgeting every part with the whole body's encoding keeps the parts of one reply
    consistent, and it is always safe: a GSM-7-budgeted part can only contain GSM-7
    characters.

    Breaks are made at paragraph breaks, then sentence ends or line breaks, then any
    whitespace, and mid-word only when one word does not fit in a part. Only whitespace is
    ever dropped (at the break points); nothing is reordered or truncated. A part never ends
    between the halves of a surrogate pair, and an emoji is not separated from a following
    variation selector, skin-tone modifier, ZWJ-joined emoji, flag half or combining mark
    unless that cluster alone is longer than a part.

    Raises:
        ValueError: only if the text would need so many parts that the ``"n/N "`` prefix
            leaves no room for content (astronomically long input).
    """
    body = text.rstrip()
    if segment_info(body).segments == 1:
        return [body]
    content = body.lstrip()
    if segment_info(content).segments == 1:
        # Only leading whitespace pushed it over the limit; dropping it beats splitting.
        return [content]

    encoding = encoding_of(content)
    part_limit = _LIMITS[encoding][1]
    # The prefix width depends on the part count, which depends on the prefix width: assume
    # N has `width` digits, split, and widen until the count actually fits that many digits.
    width = 1
    while True:
        chunks = _split_with_width(content, encoding, part_limit, width)
        if chunks is not None:
            total = len(chunks)
            return [f"{index}/{total} {chunk}" for index, chunk in enumerate(chunks, 1)]
        width += 1


def _split_with_width(
    content: str, encoding: Encoding, part_limit: int, width: int
) -> list[str] | None:
    """Greedily cut ``content`` into chunks for prefixes whose total N has ``width`` digits.

    Returns None as soon as more than ``10**width - 1`` chunks would be needed, since the
    assumed prefix width would then be too narrow.
    """
    smallest_budget = part_limit - (2 * width + len("/ "))
    if smallest_budget < 2:  # an extension char or astral emoji needs 2 units
        raise ValueError("message too long to number its parts within the SMS limit")

    clusters, costs = _clusters(content, encoding, smallest_budget)
    offsets = list(accumulate(costs, initial=0))
    is_space = [cluster[0].isspace() for cluster in clusters]
    count = len(clusters)

    chunks: list[str] = []
    start = 0
    while start < count:
        index = len(chunks) + 1
        if len(str(index)) > width:
            return None
        budget = part_limit - (len(str(index)) + width + len("/ "))
        # Furthest cluster boundary whose chunk still fits the budget (always > start, since
        # no cluster costs more than the smallest budget).
        end = bisect_right(offsets, offsets[start] + budget) - 1
        stop = count if end >= count else _choose_break(clusters, is_space, offsets, start, end)
        chunks.append("".join(clusters[start:stop]))
        start = stop
        while start < count and is_space[start]:
            start += 1
    return chunks


def _choose_break(
    clusters: list[str], is_space: list[bool], offsets: list[int], start: int, end: int
) -> int:
    """Pick where the chunk starting at cluster ``start`` ends (exclusive), at most ``end``.

    Paragraph and sentence breaks are only preferred when the chunk would still use at least
    half its budget, so a short opening paragraph does not waste a whole SMS.
    """
    room = offsets[end] - offsets[start]
    sentence_break: int | None = None
    space_break: int | None = None
    for stop in range(end, start, -1):
        # Candidates are the first whitespace cluster of a run, so chunks never end in spaces.
        if not is_space[stop] or is_space[stop - 1]:
            continue
        kind = _break_kind(clusters, is_space, start, stop)
        long_enough = 2 * (offsets[stop] - offsets[start]) >= room
        if kind == _PARAGRAPH and long_enough:
            return stop
        if kind >= _SENTENCE and long_enough and sentence_break is None:
            sentence_break = stop
        if space_break is None:
            space_break = stop
    if sentence_break is not None:
        return sentence_break
    if space_break is not None:
        return space_break
    return end  # a single word longer than a part: cut it at a cluster boundary


def _break_kind(clusters: list[str], is_space: list[bool], start: int, stop: int) -> int:
    """Classify the whitespace run at ``stop`` as a paragraph, sentence or word break.

    ``start`` is the first cluster of the current chunk; the look-back never goes before it.
    """
    line_breaks = 0
    position = stop
    while position < len(clusters) and is_space[position]:
        cluster = clusters[position]
        if cluster == "\u2029":
            return _PARAGRAPH
        if cluster in _LINE_BREAKS or cluster == "\r\n":
            line_breaks += 1
        position += 1
    if line_breaks >= 2:
        return _PARAGRAPH
    if line_breaks == 1:
        return _SENTENCE
    # Look back past closing quotes/brackets and trailing emoji ("Nice work! 💪 Next"): the
    # emoji belongs to the sentence before it, so the break after it is a sentence break.
    before = stop - 1
    while before > start and (
        clusters[before][0] in _CLOSERS or is_space[before] or _is_pictographic(clusters[before])
    ):
        before -= 1
    return _SENTENCE if clusters[before][0] in _SENTENCE_ENDS else _SPACE


def _is_pictographic(cluster: str) -> bool:
    """Roughly: does this cluster render as an emoji or other pictographic symbol?"""
    code_point = _code_points(cluster)[0]
    return code_point >= 0x1F000 or unicodedata.category(chr(code_point)) == "So"


def _clusters(text: str, encoding: Encoding, max_units: int) -> tuple[list[str], list[int]]:
    """Group ``text`` into unbreakable clusters with their unit costs.

    This is a small approximation of extended grapheme clusters (no third-party dependency):
    marks, variation selectors, skin-tone modifiers, tag characters, ZWJ and the character
    after a ZWJ join the preceding cluster, and regional indicators pair up into flags.
    Whitespace is never joined to anything, so dropping whitespace at a break drops nothing
    else. A cluster stops growing at ``max_units`` so that every cluster fits in a part.
    """
    clusters: list[str] = []
    costs: list[int] = []
    for atom in _atoms(text):
        cost = length_units(atom, encoding)
        if clusters and costs[-1] + cost <= max_units and _extends(clusters[-1], atom):
            clusters[-1] += atom
            costs[-1] += cost
        else:
            clusters.append(atom)
            costs.append(cost)
    return clusters, costs


def _atoms(text: str) -> list[str]:
    """Split ``text`` into pieces that must never be separated under any budget.

    A Python ``str`` normally holds astral characters as one code point, but a string built
    from UTF-16 data can contain a high/low surrogate pair as two code points; those stay
    together, as does CRLF.
    """
    atoms: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        pair = text[index : index + 2]
        if len(pair) == 2 and (
            pair == "\r\n" or ("\ud800" <= pair[0] <= "\udbff" and "\udc00" <= pair[1] <= "\udfff")
        ):
            atoms.append(pair)
            index += 2
        else:
            atoms.append(text[index])
            index += 1
    return atoms


def _code_points(text: str) -> list[int]:
    """Return the code points of ``text`` with any surrogate pairs combined."""
    combined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return [ord(ch) for ch in combined]


def _is_regional_indicator(code_point: int) -> bool:
    """Regional indicators come in pairs that render as one flag."""
    return 0x1F1E6 <= code_point <= 0x1F1FF


def _extends(cluster: str, atom: str) -> bool:
    """Return True if ``atom`` belongs to the same user-visible character as ``cluster``."""
    if cluster[0].isspace() or atom.isspace():
        return False
    if cluster.endswith(_ZWJ):
        return True
    code_point = _code_points(atom)[0]
    if (
        code_point == 0x200D  # ZWJ
        or 0xFE00 <= code_point <= 0xFE0F  # variation selectors (emoji / text presentation)
        or 0x1F3FB <= code_point <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code_point <= 0xE007F  # tag characters (subdivision flags)
        or 0xE0100 <= code_point <= 0xE01EF  # variation selectors supplement
        or unicodedata.category(chr(code_point)) in ("Mn", "Mc", "Me")  # combining marks
    ):
        return True
    if _is_regional_indicator(code_point):
        cluster_points = _code_points(cluster)
        return len(cluster_points) == 1 and _is_regional_indicator(cluster_points[0])
    return False
