"""Guess an athlete's time zone from their phone number, so onboarding can confirm, not ask.

The coach texts each workout at the athlete's chosen local morning time, so it must know their
IANA time zone. Asking "what time zone are you in?" cold gets answers like "EST", "Texas" or
"same as you", while the number they texted from already says a lot: a North American area
code almost always pins the zone, and most countries have one zone. So onboarding asks a
yes/no question ("you're on Eastern time, right?") when the number is a confident guess and an
open one (city or time zone) only when it is not. Every guess is confirmed by the athlete, so a
wrong guess costs one "no, Pacific" reply, never a workout silently sent at 3am.

North American numbers are looked up in ``sql/seed/nanp_area_codes.csv`` (reviewed data, one
row per area code, the zone most of its subscribers are in); everything else uses the small
country table below.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo

from worker.clock import now
from worker.paths import SQL_DIR
from worker.sms.segments import segment_info

__all__ = [
    "AREA_CODES_FILE",
    "FIXED_ZONE_ABBREVIATIONS",
    "IST_ZONES",
    "NAME_LIKE_PLACES",
    "PLACES",
    "PLACE_WORDS",
    "REGION_ZONES",
    "UNKNOWN",
    "ZONE_ABBREVIATIONS",
    "AreaCode",
    "ZoneGuess",
    "confirm_question",
    "guess_timezone",
    "is_valid_zone",
    "load_area_codes",
    "zone_for_place",
    "zone_label",
]

AREA_CODES_FILE: Final = SQL_DIR / "seed" / "nanp_area_codes.csv"
_CSV_HEADER: Final = ["area_code", "region", "timezone"]
_AREA_CODE_RE: Final = re.compile(r"[2-9][0-9]{2}")
_REGION_RE: Final = re.compile(r"[A-Z]{2}")

#: Area codes whose subscribers have no majority zone: the CSV still names the plurality zone,
#: but the coach should ask rather than assert it. 867 spans Yukon, the Northwest Territories
#: and Nunavut, three roughly equal populations on three different clocks.
_MIXED_AREA_CODES: Final = frozenset({"867"})


@dataclass(frozen=True)
class ZoneGuess:
    """What a phone number says about where its owner lives.

    ``timezone`` is an IANA name or None when the number says nothing (toll-free, unknown
    country). ``label`` is how a coach names that zone in a text ("Eastern", "UK"). ``confident``
    is True only when the number all but determines the zone, which is when onboarding may
    confirm it with a yes/no question instead of asking for a city.
    """

    timezone: str | None
    label: str | None
    confident: bool


UNKNOWN: Final = ZoneGuess(timezone=None, label=None, confident=False)


@dataclass(frozen=True)
class AreaCode:
    """One row of the NANP area code file.

    ``region`` is the state/province postal code (ISO country code for the other NANP
    countries) and is empty for non-geographic codes; ``timezone`` is None for those, because
    an 800 number can belong to anyone anywhere.
    """

    area_code: str
    region: str
    timezone: str | None


def is_valid_zone(name: str) -> bool:
    """True when ``name`` is an IANA zone this machine's tz database knows.

    ZoneInfo signals a bad key in several ways (KeyError subclass for an unknown zone,
    ValueError for a malformed path, OSError for odd files), so this folds them into one answer.
    """
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return False
    return True


def load_area_codes(path: Path = AREA_CODES_FILE) -> dict[str, AreaCode]:
    """Read and validate the NANP area code file, returning rows keyed by area code.

    The whole file is checked before anything is returned so that one run reports every bad
    row: a typo'd zone would otherwise only surface when an athlete from that area code signs
    up, as a crash or a workout sent at the wrong hour.

    Raises:
        ValueError: listing every bad row (wrong header or column count, an area code that is
            not three digits starting 2-9, a duplicate, a bad region, an unknown zone).
    """
    problems: list[str] = []
    rows: dict[str, AreaCode] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != _CSV_HEADER:
            problems.append(f"line 1: header must be {','.join(_CSV_HEADER)}, got {header!r}")
        for line_number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(_CSV_HEADER):
                problems.append(f"line {line_number}: expected 3 columns, got {row!r}")
                continue
            code, region, zone = (cell.strip() for cell in row)
            row_problems: list[str] = []
            if not _AREA_CODE_RE.fullmatch(code):
                row_problems.append(f"area code {code!r} is not 3 digits starting 2-9")
            elif code in rows:
                row_problems.append(f"duplicate area code {code}")
            if region and not _REGION_RE.fullmatch(region):
                row_problems.append(f"region {region!r} is not a two-letter code")
            if zone and not is_valid_zone(zone):
                row_problems.append(f"unknown time zone {zone!r}")
            if zone and not region:
                row_problems.append("a zone needs a region (only non-geographic codes have none)")
            if row_problems:
                problems.append(f"line {line_number}: " + "; ".join(row_problems))
                continue
            rows[code] = AreaCode(area_code=code, region=region, timezone=zone or None)
    if problems:
        raise ValueError(f"{path.name} has {len(problems)} bad row(s):\n" + "\n".join(problems))
    return rows


@cache
def _area_codes() -> Mapping[str, AreaCode]:
    """The shipped area code file, read once per process (it only changes with a deploy)."""
    return MappingProxyType(load_area_codes())


#: Country calling code -> (zone, confident). Confident only where the whole country keeps one
#: clock; multi-zone countries carry their most populous zone so the question can still
#: suggest it. E.164 country codes are prefix-free, so a longest-match lookup is unambiguous.
_COUNTRY_ZONES: Final[Mapping[str, tuple[str, bool]]] = MappingProxyType({
    # Europe
    "44": ("Europe/London", True), "353": ("Europe/Dublin", True), "33": ("Europe/Paris", True),
    "49": ("Europe/Berlin", True), "34": ("Europe/Madrid", True), "39": ("Europe/Rome", True),
    "31": ("Europe/Amsterdam", True), "32": ("Europe/Brussels", True),
    "41": ("Europe/Zurich", True), "43": ("Europe/Vienna", True),
    "45": ("Europe/Copenhagen", True), "46": ("Europe/Stockholm", True),
    "47": ("Europe/Oslo", True), "358": ("Europe/Helsinki", True),
    "351": ("Europe/Lisbon", True), "48": ("Europe/Warsaw", True), "30": ("Europe/Athens", True),
    "36": ("Europe/Budapest", True), "40": ("Europe/Bucharest", True),
    "420": ("Europe/Prague", True), "421": ("Europe/Bratislava", True),
    "352": ("Europe/Luxembourg", True), "354": ("Atlantic/Reykjavik", True),
    "356": ("Europe/Malta", True), "359": ("Europe/Sofia", True),
    "370": ("Europe/Vilnius", True), "371": ("Europe/Riga", True),
    "372": ("Europe/Tallinn", True), "385": ("Europe/Zagreb", True),
    "386": ("Europe/Ljubljana", True), "381": ("Europe/Belgrade", True),
    "90": ("Europe/Istanbul", True), "7": ("Europe/Moscow", False),
    # Asia and the Middle East
    "91": ("Asia/Kolkata", True), "65": ("Asia/Singapore", True), "81": ("Asia/Tokyo", True),
    "82": ("Asia/Seoul", True), "852": ("Asia/Hong_Kong", True), "86": ("Asia/Shanghai", True),
    "886": ("Asia/Taipei", True), "60": ("Asia/Kuala_Lumpur", True),
    "63": ("Asia/Manila", True), "66": ("Asia/Bangkok", True),
    "84": ("Asia/Ho_Chi_Minh", True), "62": ("Asia/Jakarta", False),
    "92": ("Asia/Karachi", True), "880": ("Asia/Dhaka", True), "94": ("Asia/Colombo", True),
    "971": ("Asia/Dubai", True), "972": ("Asia/Jerusalem", True), "966": ("Asia/Riyadh", True),
    "974": ("Asia/Qatar", True),
    # Africa
    "27": ("Africa/Johannesburg", True), "234": ("Africa/Lagos", True),
    "254": ("Africa/Nairobi", True), "20": ("Africa/Cairo", True),
    "233": ("Africa/Accra", True),
    # Oceania
    "64": ("Pacific/Auckland", True), "61": ("Australia/Sydney", False),
    # Latin America
    "55": ("America/Sao_Paulo", False), "52": ("America/Mexico_City", False),
    "54": ("America/Argentina/Buenos_Aires", True), "57": ("America/Bogota", True),
    "51": ("America/Lima", True), "56": ("America/Santiago", False),
    "506": ("America/Costa_Rica", True), "507": ("America/Panama", True),
})  # fmt: skip

#: National-number prefixes that refine a country's default, checked longest first. Australian
#: landlines carry a state (mobiles, 04, do not); Spanish and Portuguese landlines reveal the
#: Canaries and the Azores, an hour behind the mainland; +7 6/7 is Kazakhstan, not Russia.
_NATIONAL_PREFIXES: Final[Mapping[str, tuple[tuple[str, str, bool], ...]]] = MappingProxyType({
    "61": (
        ("2", "Australia/Sydney", True), ("3", "Australia/Melbourne", True),
        ("7", "Australia/Brisbane", True), ("8", "Australia/Perth", False),
    ),
    "34": tuple((prefix, "Atlantic/Canary", True) for prefix in ("822", "828", "922", "928")),
    "351": tuple((prefix, "Atlantic/Azores", True) for prefix in ("292", "295", "296")),
    "7": (("6", "Asia/Almaty", False), ("7", "Asia/Almaty", False)),
})  # fmt: skip

#: Punctuation people (and some form fields) put inside a number; stripping it lets a
#: "+1 (415) 555-0123" typed by an admin resolve the same as the E.164 form Twilio sends.
_FORMATTING: Final = str.maketrans("", "", " -.()/\u00a0\t")
_E164_RE: Final = re.compile(r"\+([1-9][0-9]{6,14})")


def guess_timezone(phone: str) -> ZoneGuess:
    """Guess the time zone of the athlete who owns ``phone`` (an E.164 number).

    North American numbers use their area code; others use the country calling code. Returns
    :data:`UNKNOWN` for anything that is not a plausible E.164 number or whose country is not
    known; never raises for any input string, because this runs on whatever arrived in the
    inbound webhook's ``From`` field.
    """
    match = _E164_RE.fullmatch(phone.translate(_FORMATTING))
    if match is None:
        return UNKNOWN
    digits = match.group(1)
    if digits.startswith("1"):
        return _guess_nanp(digits[1:])
    for length in (1, 2, 3):
        country = digits[:length]
        found = _COUNTRY_ZONES.get(country)
        if found is None:
            continue
        zone, confident = found
        national = digits[length:]
        for prefix, prefix_zone, prefix_confident in sorted(
            _NATIONAL_PREFIXES.get(country, ()), key=lambda item: -len(item[0])
        ):
            if national.startswith(prefix):
                zone, confident = prefix_zone, prefix_confident
                break
        return ZoneGuess(timezone=zone, label=zone_label(zone), confident=confident)
    return UNKNOWN


def _guess_nanp(national: str) -> ZoneGuess:
    """Look up a +1 number's area code; a NANP national number is exactly ten digits."""
    if len(national) != 10:
        return UNKNOWN
    row = _area_codes().get(national[:3])
    if row is None or row.timezone is None:
        return UNKNOWN
    confident = row.area_code not in _MIXED_AREA_CODES
    return ZoneGuess(timezone=row.timezone, label=zone_label(row.timezone), confident=confident)


