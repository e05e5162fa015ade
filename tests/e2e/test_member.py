"""A new member: sign up from an article, verify the address from the email, comment, reply,
edit within the window, share a win with a photo, cheer, set a goal, post a monthly update and
join their city's hub, all by following what the pages offer."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image as PILImage

from common import pagecache
from community.models import City, Club, Comment, PartnerPost, Profile, Route, Share, Status
from community.services import comments
from tests.articles.factories import ArticleFactory, SectionFactory, ThemeFactory
from tests.e2e.conftest import show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "noa@example.com"
PASSWORD = "a-long-and-gentle-passphrase"


@pytest.fixture
def article():
    theme = ThemeFactory(title="Run toward calm")
    return ArticleFactory(
        theme=theme,
        section=SectionFactory(theme=theme, title="Sleep, focus and daily energy"),
        title="Why easy runs calm the mind",
    )


@pytest.fixture
def ayo(django_user_model, article):
    """A member who has been around a while: a comment on the article and a win to cheer."""
    runner = django_user_model.objects.create_user(username="ayo", email="ayo@example.com")
    Profile.objects.create(user=runner, display_name="Ayo R.")
    Comment.objects.create(
        article=article, author=runner, status=Status.APPROVED,
        body="Twenty slow minutes before work and my whole day is kinder.",
    )  # fmt: skip
    Share.objects.create(
        author=runner, kind=Share.Kind.WIN, text="Ran my first mile without stopping!",
        status=Status.APPROVED,
    )  # fmt: skip
    return runner


@pytest.fixture
def leeds():
    city = City.objects.create(name="Leeds", slug="leeds", region="England")
    Club.objects.create(city=city, name="Roundhay Joggers", description="Slow and friendly.")
    Route.objects.create(city=city, name="Canal towpath", description="Flat.", distance_km=3)
    return city


def jpeg(colour: str = "#d9822b") -> dict:
    """A photo as the browser's file picker hands it over."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return {"name": "river-loop.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def comment_by(page, text: str):
    """The innermost list item holding the comment that says `text` (a comment's item also
    holds its replies and its reply form)."""
    return page.get_by_role("listitem").filter(has=page.get_by_text(text, exact=True)).last


