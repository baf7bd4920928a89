"""Avatar uploads: checked by decoding, re-encoded, renamed.

What an upload must pass, in order, before anything is written to storage:

1. size: at most ``MAX_BYTES`` (checked on the upload's size before reading);
2. Pillow must identify it as JPEG, PNG or WebP from its bytes (the file name
   and the browser's content type are ignored: a PHP or HTML file named
   ``.jpg`` is refused, SVG is never accepted because Pillow does not read it
   and it can carry script);
3. pixel limits: each side at most ``MAX_SIDE`` and the total at most
   ``MAX_PIXELS``, checked from the header before decoding, with Pillow's
   own decompression-bomb guard as a second line;
4. the whole image must decode (a truncated or corrupt file is refused).

It is then re-encoded from pixels only, copied into a new image with no
metadata (so EXIF, GPS, ICC, XMP, JPEG comments and PNG text chunks are gone), scaled down to fit ``OUTPUT_SIDE`` and saved as ``<uuid4>.<ext>``
in the original format family (JPEG stays JPEG; PNG and WebP keep
transparency). Animated images keep their first frame.
"""

import io
import struct
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE
OUTPUT_SIDE = 512
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
UPLOAD_DIR = "avatars"

# Pillow's own guard (a warning above Image.MAX_IMAGE_PIXELS, an error above
# twice that) is left at its global default so other code is not affected;
# its warning is turned into a refusal below, and our lower limit is checked
# from the header before any pixel is decoded.


@dataclass(frozen=True)
class ProcessedAvatar:
    file: ContentFile
    name: str
    format: str
    width: int
    height: int


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def process_avatar(upload) -> ProcessedAvatar:
    """Validate an uploaded file and return the re-encoded image to store.

    Raises ``ValidationError`` with a message fit to show next to the field.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_BYTES:
        raise _refuse(
            f"The image is too large ({size / 1_048_576:.1f} MB). The limit is "
            f"{MAX_BYTES // 1_048_576} MB.",
            "too_large",
        )
    if size == 0:
        raise _refuse("The file is empty.", "empty")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"The image is too large. The limit is {MAX_BYTES // 1_048_576} MB.", "too_large"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise _refuse("This file is not a JPEG, PNG or WebP image.", "invalid_type")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(_pixels_message(), "too_many_pixels")
        except (OSError, SyntaxError, ValueError, struct.error):
            # A known signature with a broken header.
            raise _refuse("The image could not be read; it may be damaged.", "corrupt")
        fmt = image.format
        if fmt not in ALLOWED_FORMATS:
            raise _refuse(
                "Only JPEG, PNG and WebP images are accepted (this one is "
                f"{fmt or 'an unknown type'}).",
                "invalid_type",
            )
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise _refuse(_pixels_message(width, height), "too_many_pixels")
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(_pixels_message(width, height), "too_many_pixels")
        except (OSError, SyntaxError, ValueError):
            # Truncated, corrupt, or a polyglot whose image part does not decode.
            raise _refuse("The image could not be read; it may be damaged.", "corrupt")

    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    image.thumbnail((OUTPUT_SIDE, OUTPUT_SIDE), Image.Resampling.LANCZOS)
    image = _pixels_only(image, fmt)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    name = f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}"
    return ProcessedAvatar(
        file=ContentFile(out.getvalue(), name=name),
        name=name,
        format=fmt,
        width=image.width,
        height=image.height,
    )


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only ``image``'s pixels, in a mode ``fmt`` stores.

    Pillow carries metadata along in ``image.info`` through ``convert`` and
    ``thumbnail``, and some encoders write it back (PNG keeps the ICC
    profile, WebP the EXIF and XMP): a fresh image built from the raw pixels
    has no ``info`` at all, so nothing but pixels can reach the file.
    """
    allowed = {"JPEG": {"RGB", "L"}, "PNG": {"RGB", "RGBA", "L", "LA"}, "WEBP": {"RGB", "RGBA"}}
    if image.mode not in allowed[fmt]:
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha and fmt != "JPEG" else "RGB")
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _pixels_message(width: int | None = None, height: int | None = None) -> str:
    size = f" ({width}×{height} pixels)" if width and height else ""
    return f"The image is too big{size}. The limit is {MAX_SIDE}×{MAX_SIDE} pixels."
