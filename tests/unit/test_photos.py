"""Progress photos without services: the webhook's media fields, the EXIF strip, the type,
size and bomb refusals, what the athlete is told, and the offline reading of "delete my
photos"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from worker import constants
from worker.errors import BadRequest
from worker.llm.offline.intents import photos_plan
from worker.photos.image import PhotoRefused, Refusal, check_type, clean_image
from worker.photos.media import MediaRef, parse_media, twilio_host
from worker.photos.save import PHOTO_NOTE, PhotosDeleted, PhotoTurn, said

TWILIO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


def jpeg_with_gps(size: tuple[int, int] = (40, 20), orientation: int = 1,
                  fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "Maker"
    exif[0x0110] = "Model"
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 1.5), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


# -- The webhook's media fields ------------------------------------------------------------------

def test_a_plain_text_has_no_media_and_costs_nothing() -> None:
    assert parse_media({"Body": "hi"}, local_files=False) == ()
    assert parse_media({"NumMedia": "0"}, local_files=False) == ()


def test_media_are_read_in_order_with_their_types() -> None:
    params = {"NumMedia": "2", "MediaUrl0": TWILIO, "MediaContentType0": "image/JPEG",
              "MediaUrl1": TWILIO + "2", "MediaContentType1": "image/png"}
    assert parse_media(params, local_files=False) == (
        MediaRef(0, TWILIO, "image/jpeg"), MediaRef(1, TWILIO + "2", "image/png"))


@pytest.mark.parametrize("url", [
    "https://example.com/a.jpg", "http://api.twilio.com/x", "https://api.twilio.com:8443/x",
    "https://twilio.com/x", "https://media.twiliocdn.com/x", "https://api.twilio.com.evil/x",
    "https://evil.com/api.twilio.com", "https://a@api.twilio.com/x", "ftp://api.twilio.com/x",
    "https://api.twilio.com/x y", "https://api.twilio.com/\x00", "file:///etc/passwd",
    "https://api.twilio.com/" + "a" * constants.MAX_MEDIA_URL_CHARS,
])
def test_only_twilio_https_urls_are_accepted(url: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_media({"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/jpeg"},
                    local_files=False)
    assert refused.value.status == 400


def test_regional_twilio_hosts_are_twilio() -> None:
    assert twilio_host("api.twilio.com")
    assert twilio_host("api.dublin.ie1.twilio.com")
    assert not twilio_host("evil.twilio.com.attacker.net")
    assert not twilio_host("x.twilio.com")


def test_a_local_file_is_accepted_only_without_twilio() -> None:
    params = {"NumMedia": "1", "MediaUrl0": "file:///tmp/me.jpg",
              "MediaContentType0": "image/jpeg"}
    assert parse_media(params, local_files=True)[0].url == "file:///tmp/me.jpg"
    with pytest.raises(BadRequest):
        parse_media(params, local_files=False)
    with pytest.raises(BadRequest):
        parse_media({**params, "MediaUrl0": "file://host/tmp/me.jpg"}, local_files=True)


@pytest.mark.parametrize("params", [
    {"NumMedia": "11"}, {"NumMedia": "-1"}, {"NumMedia": "1"}, {"NumMedia": "1.0"},
    {"NumMedia": "1", "MediaUrl0": TWILIO},
    {"NumMedia": "1", "MediaUrl0": TWILIO, "MediaContentType0": "jpeg"},
    {"NumMedia": "1", "MediaUrl0": TWILIO, "MediaContentType0": "image/jpeg\x00"},
])
def test_malformed_media_fields_are_a_400(params: dict[str, str]) -> None:
    with pytest.raises(BadRequest):
        parse_media(params, local_files=False)


# -- Stripping ------------------------------------------------------------------------------------

def test_the_strip_keeps_no_gps_nor_any_metadata() -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the test picture does carry GPS
    cleaned = clean_image(original)
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(after.info)
    assert b"Maker" not in cleaned and b"Exif" not in cleaned


def test_the_exif_orientation_is_applied_before_the_strip() -> None:
    with Image.open(io.BytesIO(clean_image(jpeg_with_gps((40, 20), orientation=6)))) as after:
        assert after.size == (20, 40)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_other_allowed_formats_become_a_plain_jpeg(fmt: str) -> None:
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", (30, 30), (1, 2, 3))
    out = io.BytesIO()
    image.save(out, format=fmt)
    with Image.open(io.BytesIO(clean_image(out.getvalue()))) as after:
        assert (after.format, after.mode) == ("JPEG", "RGB")


def test_big_pictures_are_scaled_to_the_stored_size() -> None:
    image = Image.new("RGB", (constants.PHOTO_MAX_SIDE * 2, 100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    with Image.open(io.BytesIO(clean_image(out.getvalue()))) as after:
        assert max(after.size) == constants.PHOTO_MAX_SIDE


def _refused(data: bytes) -> Refusal:
    with pytest.raises(PhotoRefused) as refused:
        clean_image(data)
    return refused.value.reason


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")  # 400 Mpx in ~50 KB
    assert len(out.getvalue()) < constants.MAX_PHOTO_BYTES
    assert _refused(out.getvalue()) is Refusal.SIZE


def test_too_many_bytes_garbage_and_other_formats_are_refused() -> None:
    assert _refused(b"\xff" * (constants.MAX_PHOTO_BYTES + 1)) is Refusal.SIZE
    assert _refused(b"not a picture") is Refusal.UNREADABLE
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="BMP")
    assert _refused(out.getvalue()) is Refusal.UNREADABLE  # BMP is no allowed format
    assert _refused(jpeg_with_gps()[:200]) is Refusal.UNREADABLE  # cut short


@pytest.mark.parametrize(("content_type", "reason"), [
    ("image/heic", Refusal.HEIC), ("image/heif", Refusal.HEIC), ("video/mp4", Refusal.TYPE),
    ("application/pdf", Refusal.TYPE), ("text/vcard", Refusal.TYPE),
])
def test_types_we_do_not_keep_are_refused_before_fetching(content_type: str,
                                                           reason: Refusal) -> None:
    with pytest.raises(PhotoRefused) as refused:
        check_type(content_type)
    assert refused.value.reason is reason


def test_allowed_types_pass() -> None:
    for content_type in ("image/jpeg", "image/png", "image/webp", "image/gif"):
        check_type(content_type)


# -- What the athlete and the model are told ----------------------------------------------------

def test_one_acknowledgement_for_the_turn() -> None:
    assert PhotoTurn().acknowledgement() is None
    one = PhotoTurn(saved=1, total=3).acknowledgement()
    assert one is not None and one.startswith("Saved your progress photo (3 so far).")
    assert "DELETE MY PHOTOS" in one
    mixed = PhotoTurn(saved=2, total=2, refused=[Refusal.HEIC, Refusal.HEIC]).acknowledgement()
    assert mixed is not None and mixed.count("HEIC format") == 1
    assert "2 progress photos" in mixed


def test_the_model_is_told_a_photo_was_saved_and_the_offline_reader_ignores_it() -> None:
    row: dict[str, Any] = {"id": "m1", "body": "week 4!"}
    seen = PhotoTurn(with_media={"m1"}).for_coach(row)  # type: ignore[arg-type]
    assert seen["body"] == f"{PHOTO_NOTE} week 4!"
    assert PhotoTurn().for_coach(row) is row
    assert said([seen["body"]]) == ["week 4!"]


def test_deleting_says_how_many() -> None:
    assert PhotosDeleted.of(0).text.startswith("You have no progress photos")
    assert "your progress photo:" in PhotosDeleted.of(1).text
    assert "your 4 progress photos" in PhotosDeleted.of(4).text


@pytest.mark.parametrize("text", [
    "delete my photos", "DELETE MY PHOTOS", "please remove the pics I sent",
    "can you delete all my progress pictures?", "get rid of my photos please",
    "erase my selfies", "I want my photos deleted", "borra mis fotos",
    "elimina todas mis fotos por favor", "quita las fotos", "bórralas fotos",
])
def test_asking_to_delete_photos_is_read_as_the_tool(text: str) -> None:
    assert photos_plan([text]) == [("delete_photos", {})]


@pytest.mark.parametrize("text", [
    "don't delete my photos", "no borres mis fotos", "here's my photo", "I deleted the app",
    "took a photo of my squat rack", "remove squats from my plan", "delete",
])
def test_near_misses_are_not_a_deletion(text: str) -> None:
    assert photos_plan([text]) == []
