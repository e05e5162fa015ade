"""Polyglot and hostile files through every upload field: a member's share photo and avatar, an
editor's image in the admin. A file that is not a whole, readable image in an accepted format is
refused with a message and nothing is stored; a real image carrying a payload in its metadata is
stored re-encoded without it. No upload ever reaches a program outside the server's process."""

import io
import os
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import EpsImagePlugin, PngImagePlugin
from PIL import Image as PILImage

from articles.models import Image
from common.images import ValidatedImageFormField, check_image
from community.models import Profile, Share, Status
from tests.community.factories import ProfileFactory, ShareFactory
from tests.community.helpers import stored_files

from .conftest import logged_in

pytestmark = pytest.mark.django_db

UNREADABLE = "This file is not an image we can read"
MARKER = b"UPLOADED-PAYLOAD"
SCRIPT = b"<script>alert('UPLOADED-PAYLOAD')</script>"
PHP = b"<?php system($_GET['c']); /* UPLOADED-PAYLOAD */ ?>"


def _image(image_format: str, size=(64, 48), **options) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, image_format, **options)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels in a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _jpeg_with_exif_payload() -> bytes:
    exif = PILImage.Exif()
    exif[0x010E] = (SCRIPT + PHP).decode()  # ImageDescription
    return _image("JPEG", exif=exif.tobytes())


def _png_with_text_payload() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", (SCRIPT + PHP).decode())
    return _image("PNG", pnginfo=info)


@dataclass(frozen=True)
class Upload:
    name: str
    filename: str
    content: bytes
    content_type: str
    refusal: str = ""  # a phrase of the message; empty: a valid image, to be stored clean

    def file(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.filename, self.content, content_type=self.content_type)


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>"
REFUSED = [
    Upload("html named .jpg", "photo.jpg", b"<html><body>" + SCRIPT + b"</body></html>",
           "image/jpeg", UNREADABLE),
    Upload("javascript named .png", "photo.png", b"alert('UPLOADED-PAYLOAD');", "image/png",
           UNREADABLE),
    Upload("svg with script", "photo.svg", _SVG, "image/svg+xml", UNREADABLE),
    Upload("svg with script named .png", "photo.png", _SVG, "image/png", UNREADABLE),
    Upload("gif header then script", "photo.gif", b"GIF89a" + SCRIPT, "image/gif", UNREADABLE),
    Upload("decompression bomb", "bomb.png", _png_header(100_000, 100_000), "image/png",
           "far too many pixels"),
    Upload("over the pixel limit", "huge.png", _png_header(8_000, 8_000), "image/png",
           "8000 × 8000 pixels; the limit is 40 megapixels"),
    Upload("bmp named .jpg", "photo.jpg", _image("BMP"), "image/jpeg",
           "Images in BMP format are not accepted"),
]  # fmt: skip
# A JPEG's first 200 bytes (markers, tables, frame header) and then an HTML page: Pillow reads
# the header happily, and only decoding finds there is no picture.
JPEG_HEADER_THEN_HTML = Upload(
    "jpeg header then html",
    "photo.jpg",
    _image("JPEG")[:200] + b"<html>" + SCRIPT + b"</html>",
    "image/jpeg",
    UNREADABLE,
)
CLEANED = [
    Upload("gif with script appended", "photo.gif", _image("GIF") + SCRIPT, "image/gif"),
    Upload("jpeg with php and html in a comment", "photo.jpg",
           _image("JPEG", comment=PHP + SCRIPT), "image/jpeg"),
    Upload("jpeg with a payload in exif", "photo.jpg", _jpeg_with_exif_payload(), "image/jpeg"),
    Upload("png with a payload in a text chunk", "photo.png", _png_with_text_payload(),
           "image/png"),
]  # fmt: skip
ALL_UPLOADS = [*REFUSED, JPEG_HEADER_THEN_HTML, *CLEANED]
FIELDS = ["share photo", "share photo on edit", "avatar", "admin image"]


def _cases():
    for field in FIELDS:
        for upload in ALL_UPLOADS:
            yield pytest.param(field, upload, id=f"{field}-{upload.name}")


def test_every_payload_file_carries_the_marker_it_is_checked_for():
    for upload in ALL_UPLOADS:
        assert MARKER in upload.content or upload.refusal in (
            "far too many pixels",
            "8000 × 8000 pixels; the limit is 40 megapixels",
            "Images in BMP format are not accepted",
        ), upload.name


