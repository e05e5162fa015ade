"""What a request names about itself is never trusted: its Host for links and keys, its
connection address behind the proxies for limits, and its query string before a view reads it.

Each test here was written against the code before the fix and failed there: links followed the
Host header, allauth's lockout and the admin's network limit changed with it or with nginx's
address, and a NUL in a query reached PostgreSQL.
"""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.community.factories import EmailAddressFactory
from tests.security.cases import SECURITY_HEADERS

pytestmark = pytest.mark.django_db

SITE = "https://runtowardbalance.example"
PASSWORD = "a-long-test-password"
# Another name the site answers to, the site's own with a made-up port, and the plain test host.
HOST_VARIANTS = ["testserver", "runtowardbalance.example:1", "localhost:8443"]
NGINX = "127.0.0.1"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def verified(member):
    EmailAddressFactory(user=member)
    return member


def links(mail) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", mail.body)


# --- 3. Every absolute link and every limit key comes from SITE_URL --------------------------


@pytest.mark.parametrize("host", HOST_VARIANTS)
def test_a_password_reset_link_names_the_site_whatever_host_the_request_gave(
    verified, mailoutbox, host
):
    Client().post(
        reverse("account_reset_password"), {"email": verified.email}, HTTP_HOST=host, secure=True
    )

    [mail] = mailoutbox
    [reset] = [link for link in links(mail) if "/password/reset/key/" in link]
    assert reset.startswith(f"{SITE}/accounts/password/reset/key/"), reset
    assert all(link.startswith(SITE) for link in links(mail)), links(mail)


@pytest.mark.parametrize("host", HOST_VARIANTS)
def test_a_verification_link_names_the_site_whatever_host_the_request_gave(mailoutbox, host):
    Client().post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST=host,
        secure=True,
    )

    [mail] = mailoutbox
    assert f"{SITE}/accounts/confirm-email/" in mail.body
    assert all(link.startswith(SITE) for link in links(mail)), links(mail)


