"""Replaying a scenario through the real pipeline, on a throwaway database, with a moved clock.

Every text goes in as a signed Twilio webhook to the real app, through Redis to a real ARQ
worker, the agents, PostgreSQL and the local SMS channel. Clock moves jump from one scheduled
event to the next (morning texts, recaps, week writing), running the worker at each, so cron
texts land in the transcript at the moments they would on a real phone.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
import shutil
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import httpx2
from arq.connections import ArqRedis

from worker.agents.definitions import read_source
from worker.agents.registry import activate
from worker.bootstrap import prepare_database
from worker.clock import clock, now
from worker.coach.subscriptions import mask_reference
from worker.db.migrate import migrate
from worker.db.pool import Conn, connect, create_pool
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.travel import Trip
from worker.domain.windows import window_for
from worker.errors import ConfigError
from worker.jobs.app import build_worker
from worker.llm.types import Provider
from worker.localtime import WEEKDAY_ABBR, resolve_day
from worker.paths import ROOT
from worker.photos.store import LocalPhotoStore
from worker.queue import connect_redis
from worker.replay.scenario import (
    Expect,
    ExpectExerciseLog,
    ExpectPlan,
    ExpectWeek,
    ExpectWorkout,
    OperatorStep,
    Scenario,
    StripeStep,
    parse_at,
    parse_duration,
)
from worker.schedule import trips_for, zone_at
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.staff.accounts import Operator, add_operator
from worker.staff.help import resolve_help_request
from worker.staff.takeover import (
    OPERATOR_KIND,
    TakeoverError,
    hand_back,
    reply_as_operator,
    take_over,
)
from worker.tokens import new_token
from worker.web.app import create_app
from worker.web.deps import WebDeps
from worker.web.signature import sign, twilio_form
from worker.web.stripe_webhook import stripe_signature

#: The console account operator steps act as.
REPLAY_OPERATOR = "replay@textcoach.invalid"

BASE = "http://replay.local"
#: The Stripe customer a replay's checkouts and events belong to.
REPLAY_CUSTOMER = "cus_replay"
#: A coach text repeated more often than this in one conversation is a loop.
MAX_SAME_REPLY = 2
#: A run of an athlete's words this long found inside a coach reply is an echo.
ECHO_WORDS = 6
MAX_JUMPS_PER_ADVANCE = 500


@dataclass
class Line:
    at: str
    who: str
    text: str
    kind: str = "chat"
    #: When it was sent (UTC), for checks in the athlete's own zone, which a trip changes.
    moment: datetime | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class AgentVersion:
    """An agent version that was active for a replay; ``from_db`` when copied from a real one."""

    name: str
    version: int
    from_db: bool = False

    def __str__(self) -> str:
        return f"{self.name} v{self.version}" + (" (from db)" if self.from_db else "")


@dataclass
class Outcome:
    name: str
    transcript: list[Line] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    agents: list[AgentVersion] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def header(self) -> str:
        """The agent versions the replay ran; printed above the transcript, never in goldens."""
        return "agents: " + (", ".join(str(a) for a in self.agents) or "none")

    def text(self) -> str:
        return "\n".join(f"[{line.at}] {line.who}: {line.text}" for line in self.transcript)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "failures": self.failures,
                "agents": [a.__dict__ for a in self.agents],
                "transcript": [{k: v for k, v in line.__dict__.items() if k != "moment"}
                               for line in self.transcript]}


#: ``{"prompts": [...], "context_templates": [...], "agent_definitions": [...]}``: whole rows.
AgentRows = dict[str, list[dict[str, Any]]]
AGENT_TABLES = ("prompts", "context_templates", "agent_definitions")


async def read_agent_rows(conn: Conn) -> AgentRows:
    """Every prompt, context template and agent definition of a database, every version."""
    row = await conn.fetchrow(sql("replay_agent_rows"))
    assert row is not None  # one row of three aggregates, always
    return {table: list(row[table]) for table in AGENT_TABLES}


@dataclass
class AgentSetup:
    """Which agent versions a replay runs.

    By default the files' (each throwaway database syncs ``agents/`` and ``prompts/``, so every
    agent is at version 1). With ``rows`` (``--from-db``) a real database's prompts, templates
    and definitions, every version with its active flag, are copied in before that sync, which
    then only adds what the real database has never seen. ``pins`` activates versions last.
    """

    pins: dict[str, int] = field(default_factory=dict)
    rows: AgentRows | None = None

    def known(self) -> dict[str, list[int]]:
        """Agent name -> the versions a replay database will have."""
        try:
            files = {agent.name: [1] for agent, _path in read_source().agents}
        except ValueError as exc:
            raise ConfigError(f"agents and prompts have problems:\n{exc}") from None
        if self.rows is None:
            return files
        versions: dict[str, list[int]] = {}
        for row in self.rows["agent_definitions"]:
            versions.setdefault(row["name"], []).append(int(row["version"]))
        return {name: sorted(v) for name, v in versions.items()} | {
            name: v for name, v in files.items() if name not in versions}

    def check(self) -> None:
        """Every pin names a version that exists, or a one-line ConfigError, before any run."""
        known = self.known()
        for name, version in self.pins.items():
            if name not in known:
                raise ConfigError(f"no agent {name}; known: {', '.join(sorted(known))}")
            if version not in known[name]:
                raise ConfigError(f"no version {version} of agent {name}; known: "
                                  f"{', '.join(str(v) for v in known[name])}")

    async def install(self, database_url: str) -> None:
        """Copy the real database's rows into a fresh replay database (before its sync)."""
        if self.rows is None:
            return
        await migrate(database_url)
        conn = await connect(database_url)
        try:
            await conn.execute(sql("replay_copy_agent_rows"),
                               *(self.rows[table] for table in AGENT_TABLES))
        finally:
            await conn.close()

    async def activate(self, conn: Conn) -> list[AgentVersion]:
        """Activate the pinned versions; return every agent's active version."""
        for name, version in self.pins.items():
            await activate(conn, name, version, who="replay")
        copied = {(r["name"], int(r["version"])) for r in (self.rows or {}).get(
            "agent_definitions", [])}
        return [AgentVersion(r["name"], r["version"], (r["name"], r["version"]) in copied)
                for r in await conn.fetch(sql("replay_active_agents"))]