def _post(field: str, upload: Upload, member, editor, human):
    """Upload through the field's own form; returns (response, the form, the stored file)."""
    if field == "share photo":
        ProfileFactory(user=member, display_name="Mira")
        response = logged_in(member).post(
            reverse("community:share-create"),
            {"kind": "win", "text": "Morning run", "photo": upload.file(), "photo_alt": "Shoes",
             **human},
        )  # fmt: skip
        share = Share.objects.first()
        form = response.context["form"] if response.context else None
        return response, form, share.photo if share else None
    if field == "share photo on edit":
        ProfileFactory(user=member, display_name="Mira")
        share = ShareFactory(author=member, text="Morning run", status=Status.APPROVED)
        response = logged_in(member).post(
            reverse("community:share-update", args=[share.pk]),
            {"kind": "win", "text": "Morning run", "photo": upload.file(), "photo_alt": "Shoes",
             **human},
        )  # fmt: skip
        share.refresh_from_db()
        form = response.context["form"] if response.context else None
        return response, form, share.photo or None
    if field == "avatar":
        response = logged_in(member).post(
            reverse("profile"), {"display_name": "Mira", "avatar": upload.file()}
        )
        profile = Profile.objects.filter(user=member).first()
        form = response.context["form"] if response.context else None
        return response, form, profile.avatar if profile and profile.avatar else None
    response = logged_in(editor).post(
        reverse("admin:articles_image_add"), {"file": upload.file(), "alt_text": "Shoes"}
    )
    image = Image.objects.first()
    form = response.context["adminform"].form if response.context else None
    return response, form, image.file if image else None


def _file_field(field: str) -> str:
    return {"admin image": "file", "avatar": "avatar"}.get(field, "photo")


@pytest.mark.parametrize(("field", "upload"), list(_cases()))
def test_hostile_uploads_are_refused_or_stored_without_their_payload(
    field, upload, member, editor, human, settings
):
    response, form, stored = _post(field, upload, member, editor, human)

    if upload.refusal:
        assert response.status_code == 400
        errors = form.errors[_file_field(field)]
        assert any(upload.refusal in message for message in errors), form.errors
        assert upload.refusal in response.content.decode()
        assert stored is None
        assert stored_files(settings) == []
        return

    assert response.status_code == 302, form.errors if form else response.status_code
    with stored.open("rb") as handle:
        content = handle.read()
    with PILImage.open(io.BytesIO(content)) as picture:
        picture.load()  # the stored file is a whole, decodable image
        stored_format = picture.format
    if field == "admin image":
        # Editors' originals are re-encoded too; a PNG or GIF is kept lossless, as PNG.
        assert stored_format == ("PNG" if upload.filename.endswith((".png", ".gif")) else "JPEG")
    else:
        assert stored_format == "JPEG"
    assert MARKER not in content
    assert b"<script" not in content and b"<?php" not in content


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(member, human, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1024
    big = Upload("big", "big.png", _image("PNG", size=(600, 600)), "image/png")
    assert len(big.content) > 1024

    response, form, stored = _post("share photo", big, member, None, human)

    assert response.status_code == 400
    assert "images may be at most 1.0\xa0KB" in form.errors["photo"][0]
    assert stored is None and stored_files(settings) == []


def test_renditions_of_an_admin_image_carry_no_payload_from_its_metadata(editor):
    from articles.services import make_renditions

    upload = next(u for u in CLEANED if u.name == "jpeg with php and html in a comment")
    response = logged_in(editor).post(
        reverse("admin:articles_image_add"), {"file": upload.file(), "alt_text": "Shoes"}
    )
    assert response.status_code == 302

    renditions = make_renditions(image=Image.objects.get())

    assert renditions
    for rendition in renditions:
        with rendition.file.open("rb") as handle:
            assert MARKER not in handle.read(), rendition


# --- Files that only a program outside the server decodes --------------------------------------
# Pillow knows dozens of formats and reads some by running another program on the file: EPS and
# PostScript through Ghostscript. Named as pictures, such files must be refused from their first
# bytes, before Pillow is asked about them, and no program may start.

_POSTSCRIPT = (
    b"%!PS-Adobe-3.0\n%%BoundingBox: 0 0 16 16\n%%EndComments\n"
    b"newpath 0 0 moveto 16 16 lineto stroke\nshowpage\n%%EOF\n"
)
_EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n%%EndComments\n"
    b"0 0 moveto 16 0 lineto 16 16 lineto closepath fill\n%%EOF\n"
)


def _eps_with_binary_header() -> bytes:
    """EPS as Windows programs write it: a 30-byte header that says where the PostScript is."""
    header = struct.pack("<IIIIIIIH", 0xC6D3D0C5, 30, len(_EPS), 0, 0, 0, 0, 0xFFFF)
    return header + _EPS


def _fits() -> bytes:
    """A 16 × 16 FITS image (astronomy's format; Pillow decodes it)."""
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                   16",
        "NAXIS2  =                   16",
        "END",
    ]
    header = b"".join(card.ljust(80).encode() for card in cards).ljust(2880)
    return header + bytes(16 * 16).ljust(2880, b"\0")


_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
DECODER_BAIT = [
    Upload("postscript named .png", "avatar.png", _POSTSCRIPT, "image/png", UNREADABLE),
    Upload("postscript named .jpg", "photo.jpg", _POSTSCRIPT, "image/jpeg", UNREADABLE),
    Upload("eps named .jpg", "photo.jpg", _EPS, "image/jpeg", UNREADABLE),
    Upload("eps with a binary header named .png", "photo.png", _eps_with_binary_header(),
           "image/png", UNREADABLE),
    Upload("pdf named .jpg", "photo.jpg", _PDF, "image/jpeg", UNREADABLE),
    Upload("fits named .png", "photo.png", _fits(), "image/png", UNREADABLE),
    Upload("tiff named .jpg", "photo.jpg", _image("TIFF"), "image/jpeg",
           "Images in TIFF format are not accepted"),
    Upload("svg named .jpg", "photo.jpg", _SVG, "image/jpeg", UNREADABLE),
]  # fmt: skip
DECODERS = ["gs", "ghostscript", "gsx"]


