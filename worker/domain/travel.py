"""Trips: a temporary zone and equipment, with a start and an end.

"Lisbon next week for 10 days, hotel gym" changes nothing until the trip starts: on its days the
morning text follows the trip's zone and sessions use the trip's equipment; the day after it
ends, both revert. On the departure day the athlete is still at home in the morning, so that
day keeps the home zone; the return day is spent where they were, so it keeps the trip's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Trip:
    starts_on: date
    ends_on: date
    timezone: str | None = None
    equipment: tuple[str, ...] | None = None
    place: str | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def trip_on(trips: Sequence[Trip], day: date) -> Trip | None:
    """The trip covering ``day`` (the latest planned, if they overlap)."""
    found = [t for t in trips if t.covers(day)]
    return found[-1] if found else None


def zone_on(home: str, trips: Sequence[Trip], day: date) -> str:
    """The athlete's zone on a local date: the trip's after its first day, else home."""
    trip = trip_on(trips, day)
    if trip is None or trip.timezone is None or day == trip.starts_on:
        return home
    return trip.timezone


def equipment_on(home: Sequence[str], trips: Sequence[Trip], day: date) -> list[str]:
    trip = trip_on(trips, day)
    if trip is None or trip.equipment is None:
        return list(home)
    return list(trip.equipment)
