"""A subscriber, who has only an email address: sign up, confirm from the email (double opt-in),
receive an issue, change which emails they get from its link, and leave in one click."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.models import Issue, IssueArticle, Subscriber
from newsletter.services import sending
from tests.articles.factories import ArticleFactory, SectionFactory, ThemeFactory
from tests.e2e.conftest import show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "new.reader@example.com"


@pytest.fixture
def easy_miles():
    theme = ThemeFactory(title="Run toward calm")
    return ArticleFactory(
        theme=theme, section=SectionFactory(theme=theme), title="Easy miles",
        summary="Why the slow runs do the most good.",
    )  # fmt: skip


@pytest.fixture
def past_letter():
    return Issue.objects.create(
        subject="Rest is training too", preheader="Why the day off counts.", intro="Hello!",
        status=Issue.Status.SENT, sent_at=timezone.now(),
    )  # fmt: skip


def test_subscriber_confirms_receives_an_issue_changes_lists_and_leaves_in_one_click(
    live_server, page, settings, easy_miles, past_letter
):

    # From the home page's call to the past letters, and on to the sign-up
    page.goto(live_server.url)
    page.get_by_role("button", name="Reject non-essential").click()
    page.wait_for_load_state()
    page.shot("home")
    page.get_by_role("link", name="Read past letters").click()
    page.wait_for_url("**/newsletter/issues/")
    page.shot("past-letters")
    assert page.get_by_role("link", name="Rest is training too").is_visible()
    page.get_by_role("main").get_by_role("link", name="Subscribe", exact=True).click()
    page.wait_for_url("**/newsletter/")
    page.shot("newsletter")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_role("checkbox", name="The beginner guidance series").check()
    page.shot("subscribe")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-inbox/")
    page.shot("check-your-inbox")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    # Confirm from the email: opening the link asks, only the button confirms
    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL]
    show_email(page, confirmation)
    page.shot("email-confirm")
    page.get_by_role("link", name="Confirm my subscription").click()
    page.wait_for_url("**/newsletter/confirm/**")
    page.shot("confirm")
    assert page.get_by_role("heading", level=1).inner_text() == "One last step"
    assert page.get_by_role("listitem").filter(has_text="The weekly letter").is_visible()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    page.get_by_role("button", name="Confirm my subscription").click()
    page.wait_for_load_state()
    page.shot("welcome")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome — you are subscribed"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (True, True)
    assert subscriber.consent_source == "newsletter"

    # An issue goes out. The editor's journey sends one from the admin through a real worker;
    # here the test settings' eager tasks send it at once into Django's outbox.
    issue = Issue.objects.create(subject="Slow is smooth", intro="Hello **runners**.")
    IssueArticle.objects.create(issue=issue, article=easy_miles, order=1)
    mail.outbox.clear()
    sending.request_send(issue=issue)
    (letter,) = mail.outbox
    assert (letter.to, letter.subject) == ([EMAIL], "Slow is smooth")

    # Read it, and follow the featured article to the site
    show_email(page, letter)
    page.shot("email-issue")
    assert page.get_by_role("heading", level=1).inner_text() == "Slow is smooth"
    page.get_by_role("link", name="Read “Easy miles”").click()
    page.wait_for_url(f"**{easy_miles.get_absolute_url()}")
    page.shot("article-from-email")
    assert page.get_by_role("heading", level=1).inner_text() == "Easy miles"

    # Change which emails come: the beginner series is enough for now
    show_email(page, letter)
    page.get_by_role("link", name="Change which emails you get").click()
    page.wait_for_url("**/newsletter/preferences/**")
    page.shot("preferences")
    assert page.get_by_role("checkbox", name="The weekly letter").is_checked()
    page.get_by_role("checkbox", name="The weekly letter").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_load_state()
    page.shot("preferences-saved")
    assert page.get_by_text("Saved. You will get just what you ticked.").is_visible()
    assert not page.get_by_role("checkbox", name="The weekly letter").is_checked()
    assert page.get_by_role("checkbox", name="The beginner guidance series").is_checked()
    subscriber.refresh_from_db()
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (False, True)

    # Leave from the email: one press on the page its link opens
    show_email(page, letter)
    page.get_by_role("link", name="Unsubscribe in one click").click()
    page.wait_for_url("**/newsletter/unsubscribe/**")
    page.shot("unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    page.shot("unsubscribed")
    assert page.get_by_role("heading", level=1).inner_text() == "You are unsubscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # A mail app's own unsubscribe button (RFC 8058) posts to the same address, with no cookie
    # or CSRF token: still fine, and nothing changes a second time.
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = re.search(r"<(http[^>]+)>", letter.extra_headers["List-Unsubscribe"])[1]
    assert one_click == page.url
    repeat = page.request.post(one_click, form={"List-Unsubscribe": "One-Click"})
    assert repeat.status == 200
    assert Subscriber.objects.get().unsubscribed_at == subscriber.unsubscribed_at

    # The email's preferences link now says so, and nothing more is sent
    show_email(page, letter)
    page.get_by_role("link", name="Change which emails you get").click()
    page.wait_for_url("**/newsletter/preferences/**")
    page.shot("preferences-after-leaving")
    assert (
        page.get_by_role("status").inner_text() == f"{EMAIL} is unsubscribed: we send it nothing."
    )
    mail.outbox.clear()
    sending.request_send(issue=Issue.objects.create(subject="Next week", intro="Hi."))
    assert mail.outbox == []
