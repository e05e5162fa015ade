import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from common import consent, cookies
from common.models import ConsentRecord
from runsite.models import CspReport
from tests.articles.factories import ArticleFactory, SectionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SERVICE_WORKER_SOURCE = Path(__file__).resolve().parents[2] / "templates" / "start" / "sw.js"
BANNER = b'id="cookie-banner-title"'


def test_a_first_visit_shows_the_privacy_overview_with_reject_as_easy_as_accept(client):
    page = client.get(reverse("home")).content.decode()

    assert 'id="cookie-banner-title"' in page
    assert 'name="choice" value="all"' in page
    assert 'name="choice" value="necessary"' in page


def test_rejecting_non_essential_cookies_is_remembered_and_recorded(client):
    response = client.post(reverse("cookie-consent"), {"choice": "necessary", "next": "/stories/"})

    assert response.status_code == 302
    assert response.url == "/stories/"
    record = ConsentRecord.objects.get()
    assert (record.preferences, record.analytics) == (False, False)
    assert record.policy_version == cookies.POLICY_VERSION
    set_cookie = response.cookies[cookies.CONSENT_COOKIE]
    assert set_cookie["httponly"] and set_cookie["samesite"] == "Lax"
    assert BANNER not in client.get(reverse("home")).content


def test_accepting_all_and_choosing_by_category_are_recorded_as_chosen(client):
    client.post(reverse("cookie-consent"), {"choice": "all"})
    client.post(reverse("cookie-consent"), {"choice": "custom", "preferences": "on"})

    first, second = ConsentRecord.objects.order_by("created_at", "id")
    assert (first.preferences, first.analytics) == (True, True)
    assert (second.preferences, second.analytics) == (True, False)
    assert first.anonymous_id == second.anonymous_id


def test_a_new_policy_version_asks_again(client, monkeypatch):
    client.post(reverse("cookie-consent"), {"choice": "all"})

    monkeypatch.setattr(consent, "POLICY_VERSION", cookies.POLICY_VERSION + 1)

    assert BANNER in client.get(reverse("home")).content


def test_a_tampered_consent_cookie_counts_as_no_choice(client):
    client.cookies[cookies.CONSENT_COOKIE] = "forged-value"

    assert BANNER in client.get(reverse("home")).content


def test_the_consent_form_never_redirects_to_another_site(client):
    for outside in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(reverse("cookie-consent"), {"choice": "all", "next": outside})
        assert response.url == reverse("privacy")


def test_the_consent_form_refuses_a_post_from_another_site():
    browser = Client(enforce_csrf_checks=True)
    for header in (
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/page"},
    ):
        response = browser.post(reverse("cookie-consent"), {"choice": "all"}, **header)
        assert response.status_code == 403
        assert b"That form had expired" in response.content
    assert not ConsentRecord.objects.exists()


def test_the_consent_banner_works_on_a_cached_page_for_a_visitor_without_cookies():
    """The banner is on pages cached for everyone, so it carries no token: its post is checked
    for coming from the site's own page instead."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("home"))
    assert BANNER in page.content
    assert b"csrfmiddlewaretoken" not in page.content

    response = browser.post(
        reverse("cookie-consent"),
        {"choice": "necessary", "next": "/"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 302
    assert ConsentRecord.objects.get().analytics is False
    assert BANNER not in browser.get(reverse("home")).content


def test_the_privacy_page_lists_every_cookie_of_the_registry(client):
    page = client.get(reverse("privacy")).content.decode()

    for cookie in cookies.COOKIES:
        assert f"<code>{cookie.name}</code>" in page
    for category in cookies.CATEGORIES:
        assert category.label in page


def test_the_privacy_page_names_the_timers_service_worker_and_its_cache_storage(client):
    page = client.get(reverse("privacy")).content.decode()
    storage = page.split('id="browser-storage"', 1)[1].split("<h2", 1)[0]

    assert f"<code>{reverse('start:service-worker')}</code>" in storage
    for words in (
        "Service worker",
        "Cache Storage",
        "Copies of the interval timer pages you opened",
        "working offline",
        "you asked for",
        "Strictly necessary",
        "How to remove",
        "site data",
    ):
        assert words in storage, words
    for kept in cookies.STORAGE:
        assert f"<code>{kept.name}</code>" in storage


def test_every_cache_the_service_worker_opens_is_named_on_the_privacy_page(client):
    """The privacy page stays true: rename the worker's cache and this fails until the page
    says so too."""
    source = SERVICE_WORKER_SOURCE.read_text()
    opened = set(re.findall(r"caches\.open\(([^)]*)\)", source))
    assert opened == {"CACHE"}, f"a cache besides CACHE is opened: {opened}"
    name = re.search(r'const CACHE = "([^"]*)"', source).group(1)
    prefix = name.split("{{", 1)[0]  # the rest is the version, filled in when served
    assert prefix, name
    assert f'name.startsWith("{prefix}")' in source  # old versions are dropped by this prefix
    served = client.get(reverse("start:service-worker")).content.decode()
    assert re.search(rf'const CACHE = "{re.escape(prefix)}[0-9a-f]+"', served), served[:300]

    page = client.get(reverse("privacy")).content.decode()

    assert f"<code>{prefix}" in page


def test_public_pages_set_no_cookie_missing_from_the_registry(client):
    theme = ThemeFactory()
    article = ArticleFactory(theme=theme, section=SectionFactory(theme=theme))
    known = {cookie.name for cookie in cookies.COOKIES}
    urls = [
        "/", "/themes/", theme.get_absolute_url(), article.get_absolute_url(), "/stories/",
        "/search/?q=run", "/privacy/", "/community/", "/community/cities/", "/accounts/login/",
        "/accounts/signup/", "/feed/", "/sitemap.xml",
    ]  # fmt: skip

    for url in urls:
        response = client.get(url)
        assert set(response.cookies) <= known, url
    response = client.post(reverse("cookie-consent"), {"choice": "all"})
    assert set(response.cookies) <= known


def test_every_page_carries_the_security_headers(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "report-uri /csp-report/"):  # fmt: skip
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_csp_violation_reports_are_recorded(client):
    report = {
        "csp-report": {
            "document-uri": "https://runtowardbalance.example/",
            "violated-directive": "script-src",
            "blocked-uri": "inline",
            "line-number": 12,
        }
    }

    response = client.post(
        reverse("csp-report"), json.dumps(report), content_type="application/csp-report"
    )

    assert response.status_code == 204
    saved = CspReport.objects.get()
    assert (saved.violated_directive, saved.blocked_uri, saved.line_number) == (
        "script-src",
        "inline",
        12,
    )


@pytest.mark.parametrize(
    ("body", "status"), [("not json", 400), ('["a list"]', 400), ("x" * 20_000, 413)]
)
def test_malformed_csp_reports_are_refused_and_nothing_is_saved(client, body, status):
    response = client.post(reverse("csp-report"), body, content_type="application/csp-report")

    assert response.status_code == status
    assert not CspReport.objects.exists()


def test_the_admin_sign_in_is_rate_limited_per_network(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "admin-login": (2, 600)}
    login = reverse("admin:login")
    for _ in range(2):
        assert client.post(login, {"username": "x", "password": "y"}).status_code == 200

    response = client.post(login, {"username": "x", "password": "y"})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
