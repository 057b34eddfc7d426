"""Guessing an athlete's time zone from their number: the area code file is sound, the
guesses and labels are the ones a coach would use, and the onboarding question fits one SMS."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.sms.segments import GSM7_SINGLE, segment_info
from worker.timezones import (
    _COUNTRY_ZONES,
    _NATIONAL_PREFIXES,
    AREA_CODES_FILE,
    UNKNOWN,
    ZoneGuess,
    confirm_question,
    guess_timezone,
    is_valid_zone,
    load_area_codes,
    zone_label,
)

NON_GEOGRAPHIC = {
    "500", "521", "522", "523", "524", "525", "526", "527", "528", "529", "532", "533", "544",
    "566", "577", "588", "600", "622", "700", "710", "800", "833", "844", "855", "866", "877",
    "888", "900",
}  # fmt: skip


def number(area_code: str) -> str:
    return f"+1{area_code}5550123"


# --- the area code file ---------------------------------------------------------------------


def test_area_code_file_loads_with_enough_geographic_codes() -> None:
    rows = load_area_codes()
    geographic = [row for row in rows.values() if row.timezone is not None]
    assert len(geographic) >= 330
    assert all(row.region for row in geographic)


def test_area_code_file_has_no_duplicates_and_only_valid_zones() -> None:
    with AREA_CODES_FILE.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["area_code", "region", "timezone"]
    codes = [line[0] for line in lines[1:]]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes), "keep the file sorted so reviews and merges stay easy"
    for code, _region, zone in lines[1:]:
        assert len(code) == 3
        assert code.isdigit()
        assert zone == "" or is_valid_zone(zone), (code, zone)


def test_non_geographic_codes_have_no_zone() -> None:
    rows = load_area_codes()
    for code in NON_GEOGRAPHIC:
        assert rows[code].timezone is None, code
        assert rows[code].region == ""


def test_every_us_state_and_canadian_province_is_covered() -> None:
    regions = {row.region for row in load_area_codes().values()}
    states = {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
        "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
        "VT", "VA", "WA", "WV", "WI", "WY",
    }  # fmt: skip
    provinces = {"AB", "BC", "MB", "NB", "NL", "NS", "ON", "QC", "SK"}
    assert states | provinces <= regions
    # Kentucky and Mississippi share their letters with Cayman and Montserrat (ISO codes), so
    # check them by a code that is certainly theirs.
    rows = load_area_codes()
    assert (rows["502"].region, rows["601"].region) == ("KY", "MS")


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reports_every_bad_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "area_code,region,timezone\n"
        "212,NY,America/New_York\n"
        "212,NY,America/New_York\n"
        "12,NY,America/New_York\n"
        "303,CO,America/Denvr\n"
        "415,California,America/Los_Angeles\n"
        "416,ON\n"
        "800,,\n",
    )
    with pytest.raises(ValueError, match="5 bad row") as caught:
        load_area_codes(path)
    message = str(caught.value)
    for fragment in (
        "line 3: duplicate area code 212", "line 4: area code '12'", "line 5: unknown time zone",
        "line 6: region 'California'", "line 7: expected 3 columns",
    ):  # fmt: skip
        assert fragment in message


def test_loader_rejects_a_wrong_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "code,state,zone\n212,NY,America/New_York\n")
    with pytest.raises(ValueError, match="header"):
        load_area_codes(path)


def test_loader_accepts_an_empty_zone_as_unknown(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "area_code,region,timezone\n800,,\n212,NY,America/New_York\n")
    rows = load_area_codes(path)
    assert rows["800"].timezone is None
    assert rows["212"].timezone == "America/New_York"


# --- NANP guesses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area_code", "zone", "label"),
    [
        ("212", "America/New_York", "Eastern"),
        ("312", "America/Chicago", "Central"),
        ("303", "America/Denver", "Mountain"),
        ("602", "America/Phoenix", "Arizona"),
        ("415", "America/Los_Angeles", "Pacific"),
        ("907", "America/Anchorage", "Alaska"),
        ("808", "Pacific/Honolulu", "Hawaii"),
        ("416", "America/Toronto", "Eastern"),
        ("604", "America/Vancouver", "Pacific"),
        ("403", "America/Edmonton", "Mountain"),
        ("306", "America/Regina", "Saskatchewan"),
        ("902", "America/Halifax", "Atlantic"),
        ("709", "America/St_Johns", "Newfoundland"),
        ("850", "America/Chicago", "Central"),
        ("915", "America/Denver", "Mountain"),
        ("317", "America/Indiana/Indianapolis", "Eastern"),
        ("219", "America/Chicago", "Central"),
        ("208", "America/Boise", "Mountain"),
        ("906", "America/Detroit", "Eastern"),
        ("502", "America/Kentucky/Louisville", "Eastern"),
        ("270", "America/Chicago", "Central"),
        ("615", "America/Chicago", "Central"),
        ("865", "America/New_York", "Eastern"),
        ("787", "America/Puerto_Rico", "Atlantic"),
        ("939", "America/Puerto_Rico", "Atlantic"),
        ("876", "America/Jamaica", "Jamaica"),
        ("658", "America/Jamaica", "Jamaica"),
        ("242", "America/Nassau", "Eastern"),
        ("441", "Atlantic/Bermuda", "Atlantic"),
        ("340", "America/St_Thomas", "Atlantic"),
        ("809", "America/Santo_Domingo", "Atlantic"),
        ("671", "Pacific/Guam", "Guam"),
    ],
)
def test_nanp_area_codes(area_code: str, zone: str, label: str) -> None:
    assert guess_timezone(number(area_code)) == ZoneGuess(zone, label, confident=True)


@pytest.mark.parametrize("area_code", ["800", "888", "833", "900", "600"])
def test_non_geographic_numbers_give_no_zone(area_code: str) -> None:
    assert guess_timezone(number(area_code)) == UNKNOWN


def test_a_code_split_three_ways_is_a_guess_not_a_fact() -> None:
    guess = guess_timezone(number("867"))
    assert guess.timezone is not None
    assert not guess.confident


@pytest.mark.parametrize(
    "phone", ["+1 (212) 555-0123", "+1-212-555-0123", " +12125550123 ", "+1.212.555.0123"]
)
def test_formatting_around_a_number_is_ignored(phone: str) -> None:
    assert guess_timezone(phone).timezone == "America/New_York"


@pytest.mark.parametrize(
    "phone",
    ["", "+", "12125550123", "+1212555012", "+121255501234", "+1999555012a", "+1 111 555 0123",
     "2125550123", "+0441234567890", "+999123456789", "+12125550123\n5", "+１２１２５５５０１２３"],
)  # fmt: skip
def test_not_a_known_number_is_unknown(phone: str) -> None:
    assert guess_timezone(phone) == UNKNOWN


# --- international guesses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "zone", "label", "confident"),
    [
        ("+447700900123", "Europe/London", "UK", True),
        ("+353851234567", "Europe/Dublin", "Ireland", True),
        ("+33612345678", "Europe/Paris", "Central European", True),
        ("+4915112345678", "Europe/Berlin", "Central European", True),
        ("+34612345678", "Europe/Madrid", "Central European", True),
        ("+34928123456", "Atlantic/Canary", "Canary Islands", True),
        ("+393123456789", "Europe/Rome", "Central European", True),
        ("+31612345678", "Europe/Amsterdam", "Central European", True),
        ("+32470123456", "Europe/Brussels", "Central European", True),
        ("+41791234567", "Europe/Zurich", "Central European", True),
        ("+436641234567", "Europe/Vienna", "Central European", True),
        ("+4520123456", "Europe/Copenhagen", "Central European", True),
        ("+46701234567", "Europe/Stockholm", "Central European", True),
        ("+4791234567", "Europe/Oslo", "Central European", True),
        ("+358401234567", "Europe/Helsinki", "Eastern European", True),
        ("+351912345678", "Europe/Lisbon", "Portugal", True),
        ("+48512345678", "Europe/Warsaw", "Central European", True),
        ("+306912345678", "Europe/Athens", "Eastern European", True),
        ("+919812345678", "Asia/Kolkata", "India", True),
        ("+6581234567", "Asia/Singapore", "Singapore", True),
        ("+819012345678", "Asia/Tokyo", "Japan", True),
        ("+821012345678", "Asia/Seoul", "Korea", True),
        ("+85291234567", "Asia/Hong_Kong", "Hong Kong", True),
        ("+8613812345678", "Asia/Shanghai", "China", True),
        ("+971501234567", "Asia/Dubai", "Dubai", True),
        ("+972501234567", "Asia/Jerusalem", "Israel", True),
        ("+27821234567", "Africa/Johannesburg", "South Africa", True),
        ("+2348012345678", "Africa/Lagos", "West Africa", True),
        ("+254712345678", "Africa/Nairobi", "East Africa", True),
        ("+64211234567", "Pacific/Auckland", "New Zealand", True),
        ("+61412345678", "Australia/Sydney", "Sydney", False),
        ("+61298765432", "Australia/Sydney", "Sydney", True),
        ("+61398765432", "Australia/Melbourne", "Melbourne", True),
        ("+61798765432", "Australia/Brisbane", "Brisbane", True),
        ("+61898765432", "Australia/Perth", "Perth", False),
        ("+5511912345678", "America/Sao_Paulo", "Sao Paulo", False),
        ("+525512345678", "America/Mexico_City", "Central", False),
        ("+79161234567", "Europe/Moscow", "Moscow", False),
        ("+77011234567", "Asia/Almaty", "Almaty", False),
    ],
)
def test_international_numbers(phone: str, zone: str, label: str, confident: bool) -> None:
    assert guess_timezone(phone) == ZoneGuess(zone, label, confident)


def test_country_table_zones_are_valid() -> None:
    zones = {zone for zone, _ in _COUNTRY_ZONES.values()}
    zones |= {zone for prefixes in _NATIONAL_PREFIXES.values() for _, zone, _ in prefixes}
    assert all(is_valid_zone(zone) for zone in zones), sorted(
        z for z in zones if not is_valid_zone(z)
    )


def test_unknown_country_is_unknown() -> None:
    assert guess_timezone("+999123456789") == ZoneGuess(None, None, False)


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/New_York", "Eastern"),
        ("America/Detroit", "Eastern"),
        ("America/Indiana/Indianapolis", "Eastern"),
        ("America/Chicago", "Central"),
        ("America/Winnipeg", "Central"),
        ("America/Denver", "Mountain"),
        ("America/Boise", "Mountain"),
        ("America/Phoenix", "Arizona"),
        ("America/Los_Angeles", "Pacific"),
        ("US/Pacific", "Pacific"),
        ("America/Anchorage", "Alaska"),
        ("Pacific/Honolulu", "Hawaii"),
        ("America/Adak", "Aleutian"),
        ("America/Halifax", "Atlantic"),
        ("America/St_Johns", "Newfoundland"),
        ("America/Regina", "Saskatchewan"),
        ("Europe/London", "UK"),
        ("Europe/Dublin", "Ireland"),
        ("Europe/Paris", "Central European"),
        ("Europe/Helsinki", "Eastern European"),
        ("Asia/Kolkata", "India"),
        ("Pacific/Auckland", "New Zealand"),
        ("Australia/Sydney", "Sydney"),
        ("America/Havana", "Havana"),
        ("Asia/Ho_Chi_Minh", "Ho Chi Minh"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
        ("Not/A_Zone", "A Zone"),
    ],
)
def test_zone_labels(zone: str, label: str) -> None:
    assert zone_label(zone) == label


@given(st.text())
def test_zone_label_never_raises_and_is_never_empty(text: str) -> None:
    assert zone_label(text)


# --- the onboarding question ----------------------------------------------------------------


def test_confirm_question_for_a_confident_guess() -> None:
    assert confirm_question(guess_timezone(number("212"))) == (
        "Last two: you're on Eastern time, right? And what time should I text your workout "
        "each morning? (8am-9pm, e.g. 8:30am)"
    )


@pytest.mark.parametrize(
    "guess",
    [UNKNOWN, guess_timezone("+61412345678"), guess_timezone(number("800")),
     ZoneGuess("America/Chicago", "Central", confident=False)],
)  # fmt: skip
def test_confirm_question_asks_when_unsure(guess: ZoneGuess) -> None:
    assert confirm_question(guess) == (
        "Last two: what city or time zone are you in? And what time should I text your workout "
        "each morning? (8am-9pm, e.g. 8:30am)"
    )


def one_gsm7_segment(text: str) -> bool:
    info = segment_info(text)
    return info.encoding == "GSM-7" and info.segments == 1 and info.units <= GSM7_SINGLE


def test_confirm_question_is_one_segment_for_every_zone_in_the_file() -> None:
    zones = {row.timezone for row in load_area_codes().values() if row.timezone}
    zones |= {zone for zone, _ in _COUNTRY_ZONES.values()}
    for zone in sorted(zones):
        question = confirm_question(ZoneGuess(zone, zone_label(zone), confident=True))
        assert one_gsm7_segment(question), question
        assert "time, right?" in question, question


def test_a_label_that_would_not_fit_falls_back_to_the_open_question() -> None:
    assert "what city" in confirm_question(ZoneGuess("Europe/Paris", "Paris ✨", True))
    assert "what city" in confirm_question(ZoneGuess("Europe/Paris", "x" * 100, True))


# --- never raises ---------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text())
def test_guess_never_raises_on_any_string(text: str) -> None:
    guess = guess_timezone(text)
    assert one_gsm7_segment(confirm_question(guess))


@given(st.from_regex(r"\+[0-9]{1,16}", fullmatch=True))
def test_guess_never_raises_on_number_like_strings(text: str) -> None:
    guess = guess_timezone(text)
    assert guess.timezone is None or is_valid_zone(guess.timezone)
    assert (guess.label is None) == (guess.timezone is None)
    assert not (guess.confident and guess.timezone is None)


def test_units_follow_the_numbers_country() -> None:
    from worker.timezones import guess_units
    assert guess_units("+15125550100") == "imperial"
    assert guess_units("+919845550147") == "metric"
    assert guess_units("+442079460107") == "metric"
    assert guess_units("not a number") == "imperial"
