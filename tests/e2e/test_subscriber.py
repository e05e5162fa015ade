import re

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.models import Issue, Subscriber
from newsletter.services.emails import render_issue
from tests.articles.factories import ArticleFactory, SectionFactory, ThemeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reader_subscribes_confirms_from_the_email_and_leaves_in_one_click(
    live_server, page, settings
):
    # Links in emails point at the live server, as they point at the site in production.
    settings.SITE_URL = live_server.url
    theme = ThemeFactory(title="Run toward calm")
    ArticleFactory(theme=theme, section=SectionFactory(theme=theme), title="Easy miles")
    email = "new.reader@example.com"

    page.goto(live_server.url)
    form = page.locator(".subscribe-call form")
    form.get_by_label("Your email address").fill(email)
    form.get_by_label("The beginner guidance series").check()
    page.shot("home-form-filled")
    form.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-inbox/")
    page.shot("check-your-inbox")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"

    (confirmation,) = mail.outbox
    assert confirmation.to == [email]
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", confirmation.body).group(0)
    page.goto(link)
    page.shot("confirm")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    page.get_by_role("button", name="Confirm my subscription").click()
    page.wait_for_load_state()
    page.shot("welcome")
    assert "Welcome" in page.get_by_role("heading", level=1).inner_text()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (True, True)
    assert subscriber.consent_source == "home"

    issue = Issue.objects.create(
        subject="Rest is training too", intro="Hello!", status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )  # fmt: skip
    message = render_issue(issue).message_for(subscriber)
    unsubscribe = re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    page.goto(unsubscribe)
    page.shot("unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    page.shot("unsubscribed")
    assert page.get_by_role("heading", level=1).inner_text() == "You are unsubscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # A mail app's one-click POST repeats it: no CSRF token, still 200, nothing changes.
    repeat = page.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert repeat.status == 200
    assert Subscriber.objects.get().unsubscribed_at == subscriber.unsubscribed_at
