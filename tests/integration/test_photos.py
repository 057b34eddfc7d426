"""Progress photos end to end on real PostgreSQL and Redis: a signed MMS webhook, the media
fetched through the twilio library's HttpClient seam (only the HTTP client is fake), stripped,
stored in a real folder, acknowledged, listed, deleted and purged; and the S3 store against a
real moto server process.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx2
import pytest
from arq import Retry
from arq.connections import ArqRedis
from arq.worker import Worker
from PIL import Image
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from tests.conftest import TEST_BASE_URL, last_reply
from worker import constants
from worker.clock import clock
from worker.jobs.app import build_worker
from worker.jobs.context import Deps
from worker.jobs.inbox import process_inbox
from worker.photos.fetch import LocalMediaSource, TwilioMediaSource
from worker.photos.save import PhotoServices
from worker.photos.store import LocalPhotoStore, S3PhotoStore
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.tokens import token_hash
from worker.web.signature import sign, twilio_form

ACCOUNT_SID = "AC" + "7" * 32
AUTH_TOKEN = "photo-secret"
PHONE = "+13125550177"
OTHER = "+13125550178"
MEDIA = Path(__file__).resolve().parents[1] / "scenarios" / "media"


def media_url(name: str = "ME1") -> str:
    return (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"
            f"MM{uuid.uuid4().hex}/Media/{name}{uuid.uuid4().hex[:8]}")


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(datetime(2026, 3, 4, 16, 0, tzinfo=UTC))  # Wednesday, 10:00 in Chicago
    yield
    clock.reset()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Twilio credentials (so media URLs are Twilio's), sends to the local channel, unpaced."""
    return Settings(
        data_dir=tmp_path / "data", database_url=None, redis_url=None,
        twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+15550009999", twilio_messaging_service_sid=None,
        public_base_url=None, inbox_debounce_seconds=0.05, send_rate_per_second=0,
    )


