"""A received picture made safe to keep: decoded, turned upright, re-encoded with no metadata.

Phones put the place a photo was taken (EXIF GPS), the device and its serial into the file. The
only way to be sure none of it is kept is to keep none of the file: the pixels are decoded and
written again as a fresh JPEG with no EXIF, XMP, ICC or comment. The EXIF orientation is applied
to the pixels first, so the photo still stands the right way up.
"""

from __future__ import annotations

import io
import warnings
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

from worker import constants


class Refusal(StrEnum):
    """Why a photo was not kept (stored with its media reference, and told to the athlete)."""

    TYPE = "type"
    HEIC = "heic"
    SIZE = "size"
    UNREADABLE = "unreadable"
    UNAVAILABLE = "unavailable"


class PhotoRefused(Exception):
    """This picture will never be kept, however often it is fetched."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def check_type(content_type: str) -> None:
    """Refuse a type we do not keep before fetching a byte of it."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in constants.HEIC_CONTENT_TYPES:
        raise PhotoRefused(Refusal.HEIC)
    if kind not in constants.PHOTO_CONTENT_TYPES:
        raise PhotoRefused(Refusal.TYPE)


#: Formats Pillow may decode: what the allowed content types are, whatever the bytes claim.
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def clean_image(data: bytes) -> bytes:
    """The picture as an upright JPEG with no metadata at all, at most PHOTO_MAX_SIDE pixels
    on its long side. Raises PhotoRefused for a size, bomb or undecodable picture."""
    if len(data) > constants.MAX_PHOTO_BYTES:
        raise PhotoRefused(Refusal.SIZE)
    try:
        with warnings.catch_warnings():
            # Pillow warns (and later raises) on huge pictures; we refuse at our own bound.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as opened:
                width, height = opened.size
                if width * height > constants.MAX_PHOTO_PIXELS:
                    raise PhotoRefused(Refusal.SIZE)
                opened.seek(0)  # an animated GIF or WebP: its first frame
                upright = ImageOps.exif_transpose(opened)
                picture = (upright if upright is not None else opened).convert("RGB")
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(Refusal.SIZE) from None  # Pillow's own bomb check came first
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoRefused(Refusal.UNREADABLE) from None
    picture.thumbnail((constants.PHOTO_MAX_SIDE, constants.PHOTO_MAX_SIDE))
    # A new image from the pixels alone: no info dict, EXIF, ICC profile or comment travels.
    bare = Image.new("RGB", picture.size)
    bare.paste(picture)
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=constants.PHOTO_JPEG_QUALITY, optimize=True)
    return out.getvalue()
