"""An editor (staff, in the Editors group, not a superuser) working in the admin: write a draft
with an image, preview it, schedule it and watch it appear for readers at its time, moderate a
new member's comment, and compose, test and send a newsletter issue through a real worker."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.models import Article
from community.models import Comment, Profile, Status
from community.services.comments import post_comment
from newsletter.models import Issue, Subscriber
from tests.articles.factories import ArticleFactory, AuthorFactory, SectionFactory, ThemeFactory
from tests.e2e.admin import autocomplete, sign_in_to_the_admin
from tests.e2e.conftest import show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Evening runs, deeper sleep"
# How far ahead the editor schedules the piece: long enough for a reader to see the home page
# without it first, even on a busy machine; the editor moderates a comment in the meantime.
SCHEDULE_AHEAD = timedelta(seconds=12)


@pytest.fixture
def walk(editor):
    """A published piece in today's theme; the editor has a byline of their own."""
    AuthorFactory(name="Eddie Stone", user=editor)
    theme = ThemeFactory(title="Run toward calm")
    section = SectionFactory(theme=theme, title="Sleep, focus and daily energy")
    return ArticleFactory(theme=theme, section=section, title="Wind down with a walk")


def jpeg() -> dict:
    buffer = io.BytesIO()
    PILImage.new("RGB", (960, 600), "#3d7a8c").save(buffer, "JPEG")
    return {"name": "dusk.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_editor_writes_previews_and_schedules_an_article_then_moderates_a_comment(
    live_server, page, open_page, shots, walk, member
):
    sign_in_to_the_admin(page, live_server)

    # A draft with a new picture
    page.get_by_role("link", name="Articles", exact=True).click()
    page.wait_for_url("**/articles/article/")
    page.shot("articles")
    page.get_by_role("link", name="Add article").click()
    page.wait_for_url("**/articles/article/add/")
    page.get_by_label("Title:").fill(TITLE)
    page.keyboard.press("Tab")  # on to the slug, which the title has filled in
    expect(page.get_by_label("Slug:")).to_have_value("evening-runs-deeper-sleep")
    page.get_by_label("Kind:").select_option(label="Science note")
    autocomplete(page, page.locator(".field-author"), "Eddie Stone")
    page.get_by_label("Summary:").fill("A gentle run three hours before bed helps sleep come.")
    page.get_by_label("Body:").fill(
        "## Why it works\n\nEasy effort warms the body; as it cools, sleep comes sooner."
    )
    page.get_by_label("Theme:").select_option(label="Run toward calm")
    page.get_by_label("Section:").select_option(
        label="Run toward calm — Sleep, focus and daily energy"
    )
    with page.expect_popup() as popup_opened:
        page.locator(".field-hero_image").get_by_role("link", name="Add another image").click()
    popup = popup_opened.value
    popup.wait_for_load_state()
    popup.get_by_label("File:").set_input_files(jpeg())
    popup.get_by_label("Alt text:").fill("A runner on a bridge at dusk")
    shots.take(popup, "image-popup")
    with popup.expect_event("close"):  # saved, it hands the new image to the article form
        popup.get_by_role("button", name="Save", exact=True).click()
    page.bring_to_front()  # the window in front again, as when a popup closes on a desktop
    expect(page.locator(".field-hero_image")).to_contain_text("A runner on a bridge at dusk")
    page.shot("draft-filled")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()
    page.shot("draft-saved")
    expect(page.get_by_text(re.compile(f"“{TITLE}” was added successfully"))).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert (article.state, article.hero_image.alt_text) == ("draft", "A runner on a bridge at dusk")

    # Preview it on the site, as only editors can
    page.get_by_role("link", name="View on site").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.shot("preview")
    assert page.get_by_role("note").inner_text().startswith("Preview — this science note is")
    assert "a draft" in page.get_by_role("note").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.get_by_role("heading", name="Why it works").is_visible()
    hero = page.get_by_role("img", name="A runner on a bridge at dusk")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    page.go_back()

    # Schedule it a few seconds ahead
    publish_at = (timezone.localtime() + SCHEDULE_AHEAD).replace(microsecond=0)
    page.get_by_label("Status:").select_option(label="Published (from its publish time)")
    publishing = page.locator(".field-publish_at")
    publishing.get_by_role("textbox").nth(0).fill(f"{publish_at:%Y-%m-%d}")
    publishing.get_by_role("textbox").nth(1).fill(f"{publish_at:%H:%M:%S}")
    page.shot("schedule-filled")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/articles/article/")
    page.shot("scheduled")
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row).to_contain_text(f"Scheduled for {publish_at:%d %b %Y %H:%M}")

    # A reader, not signed in, does not see it yet
    reader = open_page("reader")
    reader.goto(live_server.url)
    # Asked again (past the browser's own cache, which would get a 304), the server answers from
    # its page cache: the piece must appear later with nobody touching that cache.
    assert reader.request.get(live_server.url).headers["x-page-cache"] == "hit"
    reader.shot("home-before")
    sleep = reader.get_by_role("region", name="Sleep, focus and daily energy")
    assert sleep.get_by_role("link", name="Wind down with a walk").is_visible()
    assert sleep.get_by_role("link", name=TITLE).count() == 0
    assert timezone.now() < publish_at, "too slow: the piece went live before the first look"

    # Meanwhile a new member's first comment waits for an editor, who approves it
    sleep.get_by_role("link", name="Wind down with a walk").click()
    reader.wait_for_url("**/articles/**")
    reader.shot("article-before-comment")
    assert reader.get_by_text("No comments yet.").is_visible()
    Profile.objects.create(user=member, display_name="Mira L.")
    post_comment(author=member, target=walk, body="Tried it last night. Slept like a stone!")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Home").click()
    page.shot("admin-index-again")
    page.get_by_role("link", name="Comments", exact=True).click()
    page.wait_for_url("**/community/comment/")
    page.shot("comments")
    page.get_by_role("link", name="Waiting for moderation").click()
    page.shot("comments-pending")
    row = page.get_by_role("row", name=re.compile("Tried it last night"))
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Approve selected")
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()
    page.shot("comment-approved")
    expect(page.get_by_text("1 item(s) marked approved.")).to_be_visible()
    assert Comment.objects.get().status == Status.APPROVED
    reader.reload()
    reader.shot("article-with-comment")
    assert reader.get_by_role("heading", name="1 comment").is_visible()
    assert reader.get_by_text("Tried it last night. Slept like a stone!").is_visible()
    assert reader.get_by_role("link", name="Mira L.").is_visible()

    # At its time the new piece is there, with nothing done to announce it
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.5)
    reader.get_by_role("link", name="Today").click()
    reader.shot("home-after")
    sleep = reader.get_by_role("region", name="Sleep, focus and daily energy")
    sleep.get_by_role("link", name=TITLE).click()
    reader.wait_for_url(f"**{article.get_absolute_url()}")
    reader.shot("article")
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.get_by_role("note").count() == 0  # no preview banner
    assert reader.get_by_role("img", name="A runner on a bridge at dusk").is_visible()


