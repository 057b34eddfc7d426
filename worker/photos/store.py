"""Where stripped photos are kept: a local folder (the default) or an S3-compatible bucket.

Keys are ``<athlete id>/<message id>/<n>.jpg``: the same media always gets the same key, so a
retried turn overwrites its own bytes and the ``progress_photos`` row (UNIQUE storage_key) is
written once. boto3 is synchronous; its calls run in a thread.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from worker.errors import ConfigError
from worker.settings import Settings

CONTENT_TYPE = "image/jpeg"


def storage_key(user_id: UUID, message_id: UUID, position: int) -> str:
    return f"{user_id}/{message_id}/{position}.jpg"


class PhotoStore(Protocol):
    name: str

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


class LocalPhotoStore:
    """A folder; each photo written to a temporary file and renamed, so none is half there."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key {key!r} leaves the photo folder")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, self._path(key), data)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


class S3PhotoStore:
    """An S3-compatible bucket under a prefix (AWS, MinIO, R2...)."""

    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str | None = None, client: Any = None) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url,
                                             region_name=region)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self.client.put_object, Bucket=self.bucket,
                                Key=self.prefix + key, Body=data, ContentType=CONTENT_TYPE)

    async def get(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            except self.client.exceptions.NoSuchKey:
                return None
            body: bytes = answer["Body"].read()
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the key is there: deleting twice is fine.
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket,
                                Key=self.prefix + key)


@cache
def store_for(settings: Settings) -> PhotoStore:
    """The store of these settings, made once (an S3 client is not made per request)."""
    return make_store(settings)


def make_store(settings: Settings) -> PhotoStore:
    if settings.photos_store == "s3":
        if not settings.photos_s3_bucket:
            raise ConfigError("TEXTCOACH_PHOTOS_STORE=s3 needs TEXTCOACH_PHOTOS_S3_BUCKET as well")
        return S3PhotoStore(settings.photos_s3_bucket, settings.photos_s3_prefix,
                            endpoint_url=settings.photos_s3_endpoint_url,
                            region=settings.photos_s3_region)
    return LocalPhotoStore(settings.photos_path)