_EASTERN, _CENTRAL, _MOUNTAIN, _PACIFIC = "Eastern", "Central", "Mountain", "Pacific"
_CET, _EET = "Central European", "Eastern European"

#: Names a coach would use where the generic rule below would be wrong or odd: Arizona and
#: Saskatchewan skip daylight saving, Adak is not Hawaii, and outside North America people
#: name a country rather than an abbreviation.
_LABELS: Final[Mapping[str, str]] = MappingProxyType({
    "America/Phoenix": "Arizona", "US/Arizona": "Arizona",
    "America/Regina": "Saskatchewan", "America/Swift_Current": "Saskatchewan",
    "Canada/Saskatchewan": "Saskatchewan",
    "America/Whitehorse": "Yukon", "America/Dawson": "Yukon", "Canada/Yukon": "Yukon",
    "America/Adak": "Aleutian", "US/Aleutian": "Aleutian",
    "America/Jamaica": "Jamaica", "Jamaica": "Jamaica", "America/Cayman": "Cayman",
    "Pacific/Honolulu": "Hawaii", "US/Hawaii": "Hawaii", "Pacific/Guam": "Guam",
    "Europe/London": "UK", "GB": "UK", "Europe/Belfast": "UK", "Europe/Jersey": "UK",
    "Europe/Guernsey": "UK", "Europe/Isle_of_Man": "UK",
    "Europe/Dublin": "Ireland", "Eire": "Ireland",
    "Europe/Lisbon": "Portugal", "Portugal": "Portugal", "Atlantic/Canary": "Canary Islands",
    "Europe/Moscow": "Moscow", "W-SU": "Moscow",
    "Asia/Kolkata": "India", "Asia/Calcutta": "India",
    "Asia/Tokyo": "Japan", "Japan": "Japan", "Asia/Seoul": "Korea", "ROK": "Korea",
    "Asia/Shanghai": "China", "PRC": "China", "Asia/Jerusalem": "Israel", "Israel": "Israel",
    "Africa/Johannesburg": "South Africa", "Africa/Lagos": "West Africa",
    "Africa/Nairobi": "East Africa",
    "Pacific/Auckland": "New Zealand", "NZ": "New Zealand",
    "Australia/Sydney": "Sydney", "Australia/NSW": "Sydney", "Australia/ACT": "Sydney",
    "UTC": "UTC", "Etc/UTC": "UTC", "Etc/UCT": "UTC", "UCT": "UTC", "Zulu": "UTC",
    "Etc/Zulu": "UTC", "Universal": "UTC", "Etc/Universal": "UTC", "GMT": "UTC",
    "Etc/GMT": "UTC",
})  # fmt: skip

