"""Replaying a scenario through the real pipeline, on a throwaway database, with a moved clock.

Every text goes in as a signed Twilio webhook to the real app, through Redis to a real ARQ
worker, the agents, PostgreSQL and the local SMS channel. Clock moves jump from one scheduled
event to the next (morning texts, recaps, week writing), running the worker at each, so cron
texts land in the transcript at the moments they would on a real phone.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx2
from arq.connections import ArqRedis

from worker.bootstrap import prepare_database
from worker.cli.textcmd import twilio_form
from worker.clock import clock, now
from worker.db.pool import create_pool
from worker.db.queries import sql
from worker.jobs.app import build_worker
from worker.llm.types import Provider
from worker.profiles import latest_profile
from worker.queue import connect_redis
from worker.replay.scenario import Expect, Scenario, parse_at, parse_duration
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.web.app import WebDeps, create_app
from worker.web.signature import sign

BASE = "http://replay.local"
MAX_JUMPS_PER_ADVANCE = 500


@dataclass
class Line:
    at: str
    who: str
    text: str
    kind: str = "chat"


@dataclass
class Outcome:
    name: str
    transcript: list[Line] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        return "\n".join(f"[{line.at}] {line.who}: {line.text}" for line in self.transcript)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "failures": self.failures,
                "transcript": [line.__dict__ for line in self.transcript]}


class Replay:
    """One scenario's run: its own database, a shared Redis flushed first, the real app."""

    def __init__(self, settings: Settings, database_url: str, redis_url: str,
                 provider: Provider | None = None) -> None:
        self.settings = settings
        self.database_url = database_url
        self.redis_url = redis_url
        self.provider = provider
        self.channel = LocalChannel(out=io.StringIO())
        self.seen = 0
        self.zone = ZoneInfo("UTC")

    async def run(self, scenario: Scenario, progress: Any = None) -> Outcome:
        outcome = Outcome(scenario.name)
        await prepare_database(self.database_url)
        self.pool = await create_pool(self.database_url, max_size=10)
        self.redis: ArqRedis = await connect_redis(self.redis_url)
        await self.redis.flushdb()
        app = create_app(self.settings, deps=WebDeps(self.settings, self.pool, self.redis))
        self.http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE)
        try:
            for index, step in enumerate(scenario.steps, start=1):
                if progress is not None:
                    progress(scenario.name, index, len(scenario.steps))
                await self._step(scenario, index, step, outcome)
            await self._checks(scenario, outcome)
        finally:
            clock.reset()
            await self.http.aclose()
            await self.redis.aclose()
            await self.pool.close()
        return outcome

    async def _step(self, scenario: Scenario, index: int, step: Any, outcome: Outcome) -> None:
        phone = scenario.persona.phone
        replies: list[Line] = []
        if step.at is not None:
            moment = parse_at(step.at)
            self.zone = moment.tzinfo if isinstance(moment.tzinfo, ZoneInfo) else self.zone
            clock.freeze(moment)
        texts = ([step.text] if step.text is not None else []) + (step.burst or [])
        for body in texts:
            outcome.transcript.append(Line(self._local(), "athlete", body))
            form = twilio_form(self.settings, sid=f"SM{uuid.uuid4().hex}", phone=phone,
                               body=body)
            signature = sign(self.settings.webhook_auth_token, f"{BASE}/twilio/sms", form)
            response = await self.http.post("/twilio/sms", data=form,
                                            headers={"X-Twilio-Signature": signature})
            if response.status_code != 200:
                outcome.failures.append(f"step {index}: webhook answered {response.status_code}")
        if texts:
            await self._work()
            replies = await self._collect(outcome)
            for old in step.was or []:  # an exported conversation: then and now, side by side
                outcome.transcript.append(Line(self._local(), "coach (was)", old))
        if step.advance is not None:
            await self._advance(parse_duration(step.advance), outcome)
        if step.expect is not None:
            for problem in await self._expect(step.expect, replies, phone):
                outcome.failures.append(f"step {index}: {problem}")

    def _local(self) -> str:
        return now().astimezone(self.zone).strftime("%a %d %b %H:%M")

    async def _work(self) -> None:
        worker = build_worker(
            self.settings, database_url=self.database_url, redis_url=self.redis_url,
            channel=self.channel, provider=self.provider, retry_wait_s=0, burst=True,
            handle_signals=False, poll_delay=0.02,
        )
        try:
            await worker.main()
        finally:
            await worker.close()

    async def _collect(self, outcome: Outcome) -> list[Line]:
        fresh = self.channel.sent[self.seen:]
        self.seen = len(self.channel.sent)
        kinds = {r["id"]: r["kind"] for r in await self.pool.fetch(
            sql("replay_message_kinds"), [t.message_id for t in fresh])} if fresh else {}
        lines = [Line(self._local(), "coach", t.body, kinds.get(t.message_id, "chat"))
                 for t in fresh]
        outcome.transcript.extend(lines)
        return lines

    async def _advance(self, by: timedelta, outcome: Outcome) -> None:
        target = now() + by
        for _ in range(MAX_JUMPS_PER_ADVANCE):
            upcoming = await self.pool.fetchval(sql("replay_next_event"), now(), target)
            clock.freeze(upcoming or target)
            await self._work()
            await self._collect(outcome)
            if upcoming is None:
                return

    async def _expect(self, expect: Expect, replies: list[Line], phone: str) -> list[str]:
        problems: list[str] = []
        said = " ".join(line.text for line in replies)
        if expect.reply_contains is not None and expect.reply_contains not in said:
            problems.append(f"reply does not contain {expect.reply_contains!r}: {said!r}")
        if expect.reply_matches is not None and not re.search(expect.reply_matches, said):
            problems.append(f"reply does not match {expect.reply_matches!r}: {said!r}")
        if expect.no_reply and replies:
            problems.append(f"expected no reply, got {said!r}")
        user = await self.pool.fetchrow(sql("replay_athlete"), phone)
        if user is None:
            return [*problems, "the athlete does not exist"]
        if expect.plan_exists is not None:
            exists = await self.pool.fetchval(sql("replay_has_plan"), user["id"])
            if exists != expect.plan_exists:
                problems.append(f"plan exists is {exists}, expected {expect.plan_exists}")
        if expect.workouts_at_least is not None:
            count = await self.pool.fetchval(sql("replay_workout_count"), user["id"])
            if count < expect.workouts_at_least:
                problems.append(f"{count} workouts, expected at least {expect.workouts_at_least}")
        if expect.exercise_logs_at_least is not None:
            count = await self.pool.fetchval(sql("replay_log_count"), user["id"])
            if count < expect.exercise_logs_at_least:
                problems.append(f"{count} exercise logs, expected at least "
                                f"{expect.exercise_logs_at_least}")
        if expect.profile:
            async with self.pool.acquire() as conn:
                profile = await latest_profile(conn, user["id"])
            problems += _compare("profile", profile or {}, expect.profile)
        if expect.athlete:
            problems += _compare("athlete", dict(user), expect.athlete)
        if expect.outbound_kinds_include:
            kinds = {r["kind"] for r in await self.pool.fetch(
                sql("replay_outbound_kinds"), user["id"])}
            missing = set(expect.outbound_kinds_include) - kinds
            if missing:
                problems.append(f"no outbound of kind {sorted(missing)}")
        return problems

    async def _checks(self, scenario: Scenario, outcome: Outcome) -> None:
        rows = await self.pool.fetch(sql("replay_sent"), scenario.persona.phone)
        if "one_morning_text_per_day" in scenario.checks:
            keys = [r["dedupe_key"] for r in rows if r["kind"] == "daily_workout"
                    and r["dedupe_key"] and "#" not in r["dedupe_key"]]
            if len(keys) != len(set(keys)):
                outcome.failures.append("more than one morning text on a local day")
        if "no_quiet_hours" in scenario.checks:
            for line in outcome.transcript:
                if line.who == "coach" and line.kind in ("daily_workout", "weekly_recap",
                                                         "check_in"):
                    stamp = datetime.strptime(line.at, "%a %d %b %H:%M")
                    if not 8 <= stamp.hour < 21:
                        outcome.failures.append(f"{line.kind} sent at {line.at} (quiet hours)")


def _compare(what: str, actual: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in wanted.items():
        got = actual.get(key)
        if isinstance(got, list | tuple) and not isinstance(value, list):
            ok = value in got or any(isinstance(g, dict) and value in g.values() for g in got)
        elif isinstance(got, time) and isinstance(value, str):
            ok = got.strftime("%H:%M") == value
        else:
            ok = got == value or (isinstance(value, list) and sorted(got or []) == sorted(value))
        if not ok:
            problems.append(f"{what}.{key} is {got!r}, expected {value!r}")
    return problems


async def new_database(admin_dsn: str) -> tuple[str, str]:
    """A throwaway database on the same server: (dsn, name)."""
    from urllib.parse import urlsplit, urlunsplit

    name = f"textcoach_replay_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    parts = urlsplit(admin_dsn)
    return urlunsplit(parts._replace(path=f"/{name}")), name


async def drop_database(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