class Athlete(Protocol):
    """Who sends a scenario's texts: the script, or a simulated athlete (``textcoach eval``)."""

    async def says(self, scripted: str, scenario: Scenario, transcript: list[Line]) -> str: ...


class Replay:
    """One scenario's run: its own database, a shared Redis flushed first, the real app."""

    def __init__(self, settings: Settings, database_url: str, redis_url: str,
                 provider: Provider | None = None, agents: AgentSetup | None = None,
                 athlete: Athlete | None = None) -> None:
        self.athlete = athlete
        self.settings = settings
        self.database_url = database_url
        self.redis_url = redis_url
        self.provider = provider
        self.agents = agents or AgentSetup()
        self.channel = LocalChannel(out=io.StringIO())
        self.seen = 0
        self.failed_jobs = 0
        self.zone = ZoneInfo("UTC")
        #: The console's person in operator steps, made on first use.
        self.operator: Operator | None = None
        #: Stripe subscriptions the persona bought in stripe steps, oldest first.
        self.subscriptions: list[str] = []
        #: Photos texted in photo steps are kept for this run only, like its database.
        self.photos: LocalPhotoStore | None = None
        #: The scenario's referrer: their phone and the code INVITE gave them.
        self.referrer: str | None = None
        self.referral_code = ""

    async def run(self, scenario: Scenario, progress: Any = None) -> Outcome:
        outcome = Outcome(scenario.name)
        own_settings = self.settings
        if scenario.settings:  # the scenario's settings, over the replay's own, for this run
            self.settings = self.settings.model_copy(update=scenario.settings)
        await self.agents.install(self.database_url)
        await prepare_database(self.database_url)
        self.photos = LocalPhotoStore(Path(tempfile.mkdtemp(prefix="textcoach-replay-photos-")))
        self.pool = await create_pool(self.database_url, max_size=10)
        self.redis: ArqRedis = await connect_redis(self.redis_url)
        await self.redis.flushdb()
        app = create_app(self.settings, deps=WebDeps(self.settings, self.pool, self.redis))
        self.http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE)
        try:
            async with self.pool.acquire() as conn:
                outcome.agents = await self.agents.activate(conn)
            invite = scenario.referrer.phone if scenario.referrer is not None else None
            for index, step in enumerate(scenario.steps, start=1):
                if progress is not None:
                    progress(scenario.name, index, len(scenario.steps))
                if invite is not None and step.at is None:
                    await self._invite(invite, outcome)  # once the clock is the scenario's
                    invite = None
                await self._step(scenario, index, step, outcome)
            await self._checks(scenario, outcome)
            if self.failed_jobs:
                outcome.failures.append(f"{self.failed_jobs} job(s) failed during the replay "
                                        "(see the log)")
        finally:
            self.settings = own_settings
            self.referrer, self.referral_code = None, ""
            clock.reset()
            shutil.rmtree(self.photos.root, ignore_errors=True)
            self.photos = None
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
        texts = ([step.text] if step.text is not None and step.photo is None else []) + (
            step.burst or [])
        if step.photo is not None:
            await self._photo(phone, step.photo, step.text or "", index, outcome)
        for scripted in texts:
            scripted = scripted.replace("{referral_code}", self.referral_code)
            body = scripted if self.athlete is None else await self.athlete.says(
                scripted, scenario, outcome.transcript)
            outcome.transcript.append(Line(self._local(), "athlete", self._masked(body)))
            if not await self._post_text(phone, body):
                outcome.failures.append(f"step {index}: the webhook refused the text")
        if texts or step.photo is not None:
            await self._work()
            replies = await self._collect(outcome)
            for old in step.was or []:  # an exported conversation: then and now, side by side
                outcome.transcript.append(Line(self._local(), "coach (was)", old))
        if step.operator is not None:
            replies = await self._operator(phone, step.operator, index, outcome)
        if step.stripe is not None:
            replies = await self._stripe(phone, step.stripe, index, outcome)
        if step.advance is not None:
            await self._advance(parse_duration(step.advance), outcome)
        if step.expect is not None:
            for problem in await self._expect(step.expect, replies, phone):
                outcome.failures.append(f"step {index}: {problem}")

    async def _post_text(self, phone: str, body: str) -> bool:
        """One text from ``phone``, signed, through the real webhook."""
        form = twilio_form(self.settings, sid=f"SM{uuid.uuid4().hex}", phone=phone, body=body)
        signature = sign(self.settings.webhook_auth_token, f"{BASE}/twilio/sms", form)
        response = await self.http.post("/twilio/sms", data=form,
                                        headers={"X-Twilio-Signature": signature})
        return response.status_code == 200

    def _masked(self, text: str) -> str:
        """A referral code is drawn at random: transcripts show <code>, so goldens compare."""
        return text.replace(self.referral_code, "<code>") if self.referral_code else text

    async def _invite(self, phone: str, outcome: Outcome) -> None:
        """The referrer texts INVITE, as anyone would; their code is what the persona texts."""
        self.referrer = phone
        outcome.transcript.append(Line(self._local(), "referrer", "INVITE"))
        if not await self._post_text(phone, "INVITE"):
            outcome.failures.append("the referrer's INVITE was refused")
        await self._work()
        code = await self.pool.fetchval(sql("replay_referral_code"), phone)
        self.referral_code = str(code or "")
        await self._collect(outcome)

    async def _operator(self, phone: str, step: OperatorStep, index: int,
                        outcome: Outcome) -> list[Line]:
        """A person acts in the console, through the same functions its pages call."""
        async with self.pool.acquire() as conn:
            user = await conn.fetchrow(sql("replay_athlete"), phone)
            if user is None:
                outcome.failures.append(f"step {index}: no athlete to {step.action}")
                return []
            if self.operator is None:
                self.operator = await add_operator(conn, REPLAY_OPERATOR, new_token(), "coach")
            try:
                if step.action == "take_over":
                    await take_over(conn, user["id"], self.operator, step.morning,
                                    self.settings.takeover_hours)
                elif step.action == "reply":
                    assert step.text is not None
                    await reply_as_operator(conn, self.redis, user["id"], self.operator,
                                            step.text, from_number=self.settings.coach_number,
                                            key=uuid.uuid4().hex)
                elif step.action == "hand_back":
                    await hand_back(conn, self.redis, user["id"], self.operator)
                else:
                    await resolve_help_request(conn, user["id"], self.operator.id)
            except TakeoverError as exc:
                outcome.failures.append(f"step {index}: {step.action}: {exc}")
        if step.action != "reply":
            outcome.transcript.append(Line(self._local(), "console", step.action))
        await self._work()
        return await self._collect(outcome)

    async def _stripe(self, phone: str, step: StripeStep, index: int,
                      outcome: Outcome) -> list[Line]:
        """Stripe delivers an event about the persona's subscription: built as Stripe sends
        it, signed with the scenario's STRIPE_WEBHOOK_SECRET and posted to the real route."""
        user = await self.pool.fetchrow(sql("replay_athlete"), phone)
        secret = self.settings.stripe_webhook_secret
        if user is None or not secret:
            outcome.failures.append(f"step {index}: a stripe step needs an athlete and "
                                    "settings: {stripe_webhook_secret: ...}")
            return []
        payload = json.dumps(stripe_event(step, user["id"], self.subscriptions))
        response = await self.http.post(
            "/stripe/webhook", content=payload,
            headers={"Stripe-Signature": stripe_signature(payload, secret),
                     "Content-Type": "application/json"})
        if response.status_code != 200:
            outcome.failures.append(f"step {index}: Stripe webhook answered "
                                    f"{response.status_code}: {response.text}")
        said = f"{step.type} ({step.status})" if step.status else step.type
        outcome.transcript.append(Line(self._local(), "stripe", said))
        await self._work()
        return await self._collect(outcome)

    async def _photo(self, phone: str, path: str, caption: str, index: int,
                     outcome: Outcome) -> None:
        """An MMS through the signed webhook, its picture a local file (the local channel's
        media source), as ``textcoach text --photo`` would send it."""
        picture = (ROOT / path).resolve()
        kind = mimetypes.guess_type(picture.name)[0] or "application/octet-stream"
        outcome.transcript.append(Line(self._local(), "athlete",
                                       f"[photo {picture.name}] {caption}".strip()))
        form = twilio_form(self.settings, sid=f"MM{uuid.uuid4().hex}", phone=phone,
                           body=caption)
        form.update({"NumMedia": "1", "MediaUrl0": picture.as_uri(), "MediaContentType0": kind})
        signature = sign(self.settings.webhook_auth_token, f"{BASE}/twilio/sms", form)
        response = await self.http.post("/twilio/sms", data=form,
                                        headers={"X-Twilio-Signature": signature})
        if response.status_code != 200:
            outcome.failures.append(f"step {index}: webhook answered {response.status_code} "
                                    "to the photo")

    def _local(self) -> str:
        return now().astimezone(self.zone).strftime("%a %d %b %H:%M")

    async def _work(self) -> None:
        worker = build_worker(
            self.settings, database_url=self.database_url, redis_url=self.redis_url,
            channel=self.channel, provider=self.provider, retry_wait_s=0, burst=True,
            handle_signals=False, poll_delay=0.02, photo_store=self.photos,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        if worker.jobs_failed:
            self.failed_jobs += worker.jobs_failed

    async def _collect(self, outcome: Outcome) -> list[Line]:
        fresh = self.channel.sent[self.seen:]
        self.seen = len(self.channel.sent)
        # Texts to the referrer are sent by jobs of their own, in whatever order the workers
        # run: after the persona's, so the transcript compares (each keeps its own order).
        fresh = sorted(fresh, key=lambda t: t.to == self.referrer)
        kinds = {r["id"]: r["kind"] for r in await self.pool.fetch(
            sql("replay_message_kinds"), [t.message_id for t in fresh])} if fresh else {}
        lines = [Line(self._local(), "coach to referrer" if t.to == self.referrer
                      else _speaker(kinds.get(t.message_id, "chat")),
                      self._masked(mask_reference(t.body)),
                      kinds.get(t.message_id, "chat"), now()) for t in fresh]
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
        return await check_expectations(self.pool, expect, [line.text for line in replies],
                                        phone)

    async def _checks(self, scenario: Scenario, outcome: Outcome) -> None:
        rows = await self.pool.fetch(sql("replay_sent"), scenario.persona.phone)
        if "one_morning_text_per_day" in scenario.checks:
            keys = [r["dedupe_key"] for r in rows if r["kind"] == "daily_workout"
                    and r["dedupe_key"] and "#" not in r["dedupe_key"]]
            if len(keys) != len(set(keys)):
                outcome.failures.append("more than one morning text on a local day")
        if "no_quiet_hours" in scenario.checks:
            user = await self.pool.fetchrow(sql("replay_athlete"), scenario.persona.phone)
            trips: list[Trip] = []
            if user is not None:
                async with self.pool.acquire() as conn:
                    trips = await trips_for(conn, user["id"], date.min)
            for line in outcome.transcript:
                window = window_for(line.kind) if line.who == "coach" else None
                if window is None:
                    continue
                stamp = datetime.strptime(line.at, "%a %d %b %H:%M")
                if line.moment is not None and user is not None:  # where the athlete was
                    stamp = line.moment.astimezone(ZoneInfo(zone_at(user["timezone"], trips,
                                                                    line.moment)))
                if not window.contains(stamp.time()):
                    outcome.failures.append(f"{line.kind} sent at {line.at}, outside "
                                            f"{window.words()}")
        if "no_reply_more_than_twice" in scenario.checks:
            said = Counter(whole_texts(outcome.transcript))
            for text, times in said.items():
                if times > MAX_SAME_REPLY:
                    outcome.failures.append(f"the coach sent {times} times: {text!r}")
        if "no_echo" in scenario.checks:
            for problem in echoes(outcome.transcript):
                outcome.failures.append(problem)


_PART = re.compile(r"^(\d+)/(\d+) ")


def whole_texts(transcript: list[Line]) -> list[str]:
    """The coach's texts with their SMS parts ("1/2 ...", "2/2 ...") joined back together."""
    texts: list[str] = []
    parts: list[str] = []
    for line in transcript:
        if line.who != "coach":
            continue
        part = _PART.match(line.text)
        if part is None:
            texts.append(line.text)
            continue
        parts.append(line.text[part.end():])
        if part.group(1) == part.group(2):
            texts.append(" ".join(parts))
            parts = []
    return texts


def echoes(transcript: list[Line]) -> list[str]:
    """Coach replies that quote an athlete's own words back (ECHO_WORDS or more in a row)."""
    problems = []
    said = [line.text.lower() for line in transcript if line.who == "athlete"]
    for line in transcript:
        if line.who != "coach" or line.kind != "chat":
            continue
        reply = " ".join(line.text.lower().split())
        for text in said:
            words = text.split()
            for start in range(0, max(0, len(words) - ECHO_WORDS + 1)):
                run = " ".join(words[start:start + ECHO_WORDS])
                if len(run) >= 25 and run in reply:
                    problems.append(f"reply at {line.at} echoes the athlete: {run!r}")
                    break
    return problems


async def check_expectations(
    pool: asyncpg.Pool, expect: Expect, replies: list[str], phone: str
) -> list[str]:
    """What does not hold of ``expect`` after a step: each problem as found vs expected."""
    problems: list[str] = []
    said = " ".join(replies)
    if expect.reply_contains is not None and expect.reply_contains not in said:
        problems.append(f"reply does not contain {expect.reply_contains!r}: {said!r}")
    if expect.reply_matches is not None and not re.search(expect.reply_matches, said):
        problems.append(f"reply does not match {expect.reply_matches!r}: {said!r}")
    if expect.reply_not_contains is not None and expect.reply_not_contains in said:
        problems.append(f"reply contains {expect.reply_not_contains!r}, expected it not to: "
                        f"{said!r}")
    if expect.reply_not_matches is not None and (
        found := re.search(expect.reply_not_matches, said)
    ):
        problems.append(f"reply matches {expect.reply_not_matches!r} (at {found.group(0)!r}), "
                        f"expected it not to: {said!r}")
    if expect.no_reply and replies:
        problems.append(f"expected no reply, got {said!r}")
    user = await pool.fetchrow(sql("replay_athlete"), phone)
    if user is None:
        return [*problems, "the athlete does not exist"]
    if expect.plan_exists is not None:
        exists = await pool.fetchval(sql("replay_has_plan"), user["id"])
        if exists != expect.plan_exists:
            problems.append(f"plan exists is {exists}, expected {expect.plan_exists}")
    if expect.referral_credited is not None:
        credit = await pool.fetchrow(sql("replay_referral"), user["id"])
        credited = credit is not None and credit["rewarded_at"] is not None \
            and credit["thanks"] == 1
        if credited != expect.referral_credited:
            state = "no referral" if credit is None else (
                f"rewarded {credit['rewarded_at'] is not None}, thanked {credit['thanks']}x")
            problems.append(f"referral credited is {credited} ({state}), expected "
                            f"{expect.referral_credited}")
    if expect.program is not None:
        enrolled = await pool.fetchrow(sql("active_enrollment"), user["id"])
        slug = enrolled["slug"] if enrolled is not None else "none"
        if slug != expect.program:
            problems.append(f"programme is {slug}, expected {expect.program}")
    if expect.workouts_at_least is not None:
        count = await pool.fetchval(sql("replay_workout_count"), user["id"])
        if count < expect.workouts_at_least:
            problems.append(f"{count} workouts, expected at least {expect.workouts_at_least}")
    if expect.exercise_logs_at_least is not None:
        count = await pool.fetchval(sql("replay_log_count"), user["id"])
        if count < expect.exercise_logs_at_least:
            problems.append(f"{count} exercise logs, expected at least "
                            f"{expect.exercise_logs_at_least}")
    if expect.profile:
        async with pool.acquire() as conn:
            profile = await latest_profile(conn, user["id"])
        problems += _compare("profile", profile.model_dump(mode="json") if profile else {},
                             expect.profile)
    if expect.profile_lacks:
        async with pool.acquire() as conn:
            profile = await latest_profile(conn, user["id"])
        problems += _compare("profile", profile.model_dump(mode="json") if profile else {},
                             expect.profile_lacks, lacks=True)
    if expect.athlete:
        problems += _compare("athlete", dict(user), expect.athlete)
    if expect.outbound_kinds_include:
        kinds = {r["kind"] for r in await pool.fetch(sql("replay_outbound_kinds"), user["id"])}
        missing = set(expect.outbound_kinds_include) - kinds
        if missing:
            problems.append(f"no outbound of kind {sorted(missing)}")
    if expect.exercise_log is not None:
        problems += await _expect_exercise_log(pool, user["id"], expect.exercise_log)
    if expect.workout is not None:
        problems += await _expect_workout(pool, user, expect.workout)
    if expect.metric:
        problems += await _expect_metrics(pool, user["id"], expect.metric)
    if expect.achievements_include:
        have = {r["slug"] for r in await pool.fetch(sql("replay_achievements"), user["id"])}
        missing = set(expect.achievements_include) - have
        if missing:
            problems.append(f"no achievement {sorted(missing)} (has: {sorted(have)})")
    if expect.plan is not None:
        problems += await _expect_plan(pool, user["id"], expect.plan)
    if expect.week is not None:
        problems += await _expect_week(pool, user, expect.week)
    if (expect.photos is not None or expect.photos_deleted is not None
            or expect.photo_captions is not None):
        problems += await _expect_photos(pool, user["id"], expect)
    return problems


async def _expect_photos(pool: asyncpg.Pool, user_id: Any, expect: Expect) -> list[str]:
    rows = await pool.fetch(sql("replay_photos"), user_id)
    live = [r for r in rows if r["deleted_at"] is None]
    deleted = [r for r in rows if r["deleted_at"] is not None]
    problems = []
    if expect.photos is not None and len(live) != expect.photos:
        problems.append(f"{len(live)} live photos, expected {expect.photos}")
    if expect.photos_deleted is not None and len(deleted) != expect.photos_deleted:
        problems.append(f"{len(deleted)} deleted photos, expected {expect.photos_deleted}")
    captions = [r["caption"] or "" for r in live]
    if expect.photo_captions is not None and captions != expect.photo_captions:
        problems.append(f"photo captions are {captions}, expected {expect.photo_captions}")
    return problems


async def _expect_exercise_log(
    pool: asyncpg.Pool, user_id: Any, wanted: ExpectExerciseLog
) -> list[str]:
    reported = any(v is not None for v in (wanted.reps, wanted.seconds, wanted.load))
    row = await pool.fetchrow(sql("replay_latest_exercise_log"), user_id, wanted.exercise,
                              reported)
    what = f"exercise_log {wanted.exercise}" if wanted.exercise else "exercise_log"
    if row is None:
        logged = [r["exercise"] for r in await pool.fetch(
            sql("replay_logged_exercises"), user_id)]
        return [f"no exercise log{' of ' + wanted.exercise if wanted.exercise else ''} "
                f"(logged: {logged or 'nothing'})"]
    sets = [s for s in row["sets"] or [] if isinstance(s, dict)]
    found: dict[str, Any] = {
        "reps": [s.get("reps") for s in sets],
        "seconds": [s.get("seconds") for s in sets],
        "load": (_number(row["top_load"]) if not isinstance(wanted.load, list)
                 else [_number(s.get("load")) for s in sets]),
        "load_unit": row["load_unit"],
        "rpe": _number(row["rpe"]),
        "pain": row["pain"],
        "completion": row["completion"],
    }
    problems = []
    for key, value in wanted.model_dump(exclude_none=True, exclude={"exercise"}).items():
        if found[key] != value:
            problems.append(f"{what}: {key} is {found[key]!r}, expected {value!r}")
    return problems


async def _expect_workout(pool: asyncpg.Pool, user: Any, wanted: ExpectWorkout) -> list[str]:
    today = now().astimezone(ZoneInfo(user["timezone"])).date()
    day = resolve_day(wanted.day, today)
    what = f"workout {day:%a %Y-%m-%d}"
    row = await pool.fetchrow(sql("replay_workout_on"), user["id"], day)
    if row is None:
        return [f"no workout on {day:%a %Y-%m-%d} ({wanted.day}), expected one"]
    prescribed = _prescribed(row["blocks"])
    slugs = list(prescribed)
    problems = []
    missing = [slug for slug in wanted.includes or [] if slug not in prescribed]
    if missing:
        problems.append(f"{what} does not include {missing} (has: {slugs})")
    present = [slug for slug in wanted.excludes or [] if slug in prescribed]
    if present:
        problems.append(f"{what} includes {present}, expected not (has: {slugs})")
    if wanted.status is not None and row["status"] != wanted.status:
        problems.append(f"{what} status is {row['status']!r}, expected {wanted.status!r}")
    if wanted.max_minutes is not None and (
        row["estimated_minutes"] is None or row["estimated_minutes"] > wanted.max_minutes
    ):
        problems.append(f"{what} is {row['estimated_minutes']} minutes, expected at most "
                        f"{wanted.max_minutes}")
    for slug, load in (wanted.load or {}).items():
        if slug not in prescribed:
            problems.append(f"{what} has no {slug} (has: {slugs}), expected load {load!r}")
        elif not _same(prescribed[slug].get("load"), load):
            problems.append(f"{what}: {slug} load is {prescribed[slug].get('load')!r}, "
                            f"expected {load!r}")
    return problems


def _prescribed(blocks: Any) -> dict[str, dict[str, Any]]:
    """slug -> prescribed exercise (the first, if one appears twice), read defensively."""
    found: dict[str, dict[str, Any]] = {}
    for block in blocks if isinstance(blocks, list) else []:
        exercises = block.get("exercises") if isinstance(block, dict) else None
        for item in exercises if isinstance(exercises, list) else []:
            if isinstance(item, dict) and isinstance(item.get("exercise"), str):
                found.setdefault(item["exercise"], item)
    return found


async def _expect_metrics(
    pool: asyncpg.Pool, user_id: Any, wanted: dict[str, float]
) -> list[str]:
    latest = {r["metric"]: r for r in await pool.fetch(
        sql("replay_latest_metrics"), user_id, list(wanted))}
    problems = []
    for metric, value in wanted.items():
        row = latest.get(metric)
        if row is None:
            problems.append(f"no {metric} metric, expected {value!r}")
        elif not _same(row["value"], value):
            unit = f" {row['unit']}" if row["unit"] else ""
            problems.append(f"metric {metric} is {_number(row['value'])!r}{unit}, "
                            f"expected {value!r}")
    return problems


async def _expect_plan(pool: asyncpg.Pool, user_id: Any, wanted: ExpectPlan) -> list[str]:
    rows = await pool.fetch(sql("replay_plan_statuses"), user_id)
    counts = {r["status"]: r["plans"] for r in sorted(rows, key=lambda r: str(r["status"]))}
    problems = []
    for status, count in (wanted.status_count or {}).items():
        if counts.get(status, 0) != count:
            problems.append(f"{counts.get(status, 0)} {status} plans, expected {count} "
                            f"(plans by status: {counts})")
    if wanted.goal is not None:
        goal = next((r["goal"] for r in rows if r["status"] == "active"), None)
        if "active" not in counts:
            problems.append(f"no active plan, expected goal {wanted.goal!r}")
        elif goal != wanted.goal:
            problems.append(f"active plan goal is {goal!r}, expected {wanted.goal!r}")
    if wanted.score_at_least is not None or wanted.violations is not None:
        scored = await pool.fetchrow(sql("replay_plan_score"), user_id)
        if scored is None or scored["score"] is None:
            problems.append("the active plan has no rubric score")
        else:
            rules = [f"{v['rule']}: {v['detail']}" for v in scored["violations"] or []]
            if wanted.score_at_least is not None and scored["score"] < wanted.score_at_least:
                problems.append(f"plan scores {scored['score']}, expected at least "
                                f"{wanted.score_at_least} ({'; '.join(rules) or 'no violations'})")
            if wanted.violations is not None and sorted(
                    r.split(":")[0] for r in rules) != sorted(wanted.violations):
                problems.append(f"plan violations are {rules}, expected {wanted.violations}")
    return problems


#: Which library patterns and tags stand for each group a session may have to train.
GROUPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "push": (frozenset({"horizontal_push", "vertical_push"}), frozenset()),
    "pull": (frozenset({"horizontal_pull", "vertical_pull"}), frozenset()),
    "lower": (frozenset({"squat", "hinge"}), frozenset()),
    "balance": (frozenset({"balance"}), frozenset()),
    "skill": (frozenset(), frozenset({"skill"})),
    "functional": (frozenset(), frozenset({"functional"})),
    "conditioning": (frozenset({"locomotion"}), frozenset({"conditioning"})),
}


