"""Where the athlete is, in their words: a place, a zone name, an abbreviation, an IANA name.

The tables (places, regions, abbreviations) live with :mod:`worker.timezones`, beside the area
code table; this module finds them in text. "Eastern" means the zone of the athlete's own
country (the phone number says which), and "5:30 central" names a zone too.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from typing import Final

from worker.llm.offline.read.text import CI, upper
from worker.timezones import (
    FIXED_ZONE_ABBREVIATIONS,
    IST_ZONES,
    NAME_LIKE_PLACES,
    PLACES,
    REGION_ZONES,
    ZONE_ABBREVIATIONS,
    without_accents,
)

_PLACE_RE: Final = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True))
    + r")(?![\w])(?!\s*(?:marathon|half|10k|5k|ironman|fitness|times|post|style|cheesecake|"
      r"strip|pizza|city marathon))",
    CI,
)
_NAME_PLACE_RE: Final = re.compile(
    r"\b(?:in|from|near|around|outside|out of|at|to|live|living|based|located)\s+"
    r"(?:the\s+)?(?:greater\s+|downtown\s+|north\s+|south\s+|east\s+|west\s+)?("
    + "|".join(NAME_LIKE_PLACES) + r")\b(?!\s*(?:marathon|half|10k|5k))"
    r"|\b(" + "|".join(NAME_LIKE_PLACES) + r")(?:,?\s*(?:tx|texas|az|arizona|co|colorado|"
    r"nsw|australia|france|ga|nc|wi|fl|florida|ms|bc)\b|\s+(?:area|time))",
    CI,
)
_REGION_RE: Final = re.compile(
    r"\b(eastern|central|mountain|pacific|atlantic|western|alaska|hawaii)(?:\s+(?:time|"
    r"standard|daylight|tz|timezone|time zone|zone))\b"
    r"|\bon (eastern|central|mountain|pacific|atlantic|western)\b"
    r"|\d(?:\s*[ap]\.?m\.?)?\s+(eastern|central|mountain|pacific)\b",
    CI,
)
_IANA_RE: Final = re.compile(r"\b([A-Za-z]+(?:_[A-Za-z]+)*/[A-Za-z]+(?:[_-][A-Za-z]+)*"
                             r"(?:/[A-Za-z_]+)?)\b")
_ABBREVIATION_RE: Final = re.compile(
    r"\b(" + "|".join(sorted({*ZONE_ABBREVIATIONS, *FIXED_ZONE_ABBREVIATIONS, "IST"}, key=len,
                             reverse=True)) + r")\b"
)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    try:
        return {name.lower(): name for name in zoneinfo.available_timezones()}
    except Exception:  # no tz database at all: literal names are then simply not recognised
        return {}


def _valid_zone(name: str) -> str | None:
    canonical = _zone_names().get(name.lower())
    if canonical is None:
        return None
    try:
        zoneinfo.ZoneInfo(canonical)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return canonical


def _region_zone(word: str, country: str) -> str | None:
    word = word.lower()
    zones = REGION_ZONES.get(country.upper(), REGION_ZONES["US"])
    return zones.get(word) or REGION_ZONES["US"].get(word)


def _timezone_hits(
    text: str, low: str, asked: bool, country: str
) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _IANA_RE.finditer(text):
        zone = _valid_zone(match.group(1))
        if zone:
            found.append((match.start(), zone))
    low = without_accents(low)  # "Montréal", "Zürich": places match with or without accents
    for match in _PLACE_RE.finditer(low):
        place = match.group(1).lower()
        original = text[match.start(1):match.end(1)]
        if place in ("ny", "nj", "tx") and original.islower() and not asked:
            continue
        found.append((match.start(), PLACES[place]))
    # "LA", "SF", "DC": only as capitals, since "la" and "sf" are also ordinary text.
    for match in re.finditer(r"(?<![\w.])(LA|L\.A\.|SF|DC)(?![\w])(?!\s*(?:fitness|Fitness))",
                             text):
        found.append((match.start(), {"LA": "America/Los_Angeles", "L.A.": "America/Los_Angeles",
                                      "SF": "America/Los_Angeles",
                                      "DC": "America/New_York"}[match.group(1)]))
    for match in _NAME_PLACE_RE.finditer(low):
        place = (match.group(1) or match.group(2)).lower()
        found.append((match.start(), NAME_LIKE_PLACES[place]))
    for match in _REGION_RE.finditer(low):
        zone = _region_zone(match.group(1) or match.group(2) or match.group(3), country)
        if zone:
            found.append((match.start(), zone))
    # A zone abbreviation is written in capitals; a bare "est" or "cet" answering the zone
    # question counts too, but not the German "ist" inside a sentence.
    bare = asked and len(text.split()) <= 2
    for match in _ABBREVIATION_RE.finditer(upper(text) if bare else text):
        abbreviation = match.group(1)
        if abbreviation in ("ET", "CT", "MT", "PT", "AST") and not re.search(
                r"(?:\d|am|pm)\s*$", low[max(0, match.start() - 6):match.start()]):
            continue
        if abbreviation == "IST":
            found.append((match.start(), IST_ZONES.get(country.upper(), "Asia/Kolkata")))
        elif abbreviation in FIXED_ZONE_ABBREVIATIONS:
            found.append((match.start(), FIXED_ZONE_ABBREVIATIONS[abbreviation]))
        else:
            zone = _region_zone(ZONE_ABBREVIATIONS[abbreviation], country)
            if zone:
                found.append((match.start(), zone))
    if asked:
        for match in re.finditer(
                r"(?:^|\n)[\s\w']{0,20}?\b(eastern|central|mountain|pacific|atlantic|western)\b",
                low):
            zone = _region_zone(match.group(1), country)
            if zone:
                found.append((match.start(1), zone))
        for match in re.finditer(r"\b(" + "|".join(NAME_LIKE_PLACES) + r")\b", low):
            found.append((match.start(), NAME_LIKE_PLACES[match.group(1)]))
    if len({zone for _, zone in found}) > 1:
        # "exchange student in Montréal (I'm from Lyon)": where they come from is not where
        # they are.
        found = [(at, zone) for at, zone in found if not _ORIGIN.search(low, 0, at)] or found
    return found


_ORIGIN: Final = re.compile(r"\b(?:from|de|d'|originally from|grew up in|born in|native of|"
                            r"viens de|vengo de|sou de|komme aus)\s*$", CI)


# --------------------------------------------------------------------------------------------


def read_timezone(text: str, *, asked: bool, country: str) -> str | None:
    """The last zone the text names, or None."""
    hits = _timezone_hits(text, text.lower(), asked, country)
    return max(hits)[1] if hits else None
