"""Media on S3-compatible object storage: moto's server answers the S3 API over real HTTP on
loopback, and the site is configured for it through the same environment variables production
sets (MEDIA_STORAGE=s3, MEDIA_S3_…), read by runsite/settings/base.py."""

import io
import json
import logging
import re
import runpy
import urllib.request
import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles import services as article_services
from articles.models import Image
from community.models import Profile, Share
from conftest import require
from tests.articles.factories import ArticleFactory, image_upload
from tests.community.helpers import gps_jpeg, share_data
from tests.conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REGION = "us-east-1"
LOCATION = "media"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 HTTP endpoint on a free loopback port, for this module."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] is not installed (pip install -r requirements-dev.txt)")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh public-read bucket, and the site's settings as the environment would make them;
    `bucket.configure(custom_domain=…)` reads them again with a CDN domain."""
    import boto3

    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name)
    # Media is public: readers' browsers fetch it anonymously, as a bucket policy or CDN allows.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))

    class Bucket:
        def __init__(self):
            self.name, self.client, self.endpoint = name, client, s3_endpoint

        def configure(self, **extra):
            environment = {
                "MEDIA_STORAGE": "s3",
                "MEDIA_S3_BUCKET": name,
                "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
                "MEDIA_S3_REGION": REGION,
                "MEDIA_S3_ACCESS_KEY_ID": "test-key",
                "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret",
                "MEDIA_S3_LOCATION": LOCATION,
                **{f"MEDIA_S3_{key.upper()}": value for key, value in extra.items()},
            }
            for key, value in environment.items():
                monkeypatch.setenv(key, value)
            configured = runpy.run_path(str(ROOT / "runsite" / "settings" / "base.py"))
            settings.STORAGES = configured["STORAGES"]
            settings.MEDIA_URL = configured["MEDIA_URL"]
            settings.CONTENT_SECURITY_POLICY = configured["CONTENT_SECURITY_POLICY"]

        def objects(self) -> set[str]:
            listing = self.client.list_objects_v2(Bucket=name)
            return {item["Key"] for item in listing.get("Contents", [])}

        def read(self, key: str) -> bytes:
            return self.client.get_object(Bucket=name, Key=key)["Body"].read()

    made = Bucket()
    made.configure()
    yield made
    for key in made.objects():
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)


class _Pictures(HTMLParser):
    """Every image URL a browser would fetch: <img src/srcset> and <source srcset>."""

    def __init__(self, html: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"img", "source"}:
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            for candidate in (attrs.get("srcset") or "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


@pytest.mark.parametrize("custom_domain", [False, True], ids=["bucket-urls", "custom-domain"])
def test_an_editors_upload_is_stored_in_the_bucket_and_the_page_shows_it_from_there(
    bucket, client, editor, django_capture_on_commit_callbacks, settings, custom_domain
):
    public = f"{bucket.endpoint}/{bucket.name}"
    if custom_domain:
        # A CDN in front of the bucket; here it is the bucket's own URL, so images still load.
        bucket.configure(custom_domain=public)
        assert f"{public}/{LOCATION}/" == settings.MEDIA_URL
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):  # the renditions task runs eagerly
        response = client.post(
            reverse("admin:articles_image_add"),
            {"file": image_upload(size=(1200, 800)), "alt_text": "A path over green hills"},
        )

    assert response.status_code == 302
    image = Image.objects.get()
    renditions = list(image.renditions.all())
    assert len(renditions) == 6
    stored = {
        f"{LOCATION}/{name}" for name in [image.file.name, *(r.file.name for r in renditions)]
    }
    assert bucket.objects() == stored

    article = ArticleFactory(hero_image=image)
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    urls = _Pictures(html).urls
    assert len(urls) == 7  # the original in src, three widths in each of two srcsets
    assert all(url.startswith(f"{public}/{LOCATION}/") for url in urls), urls
    assert f'<meta property="og:image" content="{image.file.url}">' in html
    assert re.search(r"img-src [^;]*" + re.escape(bucket.endpoint), page["Content-Security-Policy"])

    webp = next(url for url in urls if url.endswith("-400.webp"))
    body = fetch(webp)
    assert body == bucket.read(f"{LOCATION}/{image.renditions.get(width=400, format='webp').file}")
    with PILImage.open(io.BytesIO(body)) as picture:
        assert (picture.format, picture.size) == ("WEBP", (400, 267))
    with PILImage.open(io.BytesIO(fetch(urls[-1]))) as original:
        assert original.size in {(1200, 800), (800, 533), (400, 267)}


def test_renditions_the_site_no_longer_makes_are_deleted_from_the_bucket(
    bucket, settings, django_capture_on_commit_callbacks
):
    image = Image.objects.create(file=image_upload(size=(900, 600)), alt_text="Hills")
    article_services.make_renditions(image=image)
    assert len(bucket.objects()) == 1 + 6  # 400, 800 and 900 px, WebP and JPEG

    settings.IMAGE_RENDITION_WIDTHS = [400]
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        article_services.make_renditions(image=image)

    kept = [image.file.name, *(r.file.name for r in image.renditions.all())]
    assert len(kept) == 1 + 2
    assert bucket.objects() == {f"{LOCATION}/{name}" for name in kept}


def test_avatars_and_share_photos_are_stored_without_exif_and_deleted_with_what_they_belong_to(
    bucket, client, member, human, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(
        reverse("profile"),
        {"display_name": "Mira", "bio": "", "notify_replies": "on", "avatar": gps_jpeg()},
    )
    client.post(
        reverse("community:share-create"), share_data(human, photo=gps_jpeg(), photo_alt="Me")
    )

    avatar = Profile.objects.get(user=member).avatar
    share = Share.objects.get()
    avatar_key, photo_key = f"{LOCATION}/{avatar.name}", f"{LOCATION}/{share.photo.name}"
    assert bucket.objects() == {avatar_key, photo_key}
    for key, size in [(avatar_key, (256, 256)), (photo_key, (800, 600))]:
        with PILImage.open(io.BytesIO(bucket.read(key))) as stored:
            assert (stored.format, stored.size) == ("JPEG", size)
            assert dict(stored.getexif()) == {}
            assert "exif" not in stored.info
    assert fetch(share.photo.url) == bucket.read(photo_key)

    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        client.post(
            reverse("profile"),
            {"display_name": "Mira", "bio": "", "notify_replies": "on", "avatar": gps_jpeg()},
        )
        client.post(reverse("community:share-delete", args=[share.pk]))

    new_avatar = Profile.objects.get(user=member).avatar
    assert bucket.objects() == {f"{LOCATION}/{new_avatar.name}"}
    assert new_avatar.name != avatar.name


def test_media_backs_up_from_the_bucket_and_restores_into_it(bucket, tmp_path):
    from django.core.files.storage import default_storage

    from common import backups

    image = Image.objects.create(file=image_upload(size=(900, 600)), alt_text="Hills")
    article_services.make_renditions(image=image)
    before = {key: bucket.read(key) for key in bucket.objects()}

    assert backups.archive_media(tmp_path / "media.tar", default_storage)[0] == 7
    for key in before:
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    bucket.client.put_object(Bucket=bucket.name, Key=f"{LOCATION}/{image.file.name}", Body=b"x")

    assert backups.restore_media(tmp_path / "media.tar", default_storage) == 7
    assert {key: bucket.read(key) for key in bucket.objects()} == before
