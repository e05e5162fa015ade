"""Every POST is refused without a CSRF token (but the endpoints that must take posts from
outside, which authenticate another way, a mail provider's webhooks among them, and the two
forms on cached pages, which check the origin for visitors who are not signed in), and no
`next=` parameter sends anyone off the site."""

import json
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from community.models import Cheer, Status
from newsletter.models import ProviderEvent, Subscriber
from newsletter.services.subscriptions import manage_token
from runsite.models import CspReport
from runsite.views import CSP_REPORT_MAX_BYTES
from tests.community.factories import EmailAddressFactory, ShareFactory
from tests.newsletter.providers import PROVIDERS

from .cases import OFFSITE_TARGETS, REDIRECTING_FORMS
from .conftest import logged_in
from .urlwalk import endpoints, path_for

pytestmark = pytest.mark.django_db

# Views that take POSTs without a CSRF token, each for a reason and each authenticated otherwise.
CSRF_EXEMPT = {
    "newsletter:unsubscribe",  # RFC 8058 one-click from mail clients: the signed token decides
    "community:mail-off",  # the same one-click for reply notices and goal reminders
    "csp-report",  # browsers post reports with no credentials; it can only record a report
}
# The selected mail provider's webhooks (runsite/webhooks.py), mounted only when EMAIL_PROVIDER
# names one: providers post without cookies, and each post is authenticated by the provider's
# signature (Mailgun, SendGrid, Amazon SNS) or the basic-auth ANYMAIL_WEBHOOK_SECRET.
WEBHOOK_CSRF_EXEMPT = {"webhooks:tracking", "webhooks:inbound"}
# Forms on pages cached for readers who are not signed in (common/csrf.py): a same-site origin
# for those visitors, the token for members (the walk below posts as a member).
CSRF_SAME_ORIGIN = {"newsletter:subscribe", "cookie-consent"}
CSRF_TEMPLATE = "403_csrf.html"


# --- CSRF ----------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused_with_the_sites_csrf_page(world):
    browser = logged_in(world.owner, enforce_csrf_checks=True)
    browser.get(reverse("home"))  # the CSRF cookie a real browser would hold
    assert "csrftoken" in browser.cookies
    accepted = []
    for endpoint in endpoints():
        if endpoint.key in CSRF_EXEMPT:
            continue
        path = path_for(endpoint, world.candidates(endpoint))
        response = browser.post(path, {"body": "x", "next": "/"})
        templates = [template.name for template in response.templates]
        if response.status_code != 403 or CSRF_TEMPLATE not in templates:
            accepted.append(f"{endpoint.key} {path} → {response.status_code}")

    assert not accepted, "POSTs taken without a CSRF token:\n" + "\n".join(accepted)