class FakeMediaHttp(AsyncHttpClient):  # type: ignore[misc]
    """Twilio's media host behind the SDK's HttpClient seam: records each GET, answers with
    ``answer`` (default: the picture registered for the URL)."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("tests.fake_media"), is_async=True, timeout=None)
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str, tuple[str, str] | None]] = []
        self.answer: Callable[[str], Response] | None = None

    async def request(self, method: str, uri: str, params: Any = None, data: Any = None,
                      headers: Any = None, auth: tuple[str, str] | None = None,
                      timeout: float | None = None,  # noqa: ASYNC109 - the SDK's signature
                      allow_redirects: bool = False) -> Response:
        self.requests.append((method, uri, auth))
        if self.answer is not None:
            return self.answer(uri)
        if uri not in self.files:
            return Response(404, '{"code": 20404}')
        return Response(200, self.files[uri])  # type: ignore[arg-type]


def down(_uri: str) -> Response:
    raise ConnectionRefusedError("Twilio unreachable")


@pytest.fixture
def media_http() -> FakeMediaHttp:
    return FakeMediaHttp()


@pytest.fixture
def store(settings: Settings) -> LocalPhotoStore:
    """The folder the settings name, so the web app serves what the worker stored."""
    return LocalPhotoStore(settings.photos_path)


Post = Callable[..., Any]


@pytest.fixture
def post_mms(client: httpx2.AsyncClient, settings: Settings) -> Post:
    async def post(phone: str, body: str, media: list[tuple[str, str]], *,
                   sid: str | None = None, extra: dict[str, str] | None = None
                   ) -> httpx2.Response:
        form = twilio_form(settings, sid=sid or f"MM{uuid.uuid4().hex}", phone=phone,
                           body=body)
        form["NumMedia"] = str(len(media))
        for n, (url, content_type) in enumerate(media):
            form[f"MediaUrl{n}"] = url
            form[f"MediaContentType{n}"] = content_type
        form.update(extra or {})
        url = f"{TEST_BASE_URL}/twilio/sms"
        signature = sign(settings.webhook_auth_token, url, form)
        return await client.post("/twilio/sms", data=form,
                                 headers={"X-Twilio-Signature": signature})

    return post


@pytest.fixture
def work(settings: Settings, database_url: str, redis_url: str, channel: LocalChannel,
         media_http: FakeMediaHttp, store: LocalPhotoStore) -> Callable[[], Any]:
    """A real ARQ worker in burst mode, fetching media through the fake HTTP client."""

    async def run() -> Worker:
        worker = build_worker(settings, database_url=database_url, redis_url=redis_url,
                              channel=channel, burst=True, handle_signals=False,
                              poll_delay=0.05, photo_store=store,
                              media_source=TwilioMediaSource(settings, http_client=media_http))
        try:
            await worker.main()
        finally:
            await worker.close()
        return worker

    return run


def picture(name: str = "progress-week1.jpg") -> bytes:
    return (MEDIA / name).read_bytes()


async def _welcomed(post: Post, work: Callable[[], Any], phone: str = PHONE) -> None:
    """An athlete who has texted once and been answered (no welcome in later turns)."""
    response = await post(phone, "hi", [])
    assert response.status_code == 200
    await work()


async def test_a_photo_is_fetched_stripped_stored_and_acknowledged(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
    store: LocalPhotoStore,
) -> None:
    await _welcomed(post_mms, work)
    url = media_url()
    media_http.files[url] = picture()
    response = await post_mms(PHONE, "week 1, feeling strong", [(url, "image/jpeg")])
    assert response.status_code == 200
    await work()

    [(method, fetched, auth)] = media_http.requests
    assert (method, fetched, auth) == ("GET", url, (ACCOUNT_SID, AUTH_TOKEN))
    [photo] = await pool.fetch("SELECT * FROM progress_photos")
    assert photo["caption"] == "week 1, feeling strong"
    assert photo["deleted_at"] is None
    media = await pool.fetchrow("SELECT * FROM inbound_media")
    assert (media["state"], media["photo_id"], media["url"]) == ("stored", photo["id"], url)
    assert photo["source_message_id"] == media["message_id"]
    kept = await store.get(photo["storage_key"])
    assert kept is not None
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()  # no GPS, no make or model: nothing at all
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (48, 64)  # orientation 6 applied to the 64x48 pixels
    user_id = photo["user_id"]
    assert "Saved your progress photo (1 so far)" in await last_reply(pool, user_id)


async def test_a_photo_with_no_body_is_accepted_and_answered_by_the_acknowledgement_alone(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
) -> None:
    await _welcomed(post_mms, work)
    first, second = media_url(), media_url()
    media_http.files[first] = picture()
    media_http.files[second] = picture("progress-week4.jpg")
    response = await post_mms(PHONE, "", [(first, "image/jpeg"), (second, "image/png")])
    assert response.status_code == 200
    await work()
    user_id = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    reply = await last_reply(pool, user_id)
    assert reply.startswith("Saved your 2 progress photos (2 so far).")
    assert await pool.fetchval("SELECT count(*) FROM progress_photos WHERE caption IS NULL") == 2


async def test_a_redelivered_mms_stores_one_text_one_media_row_and_one_photo(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
) -> None:
    url = media_url()
    media_http.files[url] = picture()
    sid = f"MM{uuid.uuid4().hex}"
    for _ in range(3):
        assert (await post_mms(PHONE, "me", [(url, "image/jpeg")], sid=sid)).status_code == 200
    await work()
    await work()
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE direction = 'inbound'") == 1
    assert await pool.fetchval("SELECT count(*) FROM inbound_media") == 1
    assert await pool.fetchval("SELECT count(*) FROM progress_photos") == 1
    assert len(media_http.requests) == 1


@pytest.mark.parametrize(("fields", "why"), [
    ({"NumMedia": "1", "MediaUrl0": "https://evil.example.com/x.jpg",
      "MediaContentType0": "image/jpeg"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "http://api.twilio.com/2010-04-01/x",
      "MediaContentType0": "image/jpeg"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "https://api.twilio.com.evil.io/x",
      "MediaContentType0": "image/jpeg"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "https://user:pw@api.twilio.com/x",
      "MediaContentType0": "image/jpeg"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "file:///etc/passwd",
      "MediaContentType0": "image/jpeg"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaContentType0": "image/jpeg"}, "missing MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x",
      "MediaContentType0": "image/<jpeg>"}, "MediaContentType0"),
    ({"NumMedia": "11"}, "NumMedia"),
    ({"NumMedia": "two"}, "NumMedia"),
], ids=["other-host", "http", "lookalike-host", "userinfo", "file-with-twilio", "no-url",
        "bad-type", "too-many", "not-a-number"])
async def test_a_malformed_media_field_is_a_400_with_nothing_stored(
    post_mms: Post, pool: asyncpg.Pool, fields: dict[str, str], why: str,
) -> None:
    response = await post_mms(PHONE, "look", [], extra=fields)
    assert response.status_code == 400
    assert why in response.text
    assert await pool.fetchval("SELECT count(*) FROM messages") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbound_media") == 0


async def _turn(pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, source: Any,
                store: LocalPhotoStore, phone: str = PHONE) -> str:
    """process_inbox run directly, as ARQ would (so a Retry is seen, not waited out)."""
    user_id = await pool.fetchval("SELECT id FROM users WHERE phone = $1", phone)
    ctx: dict[str, Any] = {"deps": Deps(pool, redis, settings, LocalChannel(io.StringIO())),
                           "redis": redis, "job_try": 1,
                           "photos": PhotoServices(source, store)}
    return await process_inbox(ctx, str(user_id))


async def test_twilio_down_leaves_the_text_waiting_then_it_is_stored_and_answered(
    post_mms: Post, pool: asyncpg.Pool, redis: ArqRedis, settings: Settings,
    media_http: FakeMediaHttp, store: LocalPhotoStore,
) -> None:
    url = media_url()
    media_http.files[url] = picture()
    await post_mms(PHONE, "day 1", [(url, "image/jpeg")])
    source = TwilioMediaSource(settings, http_client=media_http)
    media_http.answer = down
    with pytest.raises(Retry):
        await _turn(pool, redis, settings, source, store)
    assert await pool.fetchval("SELECT processed_at FROM messages WHERE direction = 'inbound'"
                               ) is None
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE direction = 'outbound'") == 0
    media = await pool.fetchrow("SELECT state, attempts FROM inbound_media")
    assert (media["state"], media["attempts"]) == ("pending", 1)

    media_http.answer = lambda _uri: Response(503, "Service Unavailable")
    with pytest.raises(Retry):
        await _turn(pool, redis, settings, source, store)

    media_http.answer = None  # Twilio is back
    assert (await _turn(pool, redis, settings, source, store)).endswith("outbound")
    assert await pool.fetchval("SELECT state FROM inbound_media") == "stored"
    assert await pool.fetchval("SELECT count(*) FROM progress_photos") == 1
    user_id = await pool.fetchval("SELECT id FROM users")
    assert "Saved your progress photo (1 so far)" in await last_reply(pool, user_id)


async def test_a_photo_twilio_never_serves_is_given_up_and_the_athlete_asked_to_resend(
    post_mms: Post, pool: asyncpg.Pool, redis: ArqRedis, settings: Settings,
    media_http: FakeMediaHttp, store: LocalPhotoStore,
) -> None:
    await post_mms(PHONE, "pic", [(media_url(), "image/jpeg")])
    await pool.execute("UPDATE inbound_media SET attempts = $1",
                       constants.PHOTO_FETCH_MAX_ATTEMPTS - 1)
    media_http.answer = down
    source = TwilioMediaSource(settings, http_client=media_http)
    await _turn(pool, redis, settings, source, store)
    assert await pool.fetchval("SELECT refused FROM inbound_media") == "unavailable"
    user_id = await pool.fetchval("SELECT id FROM users")
    assert "couldn't download your photo" in await last_reply(pool, user_id)


async def test_heic_and_other_files_are_refused_with_a_clear_text_and_never_fetched(
    post_mms: Post, pool: asyncpg.Pool, redis: ArqRedis, settings: Settings,
    media_http: FakeMediaHttp, store: LocalPhotoStore,
) -> None:
    await post_mms(PHONE, "", [(media_url(), "image/heic"), (media_url(), "video/mp4")])
    await _turn(pool, redis, settings, TwilioMediaSource(settings, http_client=media_http),
                store)
    assert media_http.requests == []
    assert sorted(r["refused"] for r in await pool.fetch("SELECT refused FROM inbound_media")
                  ) == ["heic", "type"]
    assert await pool.fetchval("SELECT count(*) FROM progress_photos") == 0
    user_id = await pool.fetchval("SELECT id FROM users")
    reply = await last_reply(pool, user_id)
    assert "HEIC" in reply and "JPEG, PNG, WebP or GIF" in reply


async def test_delete_my_photos_soft_deletes_them_all_and_the_job_removes_the_bytes(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
    store: LocalPhotoStore,
) -> None:
    await _welcomed(post_mms, work)
    for name in ("progress-week1.jpg", "progress-week4.jpg"):
        url = media_url()
        media_http.files[url] = picture(name)
        await post_mms(PHONE, name, [(url, "image/jpeg")])
        await work()
    keys = [r["storage_key"] for r in await pool.fetch("SELECT storage_key FROM progress_photos")]
    assert len(keys) == 2 and all([await store.get(k) for k in keys])

    await post_mms(PHONE, "please delete my photos", [])
    await work()
    user_id = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    assert "Deleted your 2 progress photos" in await last_reply(pool, user_id)
    rows = await pool.fetch("SELECT deleted_at, purged_at FROM progress_photos")
    assert all(r["deleted_at"] is not None and r["purged_at"] is not None for r in rows)
    assert [await store.get(k) for k in keys] == [None, None]

    await post_mms(PHONE, "borra mis fotos", [])
    await work()
    assert "no progress photos saved" in await last_reply(pool, user_id)


async def _athlete_session(pool: asyncpg.Pool, user_id: UUID) -> str:
    token = uuid.uuid4().hex
    await pool.execute(
        "INSERT INTO web_sessions (token_hash, user_id, csrf_token, expires_at)"
        " VALUES ($1, $2, 'x', $3)", token_hash(token), user_id,
        datetime.now(UTC) + timedelta(hours=1))
    return token


async def test_the_page_and_console_show_only_live_photos_and_only_to_whom_they_belong(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
    client: httpx2.AsyncClient,
) -> None:
    for phone, caption in ((PHONE, "alex progress"), (OTHER, "blair secret")):
        url = media_url()
        media_http.files[url] = picture()
        await post_mms(phone, caption, [(url, "image/jpeg")])
    await post_mms(PHONE, "alex deleted one", [(url, "image/jpeg")])  # fetched: same bytes
    await work()
    alex = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    photos = {r["caption"]: r["id"] for r in await pool.fetch(
        "SELECT caption, id FROM progress_photos")}
    await pool.execute("UPDATE progress_photos SET deleted_at = now() WHERE caption = $1",
                       "alex deleted one")

    client.cookies.set(constants.ATHLETE_COOKIE, await _athlete_session(pool, alex),
                       path="/me")
    page = await client.get("/me")
    assert page.status_code == 200
    shown = re.findall(r'src="/me/photos/([0-9a-f-]+)"', page.text)
    assert shown == [str(photos["alex progress"])]
    assert "blair secret" not in page.text and "alex deleted one" not in page.text
    own = await client.get(f"/me/photos/{photos['alex progress']}")
    assert own.status_code == 200
    assert own.headers["content-type"] == "image/jpeg"
    assert own.headers["cache-control"] == "no-store"
    assert "script-src" not in own.headers["content-security-policy"]
    for other in (photos["blair secret"], photos["alex deleted one"], uuid.uuid4(), "nope"):
        assert (await client.get(f"/me/photos/{other}")).status_code == 404
    client.cookies.clear()
    assert (await client.get(f"/me/photos/{photos['alex progress']}")).status_code == 401


async def test_the_console_shows_an_athletes_live_photos_to_any_operator(
    post_mms: Post, work: Callable[[], Any], pool: asyncpg.Pool, media_http: FakeMediaHttp,
    client: httpx2.AsyncClient,
) -> None:
    from tests.integration.test_console import _login, _operator

    url = media_url()
    media_http.files[url] = picture()
    await post_mms(PHONE, "console photo", [(url, "image/jpeg")])
    await work()
    alex = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    photo = await pool.fetchval("SELECT id FROM progress_photos")
    path = f"/console/athletes/{alex}/photos/{photo}"
    assert (await client.get(path)).status_code == 303  # signed out: to the login page
    email = await _operator(pool, "viewer")
    await _login(client, email)
    page = await client.get(f"/console/athletes/{alex}")
    assert f'src="{path}"' in page.text and "console photo" in page.text
    image = await client.get(path)
    assert (image.status_code, image.headers["content-type"]) == (200, "image/jpeg")
    assert image.headers["cache-control"] == "no-store"
    assert (await client.get(f"/console/athletes/{uuid.uuid4()}/photos/{photo}")
            ).status_code == 404
    await pool.execute("UPDATE progress_photos SET deleted_at = now()")
    assert (await client.get(path)).status_code == 404
    assert f'src="{path}"' not in (await client.get(f"/console/athletes/{alex}")).text


async def test_the_local_channel_takes_a_photo_from_a_file(
    pool: asyncpg.Pool, redis: ArqRedis, tmp_path: Path, client: httpx2.AsyncClient,
) -> None:
    """Without Twilio credentials a file:// path stands for the photo (textcoach text
    --photo, replays); with them it is refused (the 400 case above)."""
    local = Settings(data_dir=tmp_path / "local", database_url=None, redis_url=None,
                     twilio_account_sid=None, twilio_auth_token=None,
                     twilio_from_number=None, twilio_messaging_service_sid=None,
                     public_base_url=None)
    from worker.web.app import create_app
    from worker.web.deps import WebDeps

    app = create_app(local, deps=WebDeps(local, pool, redis))
    form = twilio_form(local, sid=f"MM{uuid.uuid4().hex}", phone=PHONE, body="")
    form.update({"NumMedia": "1", "MediaUrl0": (MEDIA / "progress-week1.jpg").as_uri(),
                 "MediaContentType0": "image/jpeg"})
    url = f"{TEST_BASE_URL}/twilio/sms"
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app),
                                  base_url=TEST_BASE_URL) as http:
        response = await http.post("/twilio/sms", data=form, headers={
            "X-Twilio-Signature": sign(local.webhook_auth_token, url, form)})
    assert response.status_code == 200
    store = LocalPhotoStore(tmp_path / "local-photos")
    await _turn(pool, redis, local, LocalMediaSource(), store)
    key = await pool.fetchval("SELECT storage_key FROM progress_photos")
    assert key is not None and await store.get(key)


def test_the_s3_store_puts_gets_and_deletes_on_a_real_moto_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    import boto3
    from moto.server import ThreadedMotoServer

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket="coach-photos")
        store = S3PhotoStore("coach-photos", "photos/", endpoint_url=endpoint,
                             region="us-east-1")

        async def exercise() -> None:
            await store.put("a/b/0.jpg", b"\xff\xd8jpeg")
            assert await store.get("a/b/0.jpg") == b"\xff\xd8jpeg"
            listed = store.client.list_objects_v2(Bucket="coach-photos")["Contents"]
            assert [o["Key"] for o in listed] == ["photos/a/b/0.jpg"]
            head = store.client.head_object(Bucket="coach-photos", Key="photos/a/b/0.jpg")
            assert head["ContentType"] == "image/jpeg"
            await store.delete("a/b/0.jpg")
            await store.delete("a/b/0.jpg")  # twice is fine (a retried purge)
            assert await store.get("a/b/0.jpg") is None

        asyncio.run(exercise())
    finally:
        server.stop()


async def test_every_photo_query_prepares_against_the_migrated_schema(pool: asyncpg.Pool) -> None:
    from worker.db.queries import parse
    from worker.paths import SQL_DIR

    queries = parse((SQL_DIR / "queries" / "photos.sql").read_text(encoding="utf-8"))
    async with pool.acquire() as conn:
        for name, query in queries.items():
            assert await conn.prepare(query) is not None, name