async def _expect_week(pool: asyncpg.Pool, user: Any, wanted: ExpectWeek) -> list[str]:
    today = now().astimezone(ZoneInfo(user["timezone"])).date()
    start = resolve_day(wanted.start, today)
    rows = [r for r in await pool.fetch(sql("replay_week"), user["id"], start,
                                        start + timedelta(days=7)) if not r["is_rest_day"]]
    library = {r["slug"]: r for r in await pool.fetch(sql("replay_library"))}
    what = f"week from {start:%a %d %b}"
    problems: list[str] = []
    work = [(r, item) for r in rows for b in r["blocks"] or [] if b.get("kind") != "warmup"
            for item in b.get("exercises") or []]
    slugs = {str(item["exercise"]) for _, item in work}
    if wanted.sessions is not None and len(rows) != wanted.sessions:
        problems.append(f"{what}: {len(rows)} sessions, expected {wanted.sessions}")
    if wanted.days is not None:
        # Weekdays in week order, wherever the seven days start.
        days = [f"{r['date']:%a}" for r in sorted(rows, key=lambda r: r["date"].isoweekday())]
        if days != sorted(wanted.days, key=WEEKDAY_ABBR.index):
            problems.append(f"{what}: sessions on {days}, expected {wanted.days}")
    missing = [s for s in wanted.includes or [] if s not in slugs]
    if missing:
        problems.append(f"{what} has no {missing} (has: {sorted(slugs)})")
    if wanted.includes_any and not set(wanted.includes_any) & slugs:
        problems.append(f"{what} has none of {wanted.includes_any} (has: {sorted(slugs)})")
    present = sorted(set(wanted.excludes or []) & slugs)
    if present:
        problems.append(f"{what} includes {present}, expected not")
    tagged = sorted(s for s in slugs if s in library
                    and set(library[s]["tags"]) & set(wanted.excludes_tags or []))
    if tagged:
        problems.append(f"{what} includes {tagged}, tagged {wanted.excludes_tags}")
    if wanted.minutes is not None:
        low, high = wanted.minutes
        off = [f"{r['date']:%a} {r['estimated_minutes']}" for r in rows
               if not low <= (r["estimated_minutes"] or 0) <= high]
        if off:
            problems.append(f"{what}: sessions of {off} min, expected {low}-{high}")
    if wanted.max_load is not None:
        heavy = [f"{item['exercise']} @{_number(item['load'])}" for _, item in work
                 if item.get("load") is not None and float(item["load"]) > wanted.max_load]
        if heavy:
            problems.append(f"{what}: loads above {wanted.max_load:g}: {heavy}")
    for group in wanted.each_session or []:
        patterns, tags = GROUPS.get(group, (frozenset(), frozenset()))
        lacking = [f"{r['date']:%a}" for r in rows if not any(
            (library.get(str(item["exercise"])) is not None) and (
                library[str(item["exercise"])]["pattern"] in patterns
                or set(library[str(item["exercise"])]["tags"]) & tags)
            for b in r["blocks"] or [] if b.get("kind") != "warmup"
            for item in b.get("exercises") or [])]
        if lacking:
            problems.append(f"{what}: no {group} on {lacking}")
    if wanted.first_block is not None:
        wrong = [f"{r['date']:%a}" for r in rows if next(
            (b.get("kind") for b in r["blocks"] or [] if b.get("kind") != "warmup"), None)
            != wanted.first_block]
        if wrong:
            problems.append(f"{what}: first block not {wanted.first_block} on {wrong}")
    return problems