#: (standard-time abbreviation, standard UTC offset in minutes) -> label. Checking the offset
#: too keeps Havana's "CST" (UTC-5) from being called Central.
_LABELS_BY_STANDARD_TIME: Final[Mapping[tuple[str, int], str]] = MappingProxyType({
    ("EST", -300): _EASTERN, ("CST", -360): _CENTRAL, ("MST", -420): _MOUNTAIN,
    ("PST", -480): _PACIFIC, ("AKST", -540): "Alaska", ("HST", -600): "Hawaii",
    ("AST", -240): "Atlantic", ("NST", -210): "Newfoundland",
    ("CET", 60): _CET, ("EET", 120): _EET, ("WET", 0): "Western European",
})  # fmt: skip

#: Only zones in these areas get the abbreviation rule: elsewhere the same letters mean other
#: things (China's CST, India's IST) and a city name is clearer than a wrong region.
_ABBREVIATION_AREAS: Final = ("America/", "Europe/", "Atlantic/", "US/", "Canada/")
_LEGACY_RULE_ZONES: Final = frozenset({"EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "EST", "MST"})


def zone_label(timezone: str) -> str:
    """How a coach names ``timezone`` in a text: "Eastern", "UK", "India", or the city.

    Used both for guesses and for zones the athlete named, so the coach's confirmation echoes
    them in the words people use ("Pacific", not "America/Los_Angeles"). North American and
    European zones are named from their standard-time abbreviation (so America/Toronto and
    America/Indiana/Indianapolis are both "Eastern"); anything else falls back to the city part
    of the zone name ("Asia/Ho_Chi_Minh" -> "Ho Chi Minh"). Never raises; an unknown name just
    gets the city-part treatment.
    """
    name = timezone.strip()
    explicit = _LABELS.get(name)
    if explicit is not None:
        return explicit
    if name.startswith(_ABBREVIATION_AREAS) or name in _LEGACY_RULE_ZONES:
        by_abbreviation = _label_from_standard_time(name)
        if by_abbreviation is not None:
            return by_abbreviation
    city = name.rsplit("/", 1)[-1].replace("_", " ").strip()
    return city or name or "local"


def _label_from_standard_time(name: str) -> str | None:
    """Label a zone by its current standard-time abbreviation and offset, if it is a known one.

    Uses this year's January and July so zones that changed their rules (Mexico dropped
    daylight saving in 2022) are named by what they do now, and picks whichever of the two is
    not daylight time so southern-hemisphere zones work too.
    """
    if not is_valid_zone(name):
        return None
    zone = ZoneInfo(name)
    year = now().year
    for month in (1, 7):
        moment = datetime(year, month, 15, 12, tzinfo=zone)
        if moment.dst() == timedelta(0):
            abbreviation = moment.tzname()
            offset = moment.utcoffset()
            if abbreviation is None or offset is None:
                return None
            minutes = int(offset.total_seconds()) // 60
            return _LABELS_BY_STANDARD_TIME.get((abbreviation, minutes))
    return None


_SEND_TIME_QUESTION: Final = (
    "And what time should I text your workout each morning? (8am-9pm, e.g. 8:30am)"
)
_OPEN_QUESTION: Final = f"Last two: what city or time zone are you in? {_SEND_TIME_QUESTION}"


def confirm_question(guess: ZoneGuess) -> str:
    """The last onboarding SMS: confirm the zone (or ask for it) and ask the daily text time.

    Both questions ride in one text so onboarding ends one round trip sooner. A confident guess
    becomes a yes/no question the athlete can answer with "yes, 6:30"; anything else asks for
    a city or zone, since a shaky guess phrased as a fact invites a careless "yes". The result
    is always a single GSM-7 segment: if a label would push it over (or out of GSM-7), the open
    question is used instead.
    """
    if guess.confident and guess.timezone:
        label = guess.label or zone_label(guess.timezone)
        text = f"Last two: you're on {label} time, right? {_SEND_TIME_QUESTION}"
        info = segment_info(text)
        if info.encoding == "GSM-7" and info.segments == 1:
            return text
    return _OPEN_QUESTION


# --- Places and zone words, for reading "I'm in Lisbon", "Eastern", "CET" -------------------
#: Zone names of the regions a phone's country uses ("Eastern" in Canada is Toronto's).
REGION_ZONES: Final[dict[str, dict[str, str]]] = {
    "US": {
        "eastern": "America/New_York", "central": "America/Chicago",
        "mountain": "America/Denver", "pacific": "America/Los_Angeles",
        "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu", "arizona": "America/Phoenix",
        "atlantic": "America/Puerto_Rico",
    },
    "CA": {
        "eastern": "America/Toronto", "central": "America/Winnipeg",
        "mountain": "America/Edmonton", "pacific": "America/Vancouver",
        "atlantic": "America/Halifax", "newfoundland": "America/St_Johns",
    },
    "AU": {
        "eastern": "Australia/Sydney", "central": "Australia/Adelaide",
        "western": "Australia/Perth",
    },
}
ZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "EST": "eastern", "EDT": "eastern", "ET": "eastern", "CST": "central", "CDT": "central",
    "CT": "central", "MST": "mountain", "MDT": "mountain", "MT": "mountain", "PST": "pacific",
    "PDT": "pacific", "PT": "pacific", "AKST": "alaska", "AKDT": "alaska", "HST": "hawaii",
    "AST": "atlantic", "ADT": "atlantic",
}
FIXED_ZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "GMT": "Europe/London", "BST": "Europe/London", "UTC": "UTC", "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin", "EET": "Europe/Athens", "EEST": "Europe/Athens",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "JST": "Asia/Tokyo", "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong", "KST": "Asia/Seoul",
    "WIB": "Asia/Jakarta", "SAST": "Africa/Johannesburg",
}
#: Zone-ambiguous "IST": India unless the athlete's number says Ireland or Israel.
IST_ZONES: Final[dict[str, str]] = {"IE": "Europe/Dublin", "IL": "Asia/Jerusalem"}

