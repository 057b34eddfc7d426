"""A turn's photos: fetched, stripped and stored before the coach thinks; deleted on request.

:func:`take_photos` runs inside the athlete's turn (under their lock). Each pending media
reference is fetched, cleaned and written to the store, then its ``progress_photos`` row is
inserted (idempotent on the storage key). A fetch that fails for now leaves the reference
pending and raises :class:`~worker.photos.fetch.MediaUnavailable` once the others are done:
the turn is retried and the text waits, answered later rather than lost. After
PHOTO_FETCH_MAX_ATTEMPTS tries the photo is given up on and the athlete asked to resend it.

What the athlete is told about their photos is decided here, in code, whichever model runs:
one acknowledgement appended to the turn's reply (:meth:`PhotoTurn.acknowledgement`). The model
itself is never given the picture; it only sees that a photo was saved (:data:`PHOTO_NOTE`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel

from worker import constants
from worker.db.queries import sql
from worker.photos.fetch import MediaSource, MediaUnavailable, make_media_source
from worker.photos.image import PhotoRefused, Refusal, check_type, clean_image
from worker.photos.store import PhotoStore, make_store, storage_key
from worker.settings import Settings

log = logging.getLogger(__name__)

#: What the coach's model reads in place of a picture: that one was sent and saved.
PHOTO_NOTE = "[sent a progress photo; it was saved]"



def said(texts: list[str]) -> list[str]:
    """Texts as the athlete wrote them: the note that a photo was saved (all a model is told
    of a picture) is not something they said, and the offline reader leaves it out."""
    return [text.replace(PHOTO_NOTE, "").strip() for text in texts]


_REFUSED_TEXT = {
    Refusal.HEIC: ("I couldn't save your photo: it's in HEIC format, which I can't open. Send "
                   "it as a JPEG (iPhone: Settings > Camera > Formats > Most Compatible) or as "
                   "a screenshot."),
    Refusal.TYPE: "I can only keep photos (JPEG, PNG, WebP or GIF), so I didn't save that file.",
    Refusal.SIZE: "That photo is too large for me to keep (5 MB at most); try a smaller one.",
    Refusal.UNREADABLE: "I couldn't open that photo; try sending it again.",
    Refusal.UNAVAILABLE: "I couldn't download your photo; please send it again.",
}


@dataclass
class PhotoTurn:
    """What happened to the photos of one turn's texts."""

    saved: int = 0
    refused: list[Refusal] = field(default_factory=list)
    #: The athlete's live photos after this turn.
    total: int = 0
    #: Texts of the turn that carried media.
    with_media: set[UUID] = field(default_factory=set)

    def acknowledgement(self) -> str | None:
        """The one line the reply carries about this turn's photos, or None."""
        lines = []
        if self.saved:
            what = "progress photo" if self.saved == 1 else f"{self.saved} progress photos"
            lines.append(f"Saved your {what} ({self.total} so far). Only you and your coach "
                         "see them, on your page (text LINK); text DELETE MY PHOTOS to remove "
                         "them.")
        for reason in dict.fromkeys(self.refused):
            lines.append(_REFUSED_TEXT[reason])
        return " ".join(lines) or None

    def for_coach(self, row: Any) -> Any:
        """An inbox row as the coach's model sees it: a photo's text says a photo was saved
        (the picture itself never goes to a model); other rows unchanged."""
        if row["id"] not in self.with_media:
            return row
        seen = dict(row)
        seen["body"] = f"{PHOTO_NOTE} {row['body']}".strip()
        return seen


