"""The reverse proxy: deploy/nginx/runsite.conf.template, rendered and started by bench/nginx.py
in front of the live server, exactly as production runs it in front of gunicorn.

What readers and members would notice: a burst of anonymous readers costs the site one render
per page, a signed-in member always sees their own page and never leaks it to anyone, pages that
set a cookie or carry a pending message are never shared, a change shows up once the page's
shared lifetime (s-maxage) is over, static files are served compressed and cached for a year,
and form posts always reach the site. Requests go through plain http.client, with any cookies
set by hand, so nothing but the proxy stands between the test and the site.
"""

import gzip
import os
import re
import time
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core.signals import request_started
from django.test import Client

from articles.models import Article
from bench import nginx
from conftest import require
from newsletter.models import Subscriber
from tests.articles.factories import ArticleFactory, ThemeFactory

from .proxy import Proxy, Reply
from .smtp_sink import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CSS = b"body { color: #1f2a27; background: #f6faf8; }\n" * 8  # under gzip_min_length
CSS_PATH = "/static/css/site.3f2a9c.css"
YEAR = "public, max-age=31536000, immutable"
PASSWORD = "a-long-test-password"
PROFILE_LINK = ">Your profile</a>"
SIGN_IN_LINK = ">Sign in</a>"


@pytest.fixture(scope="module")
def proxy(live_server, tmp_path_factory):
    """nginx with the project's config in front of the live server, for the whole module.

    Each test uses pages no other test here uses, so the cache one test fills never answers
    another; Django's own page cache is emptied before every test (conftest.py)."""
    require(os.access(nginx.NGINX, os.X_OK), "Debian's nginx (nginx-light) is not installed")
    folder = tmp_path_factory.mktemp("proxy")
    static_root = folder / "static"
    (static_root / "css").mkdir(parents=True)
    css = static_root / CSS_PATH.removeprefix("/static/")
    css.write_bytes(CSS)
    css.with_name(css.name + ".gz").write_bytes(gzip.compress(CSS, compresslevel=9, mtime=0))
    (folder / "media").mkdir()
    port = free_port()
    process = nginx.start_nginx(
        folder / "nginx",
        port=port,
        upstream=live_server.url.removeprefix("http://"),
        static_root=static_root,
        media_root=folder / "media",
    )
    try:
        yield Proxy(port)
    finally:
        nginx.stop(process)


@pytest.fixture(autouse=True)
def _site_is_the_proxy(request, settings):
    """Readers reach the site through the proxy, by the proxy's address: SITE_URL says so."""
    if "proxy" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("proxy").origin


