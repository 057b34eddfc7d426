"""The one source of "now".

Everything that asks the time goes through :func:`now`, so a replay or a test can move the clock
for the whole product (cron fan-out, quiet hours, sweeper ages) without patching datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time, optionally shifted by a fixed offset or frozen at one instant."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC) + self._offset

    def freeze(self, at: datetime) -> None:
        """Stop the clock at ``at`` (timezone-aware)."""
        if at.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        self._frozen = at.astimezone(UTC)

    def advance(self, by: timedelta) -> None:
        """Move the clock forward, frozen or not."""
        if self._frozen is not None:
            self._frozen += by
        else:
            self._offset += by

    def reset(self) -> None:
        self._offset = timedelta(0)
        self._frozen = None


clock = Clock()


def now() -> datetime:
    """The current time, timezone-aware UTC, as the product's clock sees it."""
    return clock.now()
