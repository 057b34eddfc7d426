"""The media fields of Twilio's inbound form (``NumMedia``, ``MediaUrl{n}``,
``MediaContentType{n}``), read and checked before anything is stored.

Only URLs we are willing to fetch are accepted: https on one of Twilio's API hosts, so a forged
or mistaken form can never point the worker at an arbitrary address. Without Twilio credentials
(the local channel) a ``file://`` path stands for the photo, so photos can be tried with no
phone at all. A malformed media field refuses the whole text (400): nothing is half-stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from worker import constants
from worker.errors import BadRequest

_COUNT = re.compile(r"^[0-9]{1,2}$")
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
_HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class MediaRef:
    """One media item of an inbound text: Twilio's MediaUrl{n} and MediaContentType{n}."""

    position: int
    url: str
    content_type: str


def parse_media(params: Mapping[str, str], *, local_files: bool) -> tuple[MediaRef, ...]:
    """The media of a signed inbound form, in order; () for a plain text (no extra work).

    ``local_files`` accepts ``file://`` URLs as well (only without Twilio credentials).
    """
    raw = params.get("NumMedia", "").strip()
    if raw in ("", "0"):
        return ()
    if not _COUNT.match(raw) or int(raw) > constants.MAX_MEDIA_PER_TEXT:
        raise BadRequest(400, f"NumMedia must be 0-{constants.MAX_MEDIA_PER_TEXT}")
    found = []
    for n in range(int(raw)):
        url = params.get(f"MediaUrl{n}", "").strip()
        content_type = params.get(f"MediaContentType{n}", "").strip().lower()
        if not url:
            raise BadRequest(400, f"missing MediaUrl{n}")
        if len(url) > constants.MAX_MEDIA_URL_CHARS or not _allowed_url(url, local_files):
            raise BadRequest(400, f"MediaUrl{n} is not a Twilio media URL")
        if (len(content_type) > constants.MAX_MEDIA_TYPE_CHARS
                or not _CONTENT_TYPE.match(content_type)):
            raise BadRequest(400, f"MediaContentType{n} is not a content type")
        found.append(MediaRef(n, url, content_type))
    return tuple(found)


def _allowed_url(url: str, local_files: bool) -> bool:
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return False  # no spaces, controls or NUL anywhere
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme == "file":
        return local_files and not parts.netloc and parts.path.startswith("/")
    if parts.scheme != "https" or parts.username or parts.password:
        return False
    if port not in (None, 443):
        return False
    return twilio_host(parts.hostname or "")


def twilio_host(host: str) -> bool:
    """api.twilio.com or a regional api.<edge>.<region>.twilio.com; nothing else."""
    host = host.lower()
    if not host.endswith(constants.TWILIO_MEDIA_HOST_SUFFIX):
        return False
    labels = host[: -len(constants.TWILIO_MEDIA_HOST_SUFFIX)].split(".")
    return labels[0] == "api" and all(_HOST_LABEL.match(label) for label in labels)