async def take_photos(pool: asyncpg.Pool, source: MediaSource, store: PhotoStore,
                      user_id: UUID, message_ids: list[UUID], *,
                      taken_at: datetime) -> PhotoTurn:
    """Fetch and store every pending photo of these texts (no media: one indexed query)."""
    rows = await pool.fetch(sql("turn_media"), message_ids)
    turn = PhotoTurn(with_media={row["message_id"] for row in rows})
    if not rows:
        return turn
    waiting = 0
    for row in rows:
        if row["user_id"] != user_id:
            continue  # never another athlete's (the ids came from this athlete's inbox)
        state, refused = row["state"], row["refused"]
        if state == "pending":
            try:
                await _store_one(pool, source, store, row, taken_at)
                state = "stored"
            except PhotoRefused as exc:
                await pool.execute(sql("refuse_media"), row["id"], exc.reason.value)
                state, refused = "refused", exc.reason.value
            except MediaUnavailable:
                tries = await pool.fetchval(sql("media_fetch_failed"), row["id"])
                log.warning("media %s of athlete %s not fetched (try %d)", row["id"], user_id,
                            tries, exc_info=True)
                if tries >= constants.PHOTO_FETCH_MAX_ATTEMPTS:
                    await pool.execute(sql("refuse_media"), row["id"],
                                       Refusal.UNAVAILABLE.value)
                    state, refused = "refused", Refusal.UNAVAILABLE.value
                else:
                    waiting += 1
        if state == "stored":
            turn.saved += 1
        elif state == "refused":
            turn.refused.append(Refusal(refused))
    if waiting:
        raise MediaUnavailable(f"{waiting} photo(s) of athlete {user_id} not fetched yet")
    turn.total = int(await pool.fetchval(sql("live_photo_count"), user_id))
    return turn


async def _store_one(pool: asyncpg.Pool, source: MediaSource, store: PhotoStore, row: Any,
                     taken_at: datetime) -> None:
    check_type(row["content_type"])
    clean = clean_image(await source.fetch(row["url"]))
    key = storage_key(row["user_id"], row["message_id"], row["position"])
    await store.put(key, clean)  # bytes first: a row never points at nothing
    caption = str(row["body"]).strip() or None
    await pool.fetchval(sql("store_photo"), row["user_id"], key, taken_at, caption,
                        row["message_id"], row["id"])


async def delete_photos(conn: Any, user_id: UUID, at: datetime) -> int:
    """Soft-delete every live photo of the athlete; how many. The purge job removes bytes."""
    return len(await conn.fetch(sql("delete_photos"), user_id, at))


async def purge_deleted(pool: asyncpg.Pool, store: PhotoStore, user_id: UUID | None) -> int:
    """Remove deleted photos' bytes from the store (one athlete's, or anyone's); how many.
    A store error propagates and the job is retried; what was purged stays purged."""
    purged = 0
    while True:
        rows = await pool.fetch(sql("photos_to_purge"), user_id, constants.PURGE_PHOTOS_BATCH)
        for row in rows:
            await store.delete(row["storage_key"])
            await pool.execute(sql("mark_photo_purged"), row["id"])
            purged += 1
        if len(rows) < constants.PURGE_PHOTOS_BATCH:
            return purged


@dataclass(frozen=True)
class PhotoServices:
    """What a worker fetches photos from and keeps them in (one of each per worker)."""

    source: MediaSource
    store: PhotoStore


def photo_services(ctx: dict[str, Any], settings: Settings) -> PhotoServices:
    """The worker's photo services (set at startup), or the settings' defaults for a job run
    outside a worker (tests calling a job directly)."""
    found = ctx.get("photos")
    if not isinstance(found, PhotoServices):
        found = ctx["photos"] = PhotoServices(make_media_source(settings), make_store(settings))
    return found


class PhotosDeleted(BaseModel):
    """What "delete my photos" did; ``text`` is what to tell the athlete."""

    deleted: int
    text: str

    @classmethod
    def of(cls, deleted: int) -> PhotosDeleted:
        if not deleted:
            return cls(deleted=0, text="You have no progress photos saved, so there was "
                                       "nothing to delete.")
        what = "progress photo" if deleted == 1 else f"{deleted} progress photos"
        return cls(deleted=deleted, text=f"Deleted your {what}: they're gone from your page "
                                         "and from our storage.")
