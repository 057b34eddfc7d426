"""A text in, a reply out, through the real webhook, queue, worker and local channel."""

from __future__ import annotations

import asyncpg

from tests.conftest import RunWorker, SendText
from worker.sms.channel import LocalChannel


async def test_first_text_gets_welcome(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    response = await send_text("+15551230001", "hi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert "<Response></Response>" in response.text
    await run_worker()
    assert [t.to for t in channel.sent] == ["+15551230001"] * len(channel.sent)
    assert "STOP" in " ".join(t.body for t in channel.sent)
    statuses = await pool.fetch("SELECT direction, status FROM messages ORDER BY created_at")
    assert statuses[0]["direction"] == "inbound"
    assert all(r["status"] == "delivered" for r in statuses if r["direction"] == "outbound")
