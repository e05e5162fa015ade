import os
import socket
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from common import pagecache
from common.permissions import EDITORS_GROUP

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service or browser is missing on a laptop; in CI, fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _client_speaks_as_the_site(monkeypatch):
    """Test clients ask for SITE_URL's host, as a browser that followed the site's own links
    does (SiteHostMiddleware sends any other allowed host there). A test that names a Host
    itself keeps it."""
    from django.conf import settings
    from django.test.client import RequestFactory

    base_environ = RequestFactory._base_environ

    def _base_environ(self, **request):
        environ = base_environ(self, **request)
        environ.setdefault("HTTP_HOST", urlsplit(settings.SITE_URL).netloc)
        return environ

    monkeypatch.setattr(RequestFactory, "_base_environ", _base_environ)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads and renditions go to a fresh folder per test, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (ours and allauth's) never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    pagecache.local_pages.clear()
    pagecache.forget_routes()
    yield
    cache.clear()
    pagecache.local_pages.clear()
    pagecache.forget_routes()


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's, but the list leaves out the page cache's own after-commit bumps (they
    still run with execute=True): tests count the tasks a write queues."""

    @contextmanager
    def capture(**kwargs):
        tasks = []
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield tasks
        tasks.extend(callback for callback in callbacks if not pagecache.is_deferred_bump(callback))

    return capture


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(
        username="mira", email="mira@example.com", password="a-long-test-password"
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="eddie", email="eddie@example.com", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def human():
    """The fields a person's browser sends with every public form (honeypot left empty)."""
    import time

    from django.core import signing

    return {
        "website": "",
        "rendered_at": signing.dumps(time.time(), salt="runsite.forms.rendered-at"),
    }


@pytest.fixture
def use_provider(settings):
    """`use_provider("mailgun")` mounts one mail provider's webhooks with test secrets, as
    EMAIL_PROVIDER and its variables do (runsite/webhooks.py builds the URLs when imported);
    SNS certificates come from tests/newsletter/providers.py instead of Amazon."""
    import importlib

    from django.urls import clear_url_caches

    from tests.newsletter import providers

    before = (settings.EMAIL_PROVIDER, settings.ANYMAIL, settings.NEWSLETTER_UNSUBSCRIBE_INBOUND)

    def mount(provider: str, anymail: dict, inbound: bool, *, stub_sns: bool = True) -> None:
        import runsite.urls
        import runsite.webhooks

        settings.EMAIL_PROVIDER, settings.ANYMAIL = provider, anymail
        settings.NEWSLETTER_UNSUBSCRIBE_INBOUND = inbound
        importlib.reload(runsite.webhooks)
        if stub_sns:
            runsite.webhooks.download_certificate = lambda url: providers.sns_certificate_pem()
        importlib.reload(runsite.urls)
        clear_url_caches()

    def use(provider: str, *, inbound: bool = False) -> None:
        mount(provider, providers.anymail_settings(provider) if provider else {}, inbound)

    yield use
    mount(*before, stub_sns=False)