PLACES: Final[dict[str, str]] = {
    # United States
    "new york": "America/New_York", "nyc": "America/New_York", "ny": "America/New_York",
    "manhattan": "America/New_York",
    "queens": "America/New_York", "bronx": "America/New_York", "boston": "America/New_York",
    "miami": "America/New_York", "atlanta": "America/New_York",
    "philadelphia": "America/New_York", "philly": "America/New_York",
    "washington dc": "America/New_York", "washington d.c.": "America/New_York",
    "d.c.": "America/New_York", "baltimore": "America/New_York",
    "pittsburgh": "America/New_York", "detroit": "America/Detroit",
    "cleveland": "America/New_York", "columbus": "America/New_York",
    "tampa": "America/New_York", "florida": "America/New_York",
    "new jersey": "America/New_York", "nj": "America/New_York",
    "east coast": "America/New_York",
    "connecticut": "America/New_York", "massachusetts": "America/New_York",
    "chicago": "America/Chicago", "texas": "America/Chicago", "tx": "America/Chicago",
    "san antonio": "America/Chicago", "minneapolis": "America/Chicago",
    "nashville": "America/Chicago", "new orleans": "America/Chicago",
    "kansas city": "America/Chicago", "st. louis": "America/Chicago",
    "st louis": "America/Chicago", "milwaukee": "America/Chicago",
    "oklahoma": "America/Chicago", "midwest": "America/Chicago",
    "minnesota": "America/Chicago", "wisconsin": "America/Chicago",
    "colorado": "America/Denver", "salt lake city": "America/Denver",
    "salt lake": "America/Denver", "utah": "America/Denver", "boise": "America/Boise",
    "albuquerque": "America/Denver", "arizona": "America/Phoenix",
    "tucson": "America/Phoenix", "scottsdale": "America/Phoenix",
    "los angeles": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "bay area": "America/Los_Angeles",
    "san diego": "America/Los_Angeles", "san jose": "America/Los_Angeles",
    "portland": "America/Los_Angeles", "las vegas": "America/Los_Angeles",
    "vegas": "America/Los_Angeles", "california": "America/Los_Angeles",
    "sacramento": "America/Los_Angeles", "oregon": "America/Los_Angeles",
    "washington state": "America/Los_Angeles", "west coast": "America/Los_Angeles",
    "pacific northwest": "America/Los_Angeles", "pnw": "America/Los_Angeles",
    "socal": "America/Los_Angeles", "norcal": "America/Los_Angeles",
    "anchorage": "America/Anchorage", "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu", "honolulu": "Pacific/Honolulu",
    # Canada
    "toronto": "America/Toronto", "ottawa": "America/Toronto", "montreal": "America/Toronto",
    "ontario": "America/Toronto", "vancouver": "America/Vancouver",
    "calgary": "America/Edmonton", "edmonton": "America/Edmonton",
    "winnipeg": "America/Winnipeg", "halifax": "America/Halifax",
    # Europe
    "london": "Europe/London", "uk": "Europe/London", "u.k.": "Europe/London",
    "england": "Europe/London", "britain": "Europe/London", "scotland": "Europe/London",
    "edinburgh": "Europe/London", "glasgow": "Europe/London", "manchester": "Europe/London",
    "liverpool": "Europe/London", "leeds": "Europe/London", "bristol": "Europe/London",
    "wales": "Europe/London", "cardiff": "Europe/London", "belfast": "Europe/London",
    "dublin": "Europe/Dublin", "ireland": "Europe/Dublin", "cork": "Europe/Dublin",
    "france": "Europe/Paris", "lyon": "Europe/Paris", "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "germany": "Europe/Berlin",
    "madrid": "Europe/Madrid", "barcelona": "Europe/Madrid", "spain": "Europe/Madrid",
    "amsterdam": "Europe/Amsterdam", "netherlands": "Europe/Amsterdam",
    "rotterdam": "Europe/Amsterdam", "lisbon": "Europe/Lisbon", "portugal": "Europe/Lisbon",
    "rome": "Europe/Rome", "milan": "Europe/Rome", "italy": "Europe/Rome",
    "stockholm": "Europe/Stockholm", "sweden": "Europe/Stockholm", "oslo": "Europe/Oslo",
    "norway": "Europe/Oslo", "copenhagen": "Europe/Copenhagen", "denmark": "Europe/Copenhagen",
    "zurich": "Europe/Zurich", "geneva": "Europe/Zurich", "switzerland": "Europe/Zurich",
    "vienna": "Europe/Vienna", "austria": "Europe/Vienna", "brussels": "Europe/Brussels",
    "belgium": "Europe/Brussels", "warsaw": "Europe/Warsaw", "poland": "Europe/Warsaw",
    "prague": "Europe/Prague", "athens": "Europe/Athens", "greece": "Europe/Athens",
    "helsinki": "Europe/Helsinki", "finland": "Europe/Helsinki",
    # Asia and Middle East
    "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "kolkata": "Asia/Kolkata",
    "pune": "Asia/Kolkata", "singapore": "Asia/Singapore", "tokyo": "Asia/Tokyo",
    "japan": "Asia/Tokyo", "osaka": "Asia/Tokyo", "hong kong": "Asia/Hong_Kong",
    "dubai": "Asia/Dubai", "uae": "Asia/Dubai", "abu dhabi": "Asia/Dubai",
    "seoul": "Asia/Seoul", "korea": "Asia/Seoul", "manila": "Asia/Manila",
    "philippines": "Asia/Manila", "bangkok": "Asia/Bangkok", "thailand": "Asia/Bangkok",
    "shanghai": "Asia/Shanghai", "beijing": "Asia/Shanghai",
    "jakarta": "Asia/Jakarta", "kuala lumpur": "Asia/Kuala_Lumpur",
    "tel aviv": "Asia/Jerusalem",
    # Oceania
    "melbourne": "Australia/Melbourne", "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth", "canberra": "Australia/Sydney",
    "auckland": "Pacific/Auckland", "nz": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland", "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland",
    # Africa and Latin America
    "johannesburg": "Africa/Johannesburg", "cape town": "Africa/Johannesburg",
    "south africa": "Africa/Johannesburg", "lagos": "Africa/Lagos", "nigeria": "Africa/Lagos",
    "nairobi": "Africa/Nairobi", "cairo": "Africa/Cairo",
    "sao paulo": "America/Sao_Paulo", "são paulo": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo", "rio": "America/Sao_Paulo",
    "mexico city": "America/Mexico_City", "buenos aires": "America/Argentina/Buenos_Aires",
    "bogota": "America/Bogota", "lima": "America/Lima",
}
#: Places that are also first names ("I'm Sydney"): read as places only after "in", "from"...
NAME_LIKE_PLACES: Final[dict[str, str]] = {
    "austin": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
    "denver": "America/Denver", "phoenix": "America/Phoenix", "sydney": "Australia/Sydney",
    "adelaide": "Australia/Adelaide", "paris": "Europe/Paris", "charlotte": "America/New_York",
    "orlando": "America/New_York", "madison": "America/Chicago", "jackson": "America/Chicago",
    "florence": "Europe/Rome", "georgia": "America/New_York", "india": "Asia/Kolkata",
    "brooklyn": "America/New_York", "raleigh": "America/New_York", "israel": "Asia/Jerusalem",
    "china": "Asia/Shanghai", "kenya": "Africa/Nairobi", "santiago": "America/Santiago",
    "virginia": "America/New_York", "carolina": "America/New_York",
    "indiana": "America/Indiana/Indianapolis", "montana": "America/Denver",
}
PLACE_WORDS: Final = frozenset(place for place in PLACES if " " not in place)


def zone_for_place(place: str) -> str | None:
    """The IANA zone of a city, state or country name an athlete texts, or None."""
    key = place.strip().lower()
    plain = without_accents(key)  # "Montréal", "Zürich": accents as typed, or left off
    return (PLACES.get(key) or NAME_LIKE_PLACES.get(key) or PLACES.get(plain)
            or NAME_LIKE_PLACES.get(plain))


def without_accents(text: str) -> str:
    """``text`` with accents dropped one character for one, so match positions still hold."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in text)


#: Calling codes of the countries that weigh in pounds: North America (+1), Liberia, Myanmar.
_IMPERIAL_CODES = ("1", "231", "95")


def guess_units(phone: str) -> Literal["metric", "imperial"]:
    """The units a new athlete most likely lifts in, from their number's country (they can say
    otherwise): pounds in North America, kilograms nearly everywhere else. Anything that is
    not a plausible E.164 number keeps pounds, the product's first market."""
    match = _E164_RE.fullmatch(phone.translate(_FORMATTING))
    if match is None:
        return "imperial"
    return "imperial" if match.group(1).startswith(_IMPERIAL_CODES) else "metric"

