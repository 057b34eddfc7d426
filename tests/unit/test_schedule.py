"""Send instants in athletes' own time: DST, quiet hours, the configurable weekly recap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest

from worker.errors import ConfigError
from worker.schedule import (
    clamp_send_time,
    in_quiet_hours,
    next_daily_instant,
    next_weekly_instant,
    seconds_until_quiet_ends,
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


def test_send_times_stay_out_of_quiet_hours() -> None:
    assert clamp_send_time(time(6, 0)) == time(8, 0)
    assert clamp_send_time(time(22, 0)) == time(20, 30)
    assert clamp_send_time(time(12, 15)) == time(12, 15)
    assert in_quiet_hours(datetime(2026, 3, 3, 4, 30, tzinfo=UTC), "America/Chicago")
    assert not in_quiet_hours(datetime(2026, 3, 3, 15, 0, tzinfo=UTC), "America/Chicago")
    assert seconds_until_quiet_ends(datetime(2026, 3, 3, 7, 0, tzinfo=UTC),
                                    "Europe/London") == 3600


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