def _number(value: Any) -> Any:
    """Decimals from numeric columns (and numbers in jsonb) as int or float, for comparing."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return int(value) if value == int(value) else float(value)


def _same(got: Any, wanted: Any) -> bool:
    if isinstance(got, int | float | Decimal) and isinstance(wanted, int | float | Decimal) \
            and not isinstance(got, bool) and not isinstance(wanted, bool):
        return float(got) == float(wanted)
    return bool(got == wanted)


def _compare(what: str, actual: dict[str, Any], wanted: dict[str, Any], *,
             lacks: bool = False) -> list[str]:
    """Each wanted field against the record; with ``lacks``, each must NOT match."""
    problems = []
    for key, value in wanted.items():
        got = actual.get(key)
        if _matches(got, value) == lacks:
            verb = "has" if lacks else "expected"
            problems.append(f"{what}.{key} is {got!r}, {verb} {value!r}")
    return problems


def _matches(got: Any, value: Any) -> bool:
    """``value`` as a pattern: a scalar against a list is membership (or a value of one of its
    objects), an object matches an object with at least those fields, an object against a list
    matches one of its items, a list against a list matches item for item in any order."""
    if isinstance(got, time) and isinstance(value, str):
        return got.strftime("%H:%M") == value
    if isinstance(value, dict):
        if isinstance(got, dict):
            return all(_matches(got.get(k), v) for k, v in value.items())
        if isinstance(got, list | tuple):
            return any(_matches(item, value) for item in got)
        return False
    if isinstance(value, list):
        items = list(got or [])
        if len(items) != len(value):
            return False
        if all(not isinstance(v, dict | list) for v in value):
            return sorted(map(str, items)) == sorted(map(str, value))
        return all(any(_matches(item, v) for item in items) for v in value)
    if isinstance(got, list | tuple):
        return value in got or any(isinstance(g, dict) and value in g.values() for g in got)
    return bool(got == value)


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


def stripe_event(step: StripeStep, athlete: UUID, subscriptions: list[str]) -> dict[str, Any]:
    """The event Stripe would send for ``step``, created now on the product's clock: a
    checkout buys a new subscription (appended to ``subscriptions``) for the athlete its
    client_reference_id names; other events are about the latest one."""
    if step.type == "checkout.session.completed" or not subscriptions:
        subscriptions.append(f"sub_replay{len(subscriptions) + 1}")
    subscription = subscriptions[-1]
    obj: dict[str, Any]
    if step.type == "checkout.session.completed":
        obj = {"id": f"cs_{subscription}", "object": "checkout.session", "mode": "subscription",
               "client_reference_id": str(athlete), "customer": REPLAY_CUSTOMER,
               "subscription": subscription, "payment_status": "paid"}
    elif step.type.startswith("invoice."):
        obj = {"id": f"in_{uuid.uuid4().hex[:14]}", "object": "invoice",
               "customer": REPLAY_CUSTOMER,
               "parent": {"subscription_details": {"subscription": subscription}}}
    else:
        default = "canceled" if step.type == "customer.subscription.deleted" else "active"
        obj = {"id": subscription, "object": "subscription", "customer": REPLAY_CUSTOMER,
               "status": step.status or default}
    return {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": step.type,
            "created": int(now().timestamp()), "data": {"object": obj}}


def _speaker(kind: str) -> str:
    """Who a sent text is from in the transcript: the coach, or a person who took over."""
    return "person" if kind == OPERATOR_KIND else "coach"
