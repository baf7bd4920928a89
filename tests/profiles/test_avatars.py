"""Avatar uploads: every attack is refused, good images are re-encoded and renamed."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from profiles import services
from profiles.avatars import MAX_BYTES, OUTPUT_SIDE, process_avatar
from tests.factories import ProfileFactory

UUID_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


def _image_bytes(fmt="JPEG", size=(800, 600), mode="RGB", **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else None).save(buffer, fmt, **save_kwargs)
    return buffer.getvalue()


def _upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _refused(upload) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        process_avatar(upload)
    return info.value


# --- Attacks -----------------------------------------------------------------


def test_oversize_file_is_refused_before_decoding():
    data = _image_bytes() + b"\x00" * (MAX_BYTES + 1)
    error = _refused(_upload(data))
    assert error.code == "too_large"
    assert "limit is 2 MB" in error.messages[0]


@pytest.mark.parametrize("size", [(20_000, 20_000), (5000, 100), (100, 4097)])
def test_pixel_bomb_is_refused_from_the_header(size):
    error = _refused(_upload(_png_header_only(*size), name="bomb.png", content_type="image/png"))
    assert error.code == "too_many_pixels"
    assert "4096×4096" in error.messages[0]


def test_pillow_decompression_bomb_guard_is_turned_into_a_refusal():
    # Above Pillow's own MAX_IMAGE_PIXELS: it raises while opening.
    error = _refused(_upload(_png_header_only(70_000, 70_000), name="b.png"))
    assert error.code == "too_many_pixels"


@pytest.mark.parametrize(
    "content",
    [
        b"<?php system($_GET['cmd']); ?>",
        b"<html><script>alert(1)</script></html>",
        b"just some text pretending to be a photo",
        b"GIF89a<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0 truncated jpeg header then junk",
    ],
)
def test_non_image_named_jpg_is_refused(content):
    error = _refused(_upload(content, name="innocent.jpg", content_type="image/jpeg"))
    assert error.code in {"invalid_type", "corrupt"}


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
    error = _refused(_upload(svg, name="me.svg", content_type="image/svg+xml"))
    assert error.code == "invalid_type"
    assert "JPEG, PNG or WebP" in error.messages[0]


def test_svg_renamed_to_png_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert _refused(_upload(svg, name="me.png", content_type="image/png")).code == "invalid_type"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_real_image_types_are_refused(fmt):
    error = _refused(_upload(_image_bytes(fmt, size=(20, 20)), name=f"x.{fmt.lower()}"))
    assert error.code == "invalid_type"
    assert fmt in error.messages[0]


def test_truncated_png_is_refused():
    data = _image_bytes("PNG", size=(300, 300))
    error = _refused(_upload(data[: len(data) // 2], name="cut.png"))
    assert error.code == "corrupt"


def test_empty_file_is_refused():
    assert _refused(_upload(b"", name="empty.jpg")).code == "empty"


# --- What is kept ----------------------------------------------------------------


def test_exif_including_gps_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "secret-software"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    source = _image_bytes("JPEG", exif=exif.tobytes())
    assert b"SpyCam" in source  # the fixture really carries EXIF

    result = process_avatar(_upload(source))
    data = result.file.read()
    assert b"SpyCam" not in data and b"secret-software" not in data
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif()
    assert "exif" not in reopened.info


def test_png_text_chunks_are_stripped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 1 Secret Lane")
    result = process_avatar(_upload(_image_bytes("PNG", pnginfo=info), name="x.png"))
    assert b"Secret Lane" not in result.file.read()


@pytest.mark.parametrize(
    ("fmt", "ext", "mode"),
    [("JPEG", "jpg", "RGB"), ("PNG", "png", "RGBA"), ("WEBP", "webp", "RGB")],
)
def test_good_images_are_re_encoded_scaled_and_renamed(fmt, ext, mode):
    source = _image_bytes(fmt, size=(1600, 1200), mode=mode)
    result = process_avatar(_upload(source, name="My Holiday Photo.JPG"))
    assert result.format == fmt
    assert UUID_NAME.match(result.name) and result.name.endswith(f".{ext}")
    assert max(result.width, result.height) == OUTPUT_SIDE
    reopened = Image.open(io.BytesIO(result.file.read()))
    assert reopened.format == fmt
    assert reopened.size == (OUTPUT_SIDE, 384)


def test_file_names_are_random():
    source = _image_bytes()
    names = {process_avatar(_upload(source)).name for _ in range(3)}
    assert len(names) == 3


@pytest.mark.django_db
def test_service_stores_under_random_name_and_deletes_the_old_file(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_avatar_set(
            profile=profile, avatar=process_avatar(_upload(_image_bytes(), name="../../etc/x.jpg"))
        )
    first = profile.avatar.name
    assert re.match(r"^avatars/[0-9a-f]{32}\.jpg$", first)
    assert (tmp_path / first).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_avatar_set(
            profile=profile, avatar=process_avatar(_upload(_image_bytes("PNG"), name="y.png"))
        )
    profile.refresh_from_db()
    assert profile.avatar.name != first and profile.avatar.name.endswith(".png")
    assert not (tmp_path / first).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_avatar_remove(profile=profile)
    profile.refresh_from_db()
    assert not profile.avatar
    assert list((tmp_path / "avatars").iterdir()) == []