def test_the_login_lockout_counts_every_host_variant_against_one_account(verified):
    login = reverse("account_login")
    for attempt in range(5):
        host = HOST_VARIANTS[attempt % len(HOST_VARIANTS)]
        Client().post(login, {"login": verified.email, "password": "wrong"}, HTTP_HOST=host)

    # The right password, from yet another port: still locked, and told when to come back.
    locked = Client().post(
        login, {"login": verified.email, "password": PASSWORD}, HTTP_HOST="testserver:2"
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session
    assert "try again in 5 minutes" in locked.content.decode()
    assert locked["Retry-After"] == "300"


def test_a_browser_on_another_allowed_name_is_sent_to_the_sites_own():
    response = Client().get("/themes/?page=2", HTTP_HOST="localhost:8000")

    assert response.status_code == 301
    assert response["Location"] == f"{SITE}/themes/?page=2"


def test_health_probes_answer_under_any_allowed_name():
    assert Client().get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200


# --- 4. One notion of the client behind proxies ---------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", NGINX),  # no proxy trusted: the header is the visitor's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the visitor wrote stands before
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", NGINX),  # shorter than the proxies would make it: bypassed them
        (1, "not-an-address", NGINX),
        (1, "", NGINX),
    ],
)
def test_the_client_is_the_address_the_trusted_proxies_saw(
    rf, settings, count, forwarded, expected
):
    from common.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def _from(address: str) -> dict:
    """A request as nginx passes it on: from nginx, with the client appended to X-Forwarded-For."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": address}


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.usefixtures("behind_nginx")
def test_a_bot_hammering_the_admin_login_locks_out_only_its_own_network(editor):
    login = reverse("admin:login")
    for _ in range(11):
        Client().post(login, {"username": "nobody", "password": "x"}, **_from("198.51.100.7"))

    bot = Client().post(login, {"username": "nobody", "password": "x"}, **_from("198.51.100.7"))
    editor_browser = Client()
    signed_in = editor_browser.post(
        login, {"username": editor.username, "password": PASSWORD}, **_from("203.0.113.20")
    )

    assert bot.status_code == 429
    assert "try again in 10 minutes" in bot.content.decode()
    assert bot["Retry-After"] == "600"
    assert signed_in.status_code == 302
    assert "_auth_user_id" in editor_browser.session


@pytest.mark.usefixtures("behind_nginx")
def test_the_admin_login_locks_an_account_after_five_failures_from_anywhere(editor):
    login = reverse("admin:login")
    for number in range(5):
        Client().post(
            login,
            {"username": editor.username.upper(), "password": "guess"},
            **_from(f"198.51.{number}.7"),
        )

    browser = Client()
    locked = browser.post(
        login, {"username": editor.username, "password": PASSWORD}, **_from("203.0.113.20")
    )
    other = Client().post(
        login, {"username": "someone-else", "password": "x"}, **_from("203.0.113.20")
    )

    assert locked.status_code == 429
    assert "Too many sign-in attempts from this account" in locked.content.decode()
    assert "try again in 5 minutes" in locked.content.decode()
    assert "_auth_user_id" not in browser.session
    assert other.status_code == 200  # another account is not locked by it


def test_a_successful_admin_sign_in_is_not_counted_as_a_failure(editor):
    login = reverse("admin:login")
    for _ in range(6):
        browser = Client()
        response = browser.post(login, {"username": editor.username, "password": PASSWORD})
        assert response.status_code == 302


@pytest.mark.usefixtures("behind_nginx")
def test_one_client_cannot_silence_csp_reports_for_everyone(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "csp-report": (3, 3600)}
    report = '{"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}'

    def send(address):
        return (
            Client()
            .post(
                reverse("csp-report"),
                report,
                content_type="application/csp-report",
                **_from(address),
            )
            .status_code
        )

    assert [send("198.51.100.7") for _ in range(4)] == [204, 204, 204, 429]
    assert send("203.0.113.20") == 204


@pytest.mark.usefixtures("behind_nginx")
def test_newsletter_sign_ups_are_limited_per_client_network_not_per_proxy(settings, human):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe-network": (2, 3600)}

    def subscribe(number, address):
        form = {**human, "email": f"r{number}@example.com", "newsletter": "on", "source": "home"}
        return Client().post(reverse("newsletter:subscribe"), form, **_from(address)).status_code

    assert [subscribe(n, "198.51.100.7") for n in range(3)] == [302, 302, 429]
    assert subscribe(9, "203.0.113.20") == 302


# --- 6 and 10. Bad input is a 400 with the site's headers and one quiet line ------------------

BAD_QUERIES = [
    ("nul byte", "q=%00"),
    ("nul byte in a name", "q%00=x"),
    ("invalid utf-8", "q=%ff%fe"),
    ("over-long value", "q=" + "a" * 501),
    ("over-long query", "q=a&" + "&".join(f"k{n}=v" for n in range(500))),
    ("repeated parameter", "q=a&q=b"),
]


@pytest.mark.parametrize(("problem", "query"), BAD_QUERIES, ids=[p for p, _ in BAD_QUERIES])
@pytest.mark.parametrize("path", ["/search/", "/community/", "/start/", "/"])
def test_a_damaged_query_string_is_a_400_page_not_a_server_error(client, path, problem, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400, problem
    assert "We couldn’t read that address" in response.content.decode()


def test_a_nul_byte_in_a_path_token_is_a_400(client):
    assert client.get("/newsletter/unsubscribe/%00abc/").status_code == 400


def test_the_admin_may_repeat_a_filter_parameter(admin_client):
    response = admin_client.get(
        "/admin/articles/article/?status__exact=draft&status__exact=published"
    )

    assert response.status_code == 200


def test_a_csp_report_with_a_nul_byte_or_a_huge_line_number_is_stored_not_a_500(client):
    report = (
        '{"csp-report": {"document-uri": "https://x/\\u0000", "violated-directive": "img-src",'
        ' "line-number": 99999999999999}}'
    )

    response = client.post(reverse("csp-report"), report, content_type="application/csp-report")

    assert response.status_code == 204


def test_a_disallowed_host_is_one_warning_line_and_a_400_with_every_security_header(client, caplog):
    ordinary = client.get("/privacy/")
    with caplog.at_level(logging.INFO):
        refused = client.get("/", HTTP_HOST="scanner.invalid")

    assert refused.status_code == 400
    refused_lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refused_lines) == 1
    assert refused_lines[0].levelno == logging.WARNING
    assert refused_lines[0].exc_info is None
    assert "host not in ALLOWED_HOSTS" in refused_lines[0].getMessage()
    for header in SECURITY_HEADERS:
        assert refused.get(header) == ordinary.get(header), header
        assert refused.get(header), header


@pytest.mark.parametrize(("problem", "query"), BAD_QUERIES, ids=[p for p, _ in BAD_QUERIES])
def test_every_view_of_the_site_refuses_a_damaged_query_string(world, admin_client, problem, query):
    """The URL walk of tests/security: every route, signed in as a superuser so that no view
    stops at a login redirect before its code runs."""
    from .urlwalk import endpoints, path_for

    answers = {}
    for endpoint in endpoints():
        path = path_for(endpoint, world.candidates(endpoint))
        if problem == "repeated parameter" and path.startswith("/admin/"):
            continue  # the admin's list filters may repeat a parameter (tested above)
        answers[path] = admin_client.get(f"{path}?{query}").status_code

    assert {path: status for path, status in answers.items() if status != 400} == {}, problem