def test_the_same_browser_with_its_token_is_let_through(world):
    """The control for the walk above: the 403s come from the missing token, not the client."""
    browser = logged_in(world.owner, enforce_csrf_checks=True)
    browser.get(reverse("home"))
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        reverse("cookie-consent"), {"choice": "necessary", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302


@pytest.mark.parametrize("provider", ["", *PROVIDERS])
def test_only_the_listed_views_are_csrf_exempt(use_provider, provider):
    use_provider(provider, inbound=True)
    exempt = {e.key for e in endpoints() if getattr(e.callback, "csrf_exempt", False)}
    same_origin = {e.key for e in endpoints() if getattr(e.callback, "csrf_same_origin", False)}

    webhooks = WEBHOOK_CSRF_EXEMPT if provider else set()
    assert exempt == CSRF_EXEMPT | CSRF_SAME_ORIGIN | webhooks
    assert same_origin == CSRF_SAME_ORIGIN


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_providers_webhooks_take_no_get_and_no_post_without_its_credentials(
    use_provider, provider
):
    """Outside the CSRF walk, so here: what stands in for the token is checked on every post."""
    use_provider(provider, inbound=True)
    browser = Client(enforce_csrf_checks=True)

    for key in sorted(WEBHOOK_CSRF_EXEMPT):
        path = reverse(key)
        assert browser.get(path).status_code == 405, path
        for body in ("{}", "[]", "x", json.dumps({"signature": {"token": "t"}})):
            response = browser.post(path, body, content_type="application/json")
            assert 400 <= response.status_code < 500, (path, body, response.status_code)
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize("key", sorted(CSRF_SAME_ORIGIN))
def test_forms_on_cached_pages_refuse_an_anonymous_post_from_another_site(world, key):
    endpoint = next(e for e in endpoints() if e.key == key)
    path = path_for(endpoint, world.candidates(endpoint))
    browser = Client(enforce_csrf_checks=True)

    refused = [
        browser.post(path, {"email": "x@example.com", "choice": "all"}, **headers)
        for headers in (
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_SEC_FETCH_SITE": "same-site"},
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_REFERER": "https://evil.example/"},
        )
    ]

    assert [response.status_code for response in refused] == [403] * 5
    assert all(CSRF_TEMPLATE in [t.name for t in r.templates] for r in refused)


def test_one_click_unsubscribe_needs_no_csrf_token_but_a_valid_signed_token(world):
    browser = Client(enforce_csrf_checks=True)
    subscriber = world.subscriber

    for token in ["x", f"{subscriber.pk}:forged", manage_token(subscriber)[:-2] + "xx"]:
        response = browser.post(reverse("newsletter:unsubscribe", args=[token]))
        assert response.status_code == 404  # as for any unknown link
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED

    response = browser.post(reverse("newsletter:unsubscribe", args=[manage_token(subscriber)]))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_the_csp_report_endpoint_only_ever_records_a_bounded_report():
    browser = Client(enforce_csrf_checks=True)
    url = reverse("csp-report")

    assert browser.post(url, "not json", content_type="application/csp-report").status_code == 400
    assert browser.post(url, "[1]", content_type="application/csp-report").status_code == 400
    too_big = json.dumps({"csp-report": {"blocked-uri": "x" * CSP_REPORT_MAX_BYTES}})
    assert browser.post(url, too_big, content_type="application/csp-report").status_code == 413
    assert not CspReport.objects.exists()

    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}
    response = browser.post(url, json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    assert list(CspReport.objects.values_list("violated_directive", flat=True)) == ["script-src"]
    assert "sessionid" not in response.cookies


def test_preferences_from_an_email_link_still_need_the_csrf_token(world):
    """Unlike one-click unsubscribe, the preferences form is a page with a form of its own."""
    browser = Client(enforce_csrf_checks=True)
    url = reverse("newsletter:preferences", args=[manage_token(world.subscriber)])

    response = browser.post(url, {"beginner_series": "on"})

    assert response.status_code == 403
    world.subscriber.refresh_from_db()
    assert world.subscriber.wants_beginner_series is False


# --- Open redirects ------------------------------------------------------------------------------


def stays_on_site(location: str) -> bool:
    """Whether a browser following `location` stays on the test host (browsers drop tabs and
    newlines, skip leading spaces and controls, and read a backslash as a slash)."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").lstrip("\x00 \x01\x02\x0b\x0c")
    cleaned = cleaned.replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return cleaned.startswith("/") and not cleaned.startswith("//")


@pytest.mark.parametrize(
    "location",
    ["/", "/community/?page=2", "http://testserver/privacy/"],
)
def test_stays_on_site_accepts_local_addresses(location):
    assert stays_on_site(location)


@pytest.mark.parametrize("location", OFFSITE_TARGETS)
def test_stays_on_site_refuses_every_target(location):
    assert not stays_on_site(location)


def _verified(user):
    EmailAddressFactory(user=user)
    return user


def _redirect(form: str, target: str, world, editor) -> object:
    password = "a-long-test-password"
    if form == "allauth login":
        _verified(world.owner)
        return Client().post(
            f"{reverse('account_login')}?{urlencode({'next': target})}",
            {"login": world.owner.email, "password": password, "next": target},
        )
    if form == "allauth login when signed in":
        return logged_in(world.owner).get(reverse("account_login"), {"next": target})
    if form == "allauth signup":
        # allauth keeps the `next` through email verification: follow it to the confirmation.
        browser = Client()
        signup = browser.post(
            reverse("account_signup"),
            {
                "email": "newcomer@example.com",
                "password1": "a-long-new-password-42",
                "password2": "a-long-new-password-42",
                "next": target,
            },
        )
        assert signup.status_code == 302 and stays_on_site(signup["Location"])
        link = re.search(
            r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body
        )
        return browser.post(link.group(1))
    if form == "allauth logout":
        return logged_in(world.owner).post(reverse("account_logout"), {"next": target})
    if form == "cheer":
        share = ShareFactory(author=world.other, text="5K!", status=Status.APPROVED)
        response = logged_in(world.owner).post(
            reverse("community:share-cheer", args=[share.pk]), {"cheer": "on", "next": target}
        )
        assert Cheer.objects.filter(share=share, member=world.owner).exists()
        return response
    if form == "cookie consent":
        return Client().post(reverse("cookie-consent"), {"choice": "necessary", "next": target})
    # admin login
    return Client().post(
        f"{reverse('admin:login')}?{urlencode({'next': target})}",
        {"username": editor.username, "password": password, "next": target},
    )


@pytest.mark.parametrize("form", REDIRECTING_FORMS)
def test_a_next_parameter_on_the_site_is_followed(world, editor, form):
    """The control: each form does honour `next`, so the refusals below are not vacuous."""
    response = _redirect(form, "/privacy/?from=next", world, editor)

    assert (response.status_code, response["Location"]) == (302, "/privacy/?from=next")


@pytest.mark.parametrize("target", OFFSITE_TARGETS)
@pytest.mark.parametrize("form", REDIRECTING_FORMS)
def test_no_next_parameter_redirects_off_the_site(world, editor, form, target):
    response = _redirect(form, target, world, editor)

    assert response.status_code == 302, response.content.decode()[:500]
    assert stays_on_site(response["Location"]), response["Location"]
