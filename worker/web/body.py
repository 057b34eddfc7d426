"""Reading a webhook's raw body within a bound, shared by every webhook route."""

from __future__ import annotations

from starlette.requests import Request

from worker.constants import MAX_WEBHOOK_BODY_BYTES
from worker.errors import BadRequest


async def bounded_body(request: Request) -> bytes:
    """The raw body, refused with a 413 as soon as it passes MAX_WEBHOOK_BODY_BYTES: read in
    chunks, so a huge unsigned POST costs at most the limit, never its own size."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_WEBHOOK_BODY_BYTES:
        raise BadRequest(413, f"body over {MAX_WEBHOOK_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_WEBHOOK_BODY_BYTES:
            raise BadRequest(413, f"body over {MAX_WEBHOOK_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
