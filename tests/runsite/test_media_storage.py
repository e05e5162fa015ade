"""MEDIA_STORAGE and MEDIA_S3_… as runsite/settings/base.py turns them into STORAGES."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import ROOT

BASE_SETTINGS = ROOT / "runsite" / "settings" / "base.py"


@pytest.fixture
def read_settings(monkeypatch):
    """Read base.py afresh with these environment variables (and no other MEDIA_ ones)."""
    monkeypatch.setenv("SECRET_KEY", "tests-only-secret-key")

    def read(**environment) -> dict:
        for name in [
            "MEDIA_STORAGE",
            "MEDIA_S3_BUCKET",
            "MEDIA_S3_ENDPOINT_URL",
            "MEDIA_S3_REGION",
            "MEDIA_S3_ACCESS_KEY_ID",
            "MEDIA_S3_SECRET_ACCESS_KEY",
            "MEDIA_S3_CUSTOM_DOMAIN",
            "MEDIA_S3_LOCATION",
            "MEDIA_S3_QUERYSTRING_AUTH",
        ]:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_SETTINGS))

    return read


def test_media_is_on_the_filesystem_unless_told_otherwise(read_settings):
    configured = read_settings()

    assert configured["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert configured["MEDIA_URL"] == "media/"
    assert configured["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_s3_without_a_bucket_refuses_to_start(read_settings):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_BUCKET is not set"):
        read_settings(MEDIA_STORAGE="s3")


def test_an_unknown_media_storage_refuses_to_start(read_settings):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be filesystem or s3"):
        read_settings(MEDIA_STORAGE="ftp")


def test_an_access_key_without_its_secret_refuses_to_start(read_settings):
    with pytest.raises(ImproperlyConfigured, match="or neither"):
        read_settings(MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="rtb", MEDIA_S3_ACCESS_KEY_ID="AKIA")


def test_s3_media_is_public_never_overwritten_and_left_to_botos_credentials(read_settings):
    configured = read_settings(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="rtb-media",
        MEDIA_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        MEDIA_S3_REGION="auto",
        MEDIA_S3_LOCATION="/site/",
    )

    default = configured["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "rtb-media",
        "endpoint_url": "https://account.r2.cloudflarestorage.com",
        "region_name": "auto",
        "location": "site",
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
        "max_memory_size": 2_621_440,
    }
    assert configured["MEDIA_URL"] == "media/"  # S3Storage builds the bucket's URLs itself
    assert (
        "https://account.r2.cloudflarestorage.com"
        in (configured["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"])
    )


@pytest.mark.parametrize(
    ("custom_domain", "media_url"),
    [
        ("media.example.com", "https://media.example.com/site/"),
        ("https://cdn.example.com/rtb/", "https://cdn.example.com/rtb/site/"),
    ],
)
def test_media_urls_follow_the_custom_domain(read_settings, custom_domain, media_url):
    configured = read_settings(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="rtb-media",
        MEDIA_S3_CUSTOM_DOMAIN=custom_domain,
        MEDIA_S3_LOCATION="site",
        MEDIA_S3_ACCESS_KEY_ID="AKIA",
        MEDIA_S3_SECRET_ACCESS_KEY="secret",
    )

    options = configured["STORAGES"]["default"]["OPTIONS"]
    assert f"{options['url_protocol']}//{options['custom_domain']}/site/" == media_url
    assert (options["access_key"], options["secret_key"]) == ("AKIA", "secret")
    assert configured["MEDIA_URL"] == media_url
    origin = media_url.split("/")[:3]
    assert "/".join(origin) in configured["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