def test_member_joins_and_takes_part_in_every_corner_of_the_community(
    live_server, page, article, ayo, leeds, settings
):
    page.goto(live_server.url)
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_load_state()
    page.shot("home")

    # Sign up from the article's comments
    page.get_by_role("link", name="Why easy runs calm the mind").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.shot("article-signed-out")
    page.get_by_role("link", name="create a free account").click()
    page.wait_for_url("**/accounts/signup/**")
    page.shot("signup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.shot("verification-sent")
    assert page.get_by_role("heading", name="Verify Your Email Address").is_visible()

    # Verify the address from the email
    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL]
    show_email(page, confirmation)
    page.shot("email-confirm-address")
    page.get_by_role("link", name=re.compile("confirm-email")).click()
    page.wait_for_load_state()
    page.shot("confirm-address")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    page.shot("signed-in")
    assert page.get_by_text("Your address is confirmed.").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Your profile").is_visible()
    # Signed in and back where they started, with the comment form open to them
    assert page.get_by_role("heading", level=1).inner_text() == "Why easy runs calm the mind"

    # A first comment waits for an editor
    page.get_by_label("Your comment").fill("Ten easy minutes changed my whole *afternoon*.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    page.shot("commented")
    assert page.get_by_text("your comment will appear once an editor").is_visible()
    assert page.get_by_text("Ten easy minutes changed my whole").count() == 0

    # An editor approves it (the editor's journey does this in the admin)
    first = Comment.objects.filter(body__startswith="Ten easy")
    comments.set_status(comments=first, status=Status.APPROVED)
    page.reload()
    page.shot("comment-approved")
    assert comment_by(page, "Ten easy minutes changed my whole afternoon.").is_visible()

    # A reply to another member goes live at once now: the member is trusted
    ayos = comment_by(page, "Twenty slow minutes before work and my whole day is kinder.")
    ayos.get_by_text("Reply", exact=True).click()
    ayos.get_by_label("Your reply").fill("Same here: mornings feel softer.")
    page.shot("replying")
    ayos.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()
    page.shot("replied")
    assert page.get_by_text("Thank you — your comment is live.").is_visible()
    reply = comment_by(page, "Same here: mornings feel softer.")
    assert reply.is_visible()
    (notice,) = [m for m in mail.outbox if m.to == ["ayo@example.com"]]
    assert "replied" in notice.subject.lower()

    # Edit the reply within the 15-minute window
    reply.get_by_role("link", name="Edit").click()
    page.wait_for_url("**/comments/*/update/")
    page.shot("edit-reply")
    assert page.get_by_role("heading", level=1).inner_text() == "Edit your comment"
    page.get_by_label("Your comment").fill("Same here: mornings feel softer, and so do I.")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    page.shot("reply-edited")
    assert page.get_by_text("Your comment was updated.").is_visible()
    reply = comment_by(page, "Same here: mornings feel softer, and so do I.")
    assert reply.get_by_text("(edited)").is_visible()

    # Once the window has passed, the reply can no longer be edited (only deleted). Moving the
    # comment's time back stands in for the minutes passing; a bulk update sends no signal, so
    # the thread's cached list is told of it as any saved change would tell it.
    Comment.objects.filter(body__startswith="Same here").update(
        created_at=timezone.now() - timedelta(minutes=settings.COMMENT_EDIT_MINUTES + 1)
    )
    pagecache.bump()
    page.reload()
    page.shot("edit-window-closed")
    reply = comment_by(page, "Same here: mornings feel softer, and so do I.")
    assert reply.get_by_role("link", name="Edit").count() == 0
    assert reply.get_by_role("link", name="Delete").is_visible()

    # Share a win with a photo
    nav.get_by_role("link", name="Community").click()
    page.wait_for_url("**/community/")
    page.shot("community")
    page.get_by_role("link", name="Share a win").click()
    page.wait_for_url("**/community/share/")
    page.shot("share-form")
    page.get_by_label("Run win").check()
    page.get_by_label("Tell us about it").fill("Jogged the whole loop by the river today.")
    page.get_by_label("Photo (optional)").set_input_files(jpeg())
    page.get_by_label("Photo description").fill("Evening light on the river path")
    page.get_by_label("Distance in km (optional)").fill("3.5")
    page.get_by_label("Time (minutes, optional)").fill("28")
    page.get_by_role("button", name="Share it").click()
    page.wait_for_url("**/community/shares/*/")
    page.shot("shared")
    assert page.get_by_text("Shared! Your post is in the community feed.").is_visible()
    photo = page.get_by_role("img", name="Evening light on the river path")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_text("3.5 km · 28 min").is_visible()

    # Cheer someone else's win in the feed
    page.get_by_role("link", name="Back to the community feed").click()
    page.wait_for_url("**/community/")
    page.shot("feed")
    ayos_win = page.get_by_role("article").filter(has_text="Ran my first mile")
    ayos_win.get_by_role("button", name=re.compile("^Cheer")).click()
    page.wait_for_load_state()
    page.shot("cheered")
    ayos_win = page.get_by_role("article").filter(has_text="Ran my first mile")
    cheered = ayos_win.get_by_role("button", name="Cheered 1 cheer", exact=True)
    assert cheered.get_attribute("aria-pressed") == "true"
    own = page.get_by_role("article").filter(has_text="Jogged the whole loop")
    assert own.get_by_role("img", name="Evening light on the river path").is_visible()

    # Set a seasonal goal
    page.get_by_role("link", name="Your seasonal goal").click()
    page.wait_for_url("**/community/goals/")
    page.shot("goal-presets")
    page.get_by_role("link", name="A feel-good 5K").click()
    page.wait_for_url("**/community/goals/create/**")
    target = timezone.localdate() + timedelta(days=90)
    page.get_by_label("Target date").fill(target.isoformat())
    page.get_by_label("Why it matters to me").fill("To feel strong by spring.")
    page.shot("goal-form")
    page.get_by_role("button", name="Set my goal").click()
    page.wait_for_url("**/community/goals/")
    page.shot("goal-set")
    assert page.get_by_text("Your goal is set.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "A feel-good 5K"
    assert page.get_by_text("90 days to go").is_visible()

    # Post this month's update
    this_month = timezone.localdate().strftime("%B %Y")
    form = page.get_by_role("region", name="Post a monthly update")
    month = form.get_by_label(re.compile("^Month"))
    assert month.evaluate("select => select.selectedOptions[0].text") == this_month
    form.get_by_label("How did the month go?").fill("Three run-walks a week. Sleeping better.")
    form.get_by_label("Mood this month").select_option(label="4 — good")
    form.get_by_label("Sleep this month").select_option(label="5 — great")
    form.get_by_role("button", name="Post update").click()
    page.wait_for_url("**/community/goals/")
    page.shot("update-posted")
    assert page.get_by_text("Your update is posted.").is_visible()
    timeline = page.get_by_role("region", name="Timeline")
    assert timeline.get_by_role("heading", name=this_month).is_visible()
    assert timeline.get_by_text("Mood 4 of 5 · Sleep 5 of 5").is_visible()
    assert page.get_by_role("img", name="Mood and sleep ratings, 1 to 5, by month").is_visible()

    # Join the city hub: choose the city on the profile, be findable, post for a partner
    nav.get_by_role("link", name="Community").click()
    page.wait_for_url("**/community/")
    page.shot("community-again")
    page.get_by_role("link", name="Find runners in your city").click()
    page.wait_for_url("**/community/cities/")
    page.shot("city-hubs")
    page.get_by_role("link", name="Set your city on your profile").click()
    page.wait_for_url("**/accounts/profile/")
    page.get_by_role("textbox", name=re.compile("^Display name")).fill("Noa K.")
    page.get_by_role("combobox", name=re.compile("^City")).select_option(label="Leeds")
    page.get_by_label("Let runners in my city find me (display name only)").check()
    page.shot("profile-form")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/accounts/profile/")
    page.shot("profile-saved")
    assert page.get_by_text("Your profile was saved.").is_visible()

    nav.get_by_role("link", name="Community").click()
    page.wait_for_url("**/community/")
    page.shot("community-with-city")
    page.get_by_role("link", name="Find runners in your city").click()
    page.wait_for_url("**/community/cities/")
    page.shot("city-hubs-your-city")
    assert page.get_by_text("Your city: Leeds.").is_visible()
    page.get_by_role("link", name="Leeds").first.click()
    page.wait_for_url(f"**{leeds.get_absolute_url()}")
    page.shot("city-hub")
    assert page.get_by_role("heading", level=1).inner_text() == "Running in Leeds"
    assert page.get_by_role("heading", name="Roundhay Joggers").is_visible()
    runners = page.get_by_role("region", name="Runners here")
    assert runners.get_by_role("link", name="Noa K.").is_visible()

    page.get_by_role("link", name="Post: looking for a partner").click()
    partner_form = page.get_by_role("region", name="Looking for a partner?")
    partner_form.get_by_label("Title").fill("Slow Saturday 5K partner?")
    partner_form.get_by_label("Your post").fill("Saturdays at 9, around 7 min/km, walk breaks.")
    partner_form.get_by_role("button", name="Post").click()
    page.wait_for_url("**/community/posts/*/")
    page.shot("partner-post")
    assert page.get_by_text("Your post is up.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Slow Saturday 5K partner?"
    page.get_by_role("link", name="Running in Leeds").click()
    page.shot("city-hub-with-post")
    posts = page.get_by_role("region", name="Partner posts")
    assert posts.get_by_role("link", name="Slow Saturday 5K partner?").is_visible()
    assert PartnerPost.objects.get().author.email == EMAIL
