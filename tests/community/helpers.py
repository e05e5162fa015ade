"""Pieces the community tests, and the integration suite's, share: form data as a browser
posts it, a photo as a phone writes it, and the forms a page holds."""

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