@dataclass
class Programs:
    """What ran: the marker fake decoders write to, and every child process Python started."""

    marker: Path
    started: list


@pytest.fixture
def programs(tmp_path, monkeypatch) -> Programs:
    """Fake Ghostscript first on PATH, leaving a marker when run, and a record of every child
    process started while the test runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = Programs(marker=tmp_path / "a-decoder-ran", started=[])
    for name in DECODERS:
        program = bin_dir / name
        program.write_text(f'#!/bin/sh\necho "{name} $*" >> "{seen.marker}"\nexit 1\n')
        program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    # Pillow remembers whether it found Ghostscript: make it look again, on this PATH.
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)

    class RecordingPopen(subprocess.Popen):
        def __init__(self, args, *more, **options):
            seen.started.append(args)
            super().__init__(args, *more, **options)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    return seen


def test_the_fake_ghostscript_catches_pillow_running_it(programs):
    with PILImage.open(io.BytesIO(_POSTSCRIPT)) as picture:
        assert picture.format == "EPS"
        with pytest.raises(subprocess.CalledProcessError):
            picture.load()

    assert programs.marker.read_text().startswith("gs ")
    assert programs.started


@pytest.mark.parametrize(
    ("field", "upload"),
    [pytest.param(f, u, id=f"{f}-{u.name}") for f in FIELDS for u in DECODER_BAIT],
)
def test_a_file_only_another_program_decodes_is_refused_and_no_program_starts(
    field, upload, member, editor, human, settings, programs
):
    response, form, stored = _post(field, upload, member, editor, human)

    assert response.status_code == 400
    errors = form.errors[_file_field(field)]
    assert any(upload.refusal in message for message in errors), form.errors
    assert upload.refusal in response.content.decode()
    assert stored is None and stored_files(settings) == []
    assert not programs.marker.exists(), programs.marker.read_text()
    assert programs.started == []


@pytest.mark.parametrize("upload", DECODER_BAIT, ids=lambda upload: upload.name)
def test_the_validator_refuses_other_formats_from_their_first_bytes_before_pillow_sees_them(
    upload, monkeypatch
):
    opened = []

    def recording_open(fp, *args, **kwargs):
        opened.append(fp)
        raise OSError("Pillow was asked to open it")

    monkeypatch.setattr(PILImage, "open", recording_open)

    with pytest.raises(ValidationError) as refused:
        check_image(upload.file())

    assert upload.refusal in refused.value.messages[0]
    assert opened == []


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_pillow_opens_an_upload_only_as_one_of_the_four_accepted_formats(image_format, monkeypatch):
    formats_asked = []
    real_open = PILImage.open

    def recording_open(fp, mode="r", formats=None):
        formats_asked.append(formats)
        return real_open(fp, mode, formats)

    monkeypatch.setattr(PILImage, "open", recording_open)

    assert check_image(SimpleUploadedFile("photo", _image(image_format)))[0] == image_format
    assert formats_asked
    for formats in formats_asked:
        assert formats and set(formats) <= {"JPEG", "PNG", "WEBP", "GIF"}


def test_every_file_field_a_form_can_fill_is_checked_by_the_one_validator(settings):
    file_fields = {
        f"{model._meta.label}.{model_field.name}": model_field
        for model in apps.get_models()
        if model._meta.app_config.name in settings.LOCAL_APPS
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.FileField)
    }
    server_made = {"articles.Rendition.file"}  # made from a checked original, never in a form

    assert {"articles.Image.file", "community.Profile.avatar", "community.Share.photo"} <= set(
        file_fields
    )
    unchecked = [
        label
        for label, model_field in file_fields.items()
        if label not in server_made
        and not isinstance(model_field.formfield(), ValidatedImageFormField)
    ]
    assert unchecked == []


def _animated(image_format: str) -> bytes:
    frames = [PILImage.new("RGB", (32, 24), colour) for colour in ("#336699", "#993366")]
    buffer = io.BytesIO()
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
@pytest.mark.parametrize("field", FIELDS)
def test_an_animated_image_is_refused_rather_than_cut_to_its_first_frame(
    field, image_format, member, editor, human, settings
):
    extension = image_format.lower()
    upload = Upload(
        f"animated {extension}", f"moving.{extension}", _animated(image_format),
        f"image/{extension}", "This image is animated",
    )  # fmt: skip

    response, form, stored = _post(field, upload, member, editor, human)

    assert response.status_code == 400
    assert any(upload.refusal in message for message in form.errors[_file_field(field)])
    assert stored is None and stored_files(settings) == []