@pytest.fixture
def site_requests():
    """How many requests reached Django, as "METHOD /path" (the live server is in-process)."""
    seen = Counter()

    def count(sender, environ, **kwargs):
        seen[f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"] += 1

    request_started.connect(count, weak=False, dispatch_uid="test_proxy_cache")
    yield seen
    request_started.disconnect(dispatch_uid="test_proxy_cache")


@pytest.fixture
def verified_member(django_user_model):
    user = django_user_model.objects.create_user(
        username="mira", email="mira@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def shared_seconds(reply: Reply) -> int | None:
    match = re.search(r"s-maxage=(\d+)", reply.cache_control)
    return int(match[1]) if match else None


def warm(proxy: Proxy, path: str) -> Reply:
    """Two anonymous visits: the second must come from the proxy's cache."""
    first = proxy.get(path)
    assert first.status == 200, first.text[:500]
    second = proxy.get(path)
    assert second.cache == "HIT", (path, first.cache, second.cache, first.cache_control)
    assert second.body == first.body
    return second


def sign_in(proxy: Proxy, member, **options) -> Reply:
    """Open the sign-in page through the proxy and send its form; the answer to the post."""
    page = proxy.get("/accounts/login/", headers=options.get("headers"))
    assert page.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = proxy.post_from_page(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": member.email, "password": PASSWORD},
        page="/accounts/login/",
        cookies=page.set_cookies,
        **options,
    )
    return answer


def test_a_burst_of_anonymous_readers_costs_the_site_one_render(proxy, settings, site_requests):
    ThemeFactory(title="Run toward calm")

    first = proxy.get("/")

    assert first.status == 200
    assert "Run toward calm" in first.text
    assert first.cache == "MISS"
    # What lets the proxy share the page: public for a few seconds, validators, no cookie.
    assert "public" in first.cache_control
    assert shared_seconds(first) == settings.PAGE_CACHE_SHARED_SECONDS
    assert first.headers.get("ETag")
    assert first.headers.get_all("Set-Cookie") is None

    burst = [proxy.get("/") for _ in range(5)]

    assert [reply.cache for reply in burst] == ["HIT"] * 5
    assert all(reply.body == first.body for reply in burst)
    assert site_requests["GET /"] == 1


def test_a_signed_in_member_sees_their_own_page_and_never_the_shared_one(
    proxy, site_requests, verified_member
):
    anonymous = warm(proxy, "/themes/")
    assert SIGN_IN_LINK in anonymous.text
    assert PROFILE_LINK not in anonymous.text
    client = Client()
    client.force_login(verified_member)
    session = client.cookies["sessionid"].value

    # A browser sends every cookie the site set; the session is not always the first one.
    mine = proxy.get("/themes/", cookies={"csrftoken": "k" * 32, "sessionid": session})
    again = proxy.get("/themes/", cookies={"sessionid": session})

    for reply in (mine, again):
        assert reply.status == 200
        assert reply.cache == "BYPASS"
        assert PROFILE_LINK in reply.text
        assert SIGN_IN_LINK not in reply.text
        assert "public" not in reply.cache_control
    assert site_requests["GET /themes/"] == 3

    # The member's page was not stored: the next reader still gets the anonymous page.
    after = proxy.get("/themes/")
    assert after.cache == "HIT"
    assert PROFILE_LINK not in after.text
    assert after.body == anonymous.body


def test_the_sign_in_page_sets_a_cookie_so_it_is_never_shared(
    proxy, site_requests, verified_member
):
    first = proxy.get("/accounts/login/")
    second = proxy.get("/accounts/login/")

    for reply in (first, second):
        assert reply.status == 200
        assert reply.cache != "HIT"
        assert "csrftoken" in reply.set_cookies
        assert "public" not in reply.cache_control
    assert site_requests["GET /accounts/login/"] == 2

    # The form the visitor got works with the cookie they got: signing in through the proxy
    # (the browser's Origin names the proxy's port) lets them in.
    answer = sign_in(proxy, verified_member)
    assert answer.status == 302, answer.text[:1000]
    assert answer.set_cookies.get("sessionid")
    profile = proxy.get("/themes/", cookies={"sessionid": answer.set_cookies["sessionid"]})
    assert PROFILE_LINK in profile.text


def test_a_member_signs_in_when_tls_ends_in_front_of_the_proxy(proxy, settings, verified_member):
    """The load balancer in front says https (X-Forwarded-Proto); Django must hear it too, or
    it refuses the browser's https Origin (and redirects every request to https, forever)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    front = {"X-Forwarded-Proto": "https"}

    answer = sign_in(
        proxy, verified_member, headers=front, origin=f"https://127.0.0.1:{proxy.port}"
    )

    assert answer.status == 302, answer.text[:1000]
    assert answer.set_cookies.get("sessionid")


def test_a_pending_message_is_shown_instead_of_the_shared_page(proxy):
    shared = warm(proxy, "/community/")
    assert "Privacy overview" in shared.text  # the cookie banner, for a first visit

    # The banner's "Reject non-essential" leaves a message for the next page.
    choice = proxy.post_from_page(
        "/privacy/cookies/", {"choice": "necessary", "next": "/community/"}, page="/community/"
    )
    assert choice.status == 302, choice.text[:1000]
    assert choice.headers["Location"] == "/community/"
    cookies = choice.set_cookies
    assert cookies.get("messages")

    shown = proxy.get("/community/", cookies=cookies)

    assert shown.cache == "BYPASS"
    assert "Your cookie choice is saved" in shown.text
    assert "Privacy overview" not in shown.text
    cookies.update(shown.set_cookies)  # the message is read: its cookie is deleted
    cookies = {name: value for name, value in cookies.items() if value}
    assert "messages" not in cookies

    later = proxy.get("/community/", cookies=cookies)

    assert later.cache != "BYPASS"
    assert "Your cookie choice is saved" not in later.text
    assert "Privacy overview" not in later.text
    # And whatever the message cookie holds, the page is the site's, not the shared copy.
    assert proxy.get("/community/", cookies={"messages": "pending"}).cache == "BYPASS"


def test_a_change_shows_once_the_pages_shared_lifetime_is_over(proxy, settings):
    settings.PAGE_CACHE_SHARED_SECONDS = 1
    ArticleFactory(kind=Article.Kind.STORY, title="Lunch-break loops")

    first = proxy.get("/stories/")
    seen_at = time.time()
    assert shared_seconds(first) == 1
    assert "Lunch-break loops" in first.text
    ArticleFactory(kind=Article.Kind.STORY, title="Dawn loops by the canal")

    # For its second of shared life, readers get the page the proxy keeps...
    kept = proxy.get("/stories/")
    assert kept.cache == "HIT"
    assert "Dawn loops by the canal" not in kept.text

    # ...and the first reader after it gets the new one (nginx counts whole seconds: stored at
    # second S with s-maxage=1, the copy is stale from second S + 2).
    time.sleep(max(0.0, int(seen_at) + 2.05 - time.time()))
    fresh = proxy.get("/stories/")

    assert fresh.cache in {"EXPIRED", "MISS"}
    assert "Dawn loops by the canal" in fresh.text
    after = proxy.get("/stories/")
    # From the proxy's new copy: HIT, or UPDATING if a loaded machine let that copy's own second
    # pass before this request (nginx then serves it while it fetches the next).
    assert after.cache in {"HIT", "UPDATING"}
    assert "Dawn loops by the canal" in after.text


def test_static_files_are_compressed_ahead_and_cached_for_a_year(proxy, site_requests):
    compressed = proxy.get(CSS_PATH, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = proxy.get(CSS_PATH, headers={"Accept-Encoding": "identity"})
    missing = proxy.get("/static/css/gone.0000.css")

    assert compressed.status == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.body) == CSS
    # The .gz written beside the file, byte for byte (gzip_static), not compressed on the fly.
    assert compressed.body == gzip.compress(CSS, compresslevel=9, mtime=0)
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert plain.status == 200
    assert plain.headers.get("Content-Encoding") is None
    assert plain.body == CSS
    for reply in (compressed, plain):
        assert reply.headers["Content-Type"].startswith("text/css")
        assert reply.headers.get_all("Cache-Control") == [YEAR]
    # A file that is not there is not remembered for a year.
    assert missing.status == 404
    assert "immutable" not in missing.cache_control
    assert not [seen for seen in site_requests if " /static/" in seen]


def test_form_posts_always_reach_the_site(proxy, site_requests, human):
    assert proxy.get("/newsletter/").status == 200
    addresses = ["ana@example.com", "ben@example.com"]

    replies = [
        proxy.post_from_page(
            "/newsletter/",
            {"email": address, "newsletter": "on", "source": "newsletter", **human},
            page="/newsletter/",
        )
        for address in addresses
    ]

    for reply in replies:
        assert reply.status == 302, reply.text[:1000]
        assert reply.headers["Location"] == "/newsletter/check-your-inbox/"
        assert reply.cache != "HIT"
    assert site_requests["POST /newsletter/"] == 2
    assert set(Subscriber.objects.values_list("email", flat=True)) == set(addresses)


# Two visitors behind the proxy: addresses in different /24 networks of the loopback range.
VISITOR, OTHER_VISITOR = "127.0.1.2", "127.0.2.2"


def test_limits_count_each_visitor_behind_the_proxy_not_the_proxy(proxy, settings, human):
    """nginx appends the visitor to X-Forwarded-For; with TRUSTED_PROXY_COUNT=1 every limit
    counts that visitor, so one client over a limit stops only itself, whatever it writes into
    X-Forwarded-For itself."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "csp-report": (2, 3600),
        "subscribe-network": (1, 3600),
    }
    spoofed = {"X-Forwarded-For": "6.6.6.6"}
    report = '{"csp-report": {"violated-directive": "img-src", "blocked-uri": "data"}}'

    def csp_report(client):
        return proxy.request(
            "POST",
            "/csp-report/",
            body=report.encode(),
            headers={"Content-Type": "application/csp-report", **spoofed},
            client=client,
        ).status

    def subscribe(email, client):
        return proxy.post_from_page(
            "/newsletter/",
            {"email": email, "newsletter": "on", "source": "newsletter", **human},
            page="/newsletter/",
            headers=spoofed,
            client=client,
        ).status

    assert [csp_report(VISITOR) for _ in range(3)] == [204, 204, 429]
    assert csp_report(OTHER_VISITOR) == 204
    assert [subscribe(f"v{n}@example.com", VISITOR) for n in range(2)] == [302, 429]
    assert subscribe("other@example.com", OTHER_VISITOR) == 302
