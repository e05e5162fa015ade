"""The admin under its Content-Security-Policy: an editor adds and edits a piece with every kind
of widget the admin gives us (autocompletes, calendar and clock, the add-another popup, the
prepopulated slug, a collapsed fieldset, an inline formset), and the browser blocks nothing."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from newsletter.models import Issue
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    TopicFactory,
)
from tests.e2e.admin import autocomplete, sign_in_to_the_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every document and frame reports what the policy blocked, whether or not the browser also
# writes it to the console (Chromium does, as an error; the `page` fixture fails on those too).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI} `
                + `on ${event.documentURI} (${event.sample})`);
});
"""


@pytest.fixture
def desk(editor):
    AuthorFactory(name="Eddie Stone", user=editor)
    TopicFactory(name="Sleep")
    ImageFactory(alt_text="A path over green hills")
    issue = Issue.objects.create(subject="Sleep well, run easy", created_by=editor)
    return ArticleFactory(title="Wind down with a walk"), issue


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_admin_works_under_its_content_security_policy(live_server, page, desk):
    article, issue = desk
    admin = f"{live_server.url}/{settings.ADMIN_URL}"
    violations, documents = [], []

    def watch(target) -> None:
        target.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )
        target.on(
            "response",
            lambda response: (
                documents.append(response) if response.request.resource_type == "document" else None
            ),
        )

    page.context.add_init_script(REPORT_VIOLATIONS)
    page.context.on("page", watch)  # the add-another popup
    watch(page)

    sign_in_to_the_admin(page, live_server)

    # A new piece, with every widget the article form has
    page.goto(f"{admin}articles/article/add/")
    page.get_by_label("Title:").fill("Evening runs, deeper sleep")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Slug:")).to_have_value("evening-runs-deeper-sleep")
    autocomplete(page, page.locator(".field-author"), "Eddie Stone")
    autocomplete(page, page.locator(".field-topics"), "Sleep")
    page.get_by_label("Summary:").fill("A gentle run three hours before bed helps sleep come.")
    page.get_by_label("Body:").fill("Easy effort warms the body; as it cools, sleep comes.")
    publishing = page.locator(".field-publish_at")
    publishing.get_by_title("Choose a Date").click()
    calendar = page.locator("#calendarbox0")
    expect(calendar).to_be_visible()
    calendar.get_by_role("link", name="15", exact=True).click()
    expect(calendar).to_be_hidden()
    publishing.get_by_title("Choose a Time").click()
    clock = page.locator("#clockbox0")
    expect(clock).to_be_visible()
    clock.get_by_role("link", name="Noon").click()
    expect(publishing.get_by_role("textbox").nth(0)).to_have_value(re.compile(r"-15$"))
    expect(publishing.get_by_role("textbox").nth(1)).to_have_value("12:00:00")
    with page.expect_popup() as popup_opened:
        page.locator(".field-topics").get_by_role("link", name="Add another topic").click()
    popup = popup_opened.value
    popup.get_by_label("Name:").fill("Evening runs")
    with popup.expect_event("close"):  # saved, it hands the new topic to the article form
        popup.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-topics")).to_contain_text("Evening runs")
    record = page.get_by_text("Record", exact=True)
    record.click()
    expect(page.locator(".field-created_at")).to_be_visible()
    page.shot("article-filled")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/articles/article/")
    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()
    added = Article.objects.get(slug="evening-runs-deeper-sleep")
    assert sorted(t.name for t in added.topics.all()) == ["Evening runs", "Sleep"]
    assert timezone.localtime(added.publish_at).strftime("%d %H:%M") == "15 12:00"

    # An existing piece, edited from the change list
    page.get_by_role("link", name="Wind down with a walk").click()
    page.get_by_label("Title:").fill("Wind down with a slow walk")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    article.refresh_from_db()
    assert article.title == "Wind down with a slow walk"

    # Pages with our own additions: thumbnails from the media origin, the newsletter's buttons,
    # and a theme's inline formset
    page.goto(f"{admin}articles/image/")
    thumbnail = page.locator(".field-thumbnail img").first
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(f"{admin}newsletter/issue/{issue.pk}/change/")
    expect(page.get_by_role("button", name="Send a test to me")).to_be_visible()
    page.shot("issue")
    page.goto(f"{admin}newsletter/issue/{issue.pk}/progress/")
    expect(page.get_by_role("term").first).to_be_visible()
    page.goto(f"{admin}articles/theme/add/")
    page.get_by_role("button", name="Add another Section").click()
    expect(page.locator("tr.dynamic-sections")).to_have_count(2)

    assert violations == [], f"the admin's policy blocked: {violations}"
    assert documents, "no admin page was loaded"
    for response in documents:
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, f"{response.url} has no script-src 'self'"
