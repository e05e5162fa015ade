"""Validation for every uploaded image: articles' heroes now, avatars and share photos later.

Pillow reads only the header to learn an image's format and size, so an oversized file or a
decompression bomb (a tiny file that claims billions of pixels) is refused before it is decoded.
"""

import warnings

from django import forms
from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


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
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, above its own (higher) bomb limit; ours is checked below.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(file) as image:
                image_format, (width, height) = image.format, image.size
                if width * height <= settings.IMAGE_MAX_PIXELS:
                    # Decode it all: a valid header followed by anything else is not an image.
                    image.load()
    except PILImage.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:
        raise forms.ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file.",
            code="invalid_image",
        ) from exc
    finally:
        file.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise forms.ValidationError(
            "Images in %(format)s format are not accepted. Upload a JPEG, PNG, WebP or GIF file.",
            code="invalid_image_format",
            params={"format": image_format},
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    return image_format, width, height


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
    """An ImageField that checks bytes, pixels and format before Django decodes the file."""

    def to_python(self, data):
        if data is not None and hasattr(data, "size"):
            check_image(data)
        return super().to_python(data)


class ValidatedImageField(models.ImageField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ValidatedImageFormField, **kwargs})
