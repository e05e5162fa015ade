"""The one gate every uploaded image goes through (editors' images, avatars and share photos),
and the one re-encoder that turns an accepted upload into the file we store.

Pillow knows dozens of formats and reads some of them by running another program on the file
(EPS and PostScript through Ghostscript). So an upload's first bytes must be those of a JPEG,
PNG, GIF or WebP file before Pillow sees it, and Pillow may then open it only as one of those.
Opening reads only the header, so an oversized file or a decompression bomb (a tiny file that
claims billions of pixels) is refused before anything is decoded.
"""

import io
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_UPLOAD_ONE_OF = "Upload a JPEG, PNG, WebP or GIF file."


def sniff_format(head: bytes) -> str:
    """The format a file's first 12 bytes announce: one we accept, one we name when refusing it
    (people upload TIFF scans, BMP exports and iPhone HEIC photos), or "" for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"BM"):
        return "BMP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1"):
        return "HEIC"
    return ""


def open_image(file) -> PILImage.Image:
    """Open an upload that passed check_image, as one of the accepted formats and no other."""
    file.seek(0)
    return PILImage.open(file, formats=list(ALLOWED_FORMATS))


def check_image(file) -> tuple[str, int, int]:
    """Return (format, width, height) of an uploaded image, or raise a ValidationError that says
    what is wrong in words an editor understands."""
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    if file.size > max_bytes:
        raise forms.ValidationError(
            "This file is %(size)s; images may be at most %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    file.seek(0)
    announced = sniff_format(file.read(12))
    file.seek(0)
    if not announced:
        raise _unreadable()
    if announced not in ALLOWED_FORMATS:
        raise _format_not_accepted(announced)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, above its own (higher) bomb limit; ours is checked below.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with open_image(file) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in ALLOWED_FORMATS:  # a JPEG holding several (MPO)
                    raise _format_not_accepted(image_format)
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                if getattr(image, "is_animated", False):
                    raise forms.ValidationError(
                        "This image is animated, and pictures here are shown still. Upload a "
                        "single picture: a JPEG, PNG, WebP or GIF file.",
                        code="animated_image",
                    )
                # Decode it all: a valid header followed by anything else is not an image.
                image.load()
    except forms.ValidationError:
        raise
    except PILImage.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:
        raise _unreadable() from exc
    finally:
        file.seek(0)
    return image_format, width, height


# Modes a PNG holds as they are; anything else (CMYK, 16-bit colour) is converted to RGB(A).
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}


@dataclass(frozen=True)
class ReencodedImage:
    content: bytes
    format: str  # JPEG or PNG
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"


def has_alpha(picture: PILImage.Image) -> bool:
    """Whether some of the picture may be see-through: an alpha channel or a transparent colour."""
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def reencode_image(
    file, *, max_side: int | None = None, square: int | None = None, allow_png: bool = False
) -> ReencodedImage:
    """A copy of an upload check_image accepted, with nothing of the upload but its pixels:
    orientation applied, at most `max_side` px or cropped to a `square` px square, and no EXIF,
    GPS, comment, colour profile or other metadata (a runner's photo can give away where they
    live).

    A JPEG, unless `allow_png` and the upload is a PNG, a GIF or see-through: then a PNG, so
    drawings stay sharp and transparent parts stay transparent. (A WebP without transparency
    becomes a JPEG: mail readers and link previews do not all show WebP.)"""
    with open_image(file) as original:
        source_format = original.format
        picture = ImageOps.exif_transpose(original)
    alpha = has_alpha(picture)
    as_png = allow_png and (alpha or source_format in ("PNG", "GIF"))
    if not as_png:
        picture = picture.convert("RGB")
    elif picture.mode not in _PNG_MODES or ((square or max_side) and picture.mode in ("1", "P")):
        # PNG cannot hold it, or it is to be resampled, which needs colours, not palette indexes.
        picture = picture.convert("RGBA" if alpha else "RGB")
    if square:
        picture = ImageOps.fit(picture, (square, square), PILImage.Resampling.LANCZOS)
    elif max_side:
        picture.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
    # Pillow writes some of what it read (a JPEG comment, a PNG colour profile) unless it is gone.
    picture.info = {key: value for key, value in picture.info.items() if key == "transparency"}
    buffer = io.BytesIO()
    if as_png:
        picture.save(buffer, "PNG")
    else:
        picture.save(buffer, "JPEG", quality=85, optimize=True)
    return ReencodedImage(buffer.getvalue(), "PNG" if as_png else "JPEG", *picture.size)


def _unreadable():
    return forms.ValidationError(
        "This file is not an image we can read. %(accepted)s",
        code="invalid_image",
        params={"accepted": _UPLOAD_ONE_OF},
    )


def _format_not_accepted(image_format: str | None):
    return forms.ValidationError(
        "Images in %(format)s format are not accepted. %(accepted)s",
        code="invalid_image_format",
        params={"format": image_format, "accepted": _UPLOAD_ONE_OF},
    )


def _too_many_pixels(width: int | None = None, height: int | None = None):
    limit = f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g} megapixels"
    if width is None:
        return forms.ValidationError(
            "This image has far too many pixels to process; the limit is %(limit)s.",
            code="too_many_pixels",
            params={"limit": limit},
        )
    return forms.ValidationError(
        "This image is %(width)s × %(height)s pixels; the limit is %(limit)s. "
        "Resize it and upload it again.",
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": limit},
    )


class ValidatedImageFormField(forms.ImageField):
    """An ImageField whose file is checked by check_image alone: Django's own check would open
    the upload with every format Pillow knows."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        image_format, _, _ = check_image(upload)
        upload.content_type = PILImage.MIME[image_format]
        return upload


class ValidatedImageField(models.ImageField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ValidatedImageFormField, **kwargs})
