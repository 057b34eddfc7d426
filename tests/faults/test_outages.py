"""The short live fault run in CI: real webhook and worker processes under traffic while
PostgreSQL stops for 6 s, Redis is killed and restarted, and the worker is SIGKILLed twice.
``make faults`` runs the long one (20 s outage, two workers, six kills)."""

from __future__ import annotations

import pytest

from tests.faults.live import SHORT, run


@pytest.mark.timeout(420)
async def test_no_text_lost_or_sent_twice_through_outages_and_kills() -> None:
    report = await run(SHORT)
    print("\n" + "\n".join(report.lines()))
    assert len(report.accepted) > 100
    assert report.kept_in_redis > 0, "the outage should have sent texts through Redis"
    assert report.flood_codes == {413: 4}
    assert report.flood_growth_kb < 16 * 1024, "memory per unsigned request is bounded"
    assert (report.lost, report.answered_twice, report.sent_twice, report.server_errors,
            report.buffered_left, report.unanswered) == (0, 0, 0, 0, 0, 0)
