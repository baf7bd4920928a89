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


# --- Every metadata block goes (docs/security.md "Bad input") -------------------

SECRET = b"SECRET-METADATA-7f3a"
PNG_CHUNKS_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def _icc_profile() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


def _exif_with_secret() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()  # Make
    exif[0x8825] = {2: (52.0, 31.0, 12.0)}  # GPS latitude
    return exif.tobytes()


def _xmp() -> bytes:
    return b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>' + SECRET + b"</x:xmpmeta>"


def _jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of a JPEG's segments up to the start of scan."""
    markers, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return markers


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, i = [], 8
    while i + 8 <= len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        chunks.append(data[i + 4 : i + 8])
        i += 12 + length
    return chunks


def _jpeg_with_every_block() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(
        buffer,
        "JPEG",
        exif=_exif_with_secret(),
        icc_profile=_icc_profile(),
        comment=SECRET,
    )
    data = buffer.getvalue()
    # An XMP packet as its own APP1 segment, right after SOI.
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + _xmp()
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp + data[2:]


def _png_with_every_block() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Author", SECRET.decode(), zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", _xmp().decode())  # iTXt holding XMP
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (10, 120, 200, 128)).save(
        buffer, "PNG", pnginfo=info, icc_profile=_icc_profile(), exif=_exif_with_secret()
    )
    return buffer.getvalue()


def _webp_with_every_block() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 120, 200)).save(
        buffer, "WEBP", exif=_exif_with_secret(), icc_profile=_icc_profile(), xmp=_xmp()
    )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "name", "content_type"),
    [
        (_jpeg_with_every_block, "p.jpg", "image/jpeg"),
        (_png_with_every_block, "p.png", "image/png"),
        (_webp_with_every_block, "p.webp", "image/webp"),
    ],
)
def test_every_metadata_block_is_gone(make, name, content_type):
    source = make()
    assert SECRET in source or b"zTXt" in source
    result = process_avatar(_upload(source, name=name, content_type=content_type))
    data = result.file.read()

    assert SECRET not in data
    assert b"xmpmeta" not in data and b"ns.adobe.com" not in data
    reopened = Image.open(io.BytesIO(data))
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "Author"):
        assert key not in reopened.info, key
    assert not reopened.getexif()
    if result.format == "JPEG":
        # Only JFIF (APP0), tables, frame and scan: no APP1 (EXIF, XMP), APP2 (ICC),
        # APP13 (IPTC) or COM (comment).
        markers = _jpeg_segments(data)
        assert not {0xE1, 0xE2, 0xED, 0xFE} & set(markers), [hex(m) for m in markers]
    elif result.format == "PNG":
        assert set(_png_chunks(data)) <= PNG_CHUNKS_ALLOWED, _png_chunks(data)
    else:
        assert b"EXIF" not in data and b"ICCP" not in data and b"XMP " not in data


def test_the_fixtures_really_carry_the_metadata():
    jpeg = _jpeg_with_every_block()
    assert {0xE1, 0xE2, 0xFE} <= set(_jpeg_segments(jpeg))
    assert SECRET in jpeg
    png = _png_with_every_block()
    assert {b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf"} <= set(_png_chunks(png))
    webp = _webp_with_every_block()
    assert b"EXIF" in webp and b"ICCP" in webp and b"XMP " in webp
