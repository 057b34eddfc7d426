"""Send instants in athletes' own time: DST, the two sending windows, trips, the weekly recap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest

from worker.domain.travel import Trip, zone_on
from worker.domain.windows import (
    ATHLETE_TIMED,
    UNSOLICITED,
    allowed_now,
    clamp_send_time,
    part_of_day,
)
from worker.errors import ConfigError
from worker.schedule import (
    local_date_of,
    next_daily_instant,
    next_weekly_instant,
    seconds_until_open,
)
from worker.settings import load_settings, process_settings


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    process_settings.cache_clear()
    yield
    process_settings.cache_clear()


def test_daily_instant_follows_the_wall_clock_across_dst() -> None:
    before = next_daily_instant(time(9, 0), "America/Los_Angeles",
                                datetime(2026, 10, 31, 17, 0, tzinfo=UTC))
    after = next_daily_instant(time(9, 0), "America/Los_Angeles",
                               datetime(2026, 11, 1, 17, 0, tzinfo=UTC))
    assert before == datetime(2026, 11, 1, 17, 0, tzinfo=UTC)  # 09:00 PST on Nov 1
    assert after == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    spring = next_daily_instant(time(8, 15), "Pacific/Auckland",
                                datetime(2026, 9, 26, 21, 0, tzinfo=UTC))
    assert spring == datetime(2026, 9, 27, 19, 15, tzinfo=UTC)  # 08:15 NZDT (UTC+13) Sep 28


def test_a_time_the_athlete_asked_for_is_kept_from_5_to_22() -> None:
    """Asking is consent: 05:30 and 21:15 are honoured, 04:00 and 23:00 move to the edges."""
    assert clamp_send_time(time(5, 30)) == time(5, 30)
    assert clamp_send_time(time(6, 0)) == time(6, 0)
    assert clamp_send_time(time(4, 0)) == time(5, 0)
    assert clamp_send_time(time(23, 0)) == time(21, 30)
    assert clamp_send_time(time(12, 15)) == time(12, 15)


def test_texts_the_athlete_did_not_time_keep_quiet_hours() -> None:
    early = datetime(2026, 3, 3, 11, 45, tzinfo=UTC)  # 05:45 in Chicago
    assert allowed_now("daily_workout", early, "America/Chicago")
    assert not allowed_now("weekly_recap", early, "America/Chicago")
    assert not allowed_now("check_in", early, "America/Chicago")
    # The plan-ready text answers their onboarding: it keeps their window, not quiet hours.
    assert allowed_now("plan_summary", early, "America/Chicago")
    assert not allowed_now("plan_summary", datetime(2026, 3, 3, 10, 45, tzinfo=UTC),
                           "America/Chicago")  # 04:45
    assert allowed_now("chat", early, "America/Chicago")  # a reply is not initiated by us
    assert ATHLETE_TIMED.words() == "05:00-22:00" and UNSOLICITED.words() == "08:00-21:00"
    assert seconds_until_open("weekly_recap", datetime(2026, 3, 3, 7, 0, tzinfo=UTC),
                              "Europe/London") == 3600


def test_a_trip_moves_the_text_only_on_its_days() -> None:
    """Denver athlete, Lisbon 13-23 Apr: home zone on the departure day, Lisbon after, home
    again from the 24th; nothing changes before the trip."""
    lisbon = Trip(date(2026, 4, 13), date(2026, 4, 23), "Europe/Lisbon")
    assert zone_on("America/Denver", [lisbon], date(2026, 4, 12)) == "America/Denver"
    assert zone_on("America/Denver", [lisbon], date(2026, 4, 13)) == "America/Denver"
    assert zone_on("America/Denver", [lisbon], date(2026, 4, 14)) == "Europe/Lisbon"
    assert zone_on("America/Denver", [lisbon], date(2026, 4, 24)) == "America/Denver"
    sunday = datetime(2026, 4, 13, 14, 0, tzinfo=UTC)  # after Monday 06:00 Denver
    nxt = next_daily_instant(time(6, 0), "America/Denver", sunday, trips=[lisbon])
    assert nxt == datetime(2026, 4, 14, 5, 0, tzinfo=UTC)  # 06:00 in Lisbon (WEST)
    assert local_date_of(nxt, "America/Denver", [lisbon]) == date(2026, 4, 14)
    back = next_daily_instant(time(6, 0), "America/Denver",
                              datetime(2026, 4, 23, 6, 0, tzinfo=UTC), trips=[lisbon])
    assert back == datetime(2026, 4, 24, 12, 0, tzinfo=UTC)  # 06:00 in Denver (MDT)


def test_greetings_follow_the_local_clock() -> None:
    assert part_of_day(time(7, 0)) == "morning"
    assert part_of_day(time(14, 0)) == "afternoon"
    assert part_of_day(time(19, 0)) == "evening"


def test_weekly_recap_defaults_to_sunday_evening_and_is_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monday = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert next_weekly_instant("Europe/London", monday) == datetime(2026, 3, 8, 18, 0,
                                                                    tzinfo=UTC)
    monkeypatch.setenv("TEXTCOACH_WEEKLY_RECAP_WEEKDAY", "5")
    monkeypatch.setenv("TEXTCOACH_WEEKLY_RECAP_TIME", "17:30")
    process_settings.cache_clear()
    assert next_weekly_instant("Europe/London", monday) == datetime(2026, 3, 6, 17, 30,
                                                                    tzinfo=UTC)


def test_a_recap_in_quiet_hours_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTCOACH_WEEKLY_RECAP_TIME", "22:00")
    with pytest.raises(ConfigError, match="TEXTCOACH_WEEKLY_RECAP_TIME"):
        load_settings()