@pytest.fixture
def subscribers():
    """Two who get the weekly letter; three who must not (series only, pending, left)."""
    confirmed = {"status": Subscriber.Status.CONFIRMED, "confirmed_at": timezone.now()}
    Subscriber.objects.bulk_create(
        [
            Subscriber(email="ada@example.com", **confirmed),
            Subscriber(email="bo@example.com", wants_beginner_series=True, **confirmed),
            Subscriber(
                email="series.only@example.com", wants_newsletter=False,
                wants_beginner_series=True, **confirmed,
            ),
            Subscriber(email="pending@example.com"),
            Subscriber(email="left@example.com", status=Subscriber.Status.UNSUBSCRIBED),
        ]
    )  # fmt: skip


def progress_counts(page) -> dict[str, str]:
    terms = page.get_by_role("term").all_inner_texts()
    return dict(zip(terms, page.get_by_role("definition").all_inner_texts(), strict=True))


def test_editor_composes_tests_and_sends_an_issue_through_a_real_worker(
    live_server, page, shots, settings, editor, walk, subscribers, start_worker, smtp_sink
):
    # The send goes through Redis to a `celery worker` process on this test's PostgreSQL
    # database, which mails an SMTP sink with links to the live server (skipped without them).
    sink = smtp_sink()
    start_worker(sink.url, site_url=live_server.url)  # it starts while the editor writes
    sign_in_to_the_admin(page, live_server)

    # Compose the issue, featuring a published article
    page.get_by_role("link", name="Issues", exact=True).click()
    page.wait_for_url("**/newsletter/issue/")
    page.shot("issues")
    page.get_by_role("link", name="Add issue").click()
    page.wait_for_url("**/newsletter/issue/add/")
    page.get_by_label("Subject:").fill("Sleep well, run easy")
    page.get_by_label("Preheader:").fill("Why a walk or a slow run helps you wind down.")
    page.get_by_label("Introduction:").fill("Hello **runners**. This week: rest that restores.")
    page.get_by_label("Closing note:").fill("See you out there.")
    autocomplete(page, page.locator(".field-article").first, "Wind down with a walk")
    page.shot("issue-filled")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()
    page.shot("issue-saved")
    expect(
        page.get_by_text(re.compile("“Sleep well, run easy” was added successfully"))
    ).to_be_visible()

    # Preview it, and send a test to themselves
    with page.expect_popup() as preview_opened:
        page.get_by_role("link", name="Preview email").click()
    preview = preview_opened.value
    preview.wait_for_load_state()
    shots.take(preview, "preview-email")
    assert preview.get_by_role("heading", level=1).inner_text() == "Sleep well, run easy"
    assert preview.get_by_role("link", name="Wind down with a walk", exact=True).is_visible()
    preview.close()
    page.bring_to_front()
    page.get_by_role("button", name="Send a test to me").click()
    page.wait_for_load_state()
    page.shot("test-sent")
    expect(page.get_by_text("Test sent to eddie@example.com.")).to_be_visible()
    (test_copy,) = mail.outbox
    assert test_copy.subject == "[Test] Sleep well, run easy"

    # Send it now, to the two who want the weekly letter
    page.get_by_role("link", name="Schedule / send").click()
    page.wait_for_url("**/send/")
    page.shot("send")
    expect(page.get_by_role("main")).to_contain_text(
        "This issue will go to 2 confirmed newsletter subscribers."
    )
    page.get_by_role("button", name="Send now to 2 subscribers").click()
    page.wait_for_url("**/progress/")
    page.shot("progress")
    expect(
        page.get_by_text("Sending started: “Sleep well, run easy” is on its way.")
    ).to_be_visible()

    # Watch the progress page (it refreshes itself while sending) until it is sent
    expect(page.get_by_role("main")).to_contain_text("Status: Sent", timeout=60_000)
    page.shot("progress-sent")
    counts = progress_counts(page)
    assert (counts["Sent"], counts["Failed"], counts["Queued"]) == ("2", "0", "0")
    assert page.get_by_text("No failures.").is_visible()
    assert sink.recipients() == {"ada@example.com": 1, "bo@example.com": 1}

    # What subscribers got leads back to the site
    received = next(r.message for r in sink.messages if r.message["To"] == "ada@example.com")
    assert received["Subject"] == "Sleep well, run easy"
    show_email(page, received)
    page.shot("email-received")
    page.get_by_role("link", name="Read “Wind down with a walk”").click()
    page.wait_for_url(f"**{walk.get_absolute_url()}")
    page.shot("article-from-email")
    assert page.get_by_role("heading", level=1).inner_text() == "Wind down with a walk"
    assert Issue.objects.get().status == Issue.Status.SENT
