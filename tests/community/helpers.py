"""Pieces several test modules share (community's, newsletter's, security's and the integration
suite's): form data as a browser posts it, a photo as a phone writes it, the forms a page holds,
the files an upload left and the parts of a sent mail."""

import io
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

GPS_IFD = 0x8825


def share_data(human, **overrides) -> dict:
    data = {
        "kind": "win",
        "text": "Ran 5 km without stopping!",
        "photo_alt": "",
        "distance_km": "5.2",
        "duration_minutes": "35",
        **human,
    }
    data.update(overrides)
    return data


def gps_jpeg(name="run.jpg", size=(800, 600)) -> SimpleUploadedFile:
    """A JPEG carrying a camera model and a GPS position in its EXIF, as phones write them."""
    exif = PILImage.Exif()
    exif[0x0110] = "Phone"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0)}
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, "JPEG", exif=exif.tobytes())
    content = buffer.getvalue()
    with PILImage.open(io.BytesIO(content)) as check:
        assert check.getexif().get_ifd(GPS_IFD)[2] == (51.0, 30.0, 0.0)
        assert check.getexif()[0x0110] == "Phone"
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


class _Forms(HTMLParser):
    """The forms on a page: their attributes and their hidden inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "hidden": {}})
        elif tag == "input" and attrs.get("type") == "hidden" and self.forms:
            self.forms[-1]["hidden"][attrs["name"]] = attrs.get("value", "")


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def stored_files(settings) -> list:
    """Every file under MEDIA_ROOT (a fresh folder per test)."""
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def html_of(message) -> str:
    """The HTML part of a sent mail, which must be its only alternative."""
    ((content, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return content


def welcomes(outbox) -> list:
    return [mail for mail in outbox if mail.subject.startswith("Welcome to")]
