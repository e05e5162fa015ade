"""The admin, the most privileged pages, is under the same Content-Security-Policy as the site:
scripts and styles from the site only. Every admin page is checked for the header, and for
markup the policy would block (the browser test in tests/e2e/test_admin_csp.py runs the admin's
widgets under it)."""

from html.parser import HTMLParser

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.contrib import admin
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from common.middleware import CSPMiddleware
from newsletter.models import Issue
from tests.articles.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

# Script elements the browser does not run, so script-src does not apply to them.
DATA_BLOCKS = {"application/json", "application/ld+json"}


def admin_pages() -> list:
    """The admin's index, each app's page and each model's list and add form, as parameters."""
    pages = [
        pytest.param(reverse("admin:index"), id="index"),
        pytest.param(reverse("admin:password_change"), id="password-change"),
    ]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append(pytest.param(reverse("admin:app_list", args=[app_label]), id=app_label))
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label
        pages.append(pytest.param(reverse(f"admin:{info}_changelist"), id=f"{label}-list"))
        pages.append(pytest.param(reverse(f"admin:{info}_add"), id=f"{label}-add"))
    return pages


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


class InlineCode(HTMLParser):
    """What in a page the policy would refuse: inline scripts, event handlers, javascript:
    links, <style> elements and style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = attributes.get("type") not in DATA_BLOCKS
        if tag == "script" and "src" not in attributes and runs:
            self.found.append(f"inline <script> {attributes}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action"} and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def assert_strict_policy(response) -> None:
    assert "Content-Security-Policy" in response, f"{response.request['PATH_INFO']} has no CSP"
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "style-src-attr" not in policy
    assert "style-src-elem" not in policy


def assert_nothing_inline(response) -> None:
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == [], f"{response.request['PATH_INFO']}: {parser.found}"


def test_the_admin_sign_in_page_carries_the_sites_policy():
    response = Client().get(reverse("admin:login"))

    assert response.status_code == 200
    assert_strict_policy(response)
    assert response["Content-Security-Policy"] == Client().get("/")["Content-Security-Policy"]
    assert_nothing_inline(response)


# The Club form's URLField warns about Django 6.0's default scheme; that is not this test's
# business, and the suite's settings turn warnings into errors.
@pytest.mark.filterwarnings("ignore:The default scheme will be changed:DeprecationWarning")
@pytest.mark.parametrize("path", admin_pages())
def test_every_admin_page_carries_a_strict_policy_and_nothing_it_would_block(admin_client, path):
    response = admin_client.get(path)

    # Records nobody adds by hand (consent, CSP reports, subscribers…) refuse the add form.
    assert response.status_code in (200, 403), path
    assert_strict_policy(response)
    assert_nothing_inline(response)


def test_pages_about_an_object_carry_a_strict_policy_and_nothing_it_would_block(admin_client):
    article = ArticleFactory()
    image = ImageFactory()
    issue = Issue.objects.create(subject="Rest days")
    pages = [
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_image_changelist"),  # with its thumbnail
        reverse("admin:articles_image_change", args=[image.pk]),
        reverse("admin:newsletter_issue_change", args=[issue.pk]),
        reverse("admin:newsletter_issue_send", args=[issue.pk]),
        reverse("admin:newsletter_issue_progress", args=[issue.pk]),
        reverse("admin:newsletter_issue_cancel", args=[issue.pk]),
    ]

    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        assert_strict_policy(response)
        assert_nothing_inline(response)


# --- The policy built once (common.middleware.CSPMiddleware) -----------------------------------


def _respond(request_factory, view):
    request = request_factory.get("/")
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def test_a_plain_response_gets_the_policy_django_csp_builds(rf, settings):
    _, response = _respond(rf, lambda request: HttpResponse("hello"))
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response

    # A changed setting is not hidden behind the one built before.
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    _, response = _respond(rf, lambda request: HttpResponse("hello"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_decorated_view_and_a_nonce_still_change_the_policy(rf, settings):
    @csp_update({"img-src": ["https://images.example"]})
    def decorated(request):
        return HttpResponse("hello")

    _, response = _respond(rf, decorated)
    assert "https://images.example" in directives(response["Content-Security-Policy"])["img-src"]

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def with_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    request, response = _respond(rf, with_nonce)
    assert (
        f"'nonce-{request._csp_nonce}'"
        in directives(response["Content-Security-Policy"])["script-src"]
    )


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    request, _ = _respond(rf, lambda request: HttpResponse("hello"))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
