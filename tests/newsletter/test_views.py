"""The newsletter's public pages: signing up (and every way a sign-up is refused), confirming,
leaving in one click, preferences, the member's one-step sign-up and the issue archive."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.forms import BOT_MESSAGE
from newsletter.forms import NO_LIST_MESSAGE, UNKNOWN_SOURCE_MESSAGE
from newsletter.models import Issue, IssueArticle, Subscriber
from newsletter.services import suppression
from newsletter.services.subscriptions import CONSENT_TEXT, confirm_token, manage_token
from tests.articles.factories import ArticleFactory, ImageFactory, ThemeFactory
from tests.community.factories import EmailAddressFactory
from tests.newsletter.factories import IssueArticleFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE_URL = reverse("newsletter:subscribe")
DONE_URL = reverse("newsletter:subscribe-done")
MEMBER_URL = reverse("newsletter:member-subscribe")
ISSUES_URL = reverse("newsletter:issue-list")
SAME_ANSWER = "If this address can receive our emails, a confirmation link is on its way."


# --- Helpers --------------------------------------------------------------------------------------


def sign_up(client, human, *, ip="203.0.113.7", follow=False, **data):
    """POST the sign-up form as a browser would; a None value leaves that field out."""
    fields = {"email": "ruth@example.com", "newsletter": "on", "source": "home", **human, **data}
    fields = {name: value for name, value in fields.items() if value is not None}
    return client.post(SUBSCRIBE_URL, fields, REMOTE_ADDR=ip, follow=follow)


def main_of(response) -> str:
    """The page's own content, without the site header, footer and cookie notice."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def without_csrf_token(response) -> str:
    """The page as a visitor reads it: the CSRF token is masked afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def confirm_url(subscriber) -> str:
    return reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})


def unsubscribe_url(subscriber) -> str:
    return reverse("newsletter:unsubscribe", kwargs={"token": manage_token(subscriber)})


def preferences_url(subscriber) -> str:
    return reverse("newsletter:preferences", kwargs={"token": manage_token(subscriber)})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/newsletter/confirm/[^\s]+/)", message.body).group(1)


# --- The sign-up form -----------------------------------------------------------------------------


def test_newsletter_page_explains_both_lists_shows_the_form_and_links_to_the_archive(client):
    response = client.get(SUBSCRIBE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "The weekly letter" in html
    assert "The beginner guidance series" in html
    assert f'href="{ISSUES_URL}"' in html
    # Cached for everyone who is not signed in, so no per-visitor token (common/csrf.py).
    assert 'name="csrfmiddlewaretoken"' not in html
    assert "csrftoken" not in response.cookies
    assert 'name="source" value="newsletter"' in html
    assert CONSENT_TEXT in html


def test_home_page_and_article_pages_carry_the_subscribe_form(client):
    ThemeFactory()
    article = ArticleFactory()

    home = client.get("/").content.decode()
    article_page = client.get(article.get_absolute_url()).content.decode()

    for html, source in ((home, "home"), (article_page, "article")):
        assert f'action="{SUBSCRIBE_URL}"' in html
        assert f'name="source" value="{source}"' in html
        assert 'name="rendered_at"' in html


def test_subscribing_records_consent_and_always_answers_check_your_inbox(client, human):
    response = sign_up(client, human, email=" Ruth@Example.com ", beginner_series="on")

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ruth@example.com"
    assert subscriber.status == Subscriber.Status.PENDING
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (True, True)
    assert subscriber.consent_source == "home"
    assert subscriber.consent_text == CONSENT_TEXT
    assert subscriber.consent_at is not None
    done = client.get(DONE_URL).content.decode()
    assert "Check your inbox" in done
    assert SAME_ANSWER in done
    assert "7 days" in done
    assert "spam" in done


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "ruth@example"}, "Enter an email address like name@example.com."),
        ({"email": "ruth at example.com"}, "Enter an email address like name@example.com."),
        ({"newsletter": None}, NO_LIST_MESSAGE),
        ({"website": "http://spam.example"}, BOT_MESSAGE),
        ({"source": "elsewhere"}, UNKNOWN_SOURCE_MESSAGE),
    ],
    ids=["no-domain-dot", "spaces", "no-list-chosen", "honeypot-filled", "unknown-source"],
)
def test_a_refused_sign_up_explains_why_keeps_the_address_and_saves_nothing(
    client, human, mailoutbox, django_capture_on_commit_callbacks, data, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, human, **data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    typed = data.get("email", "ruth@example.com")
    assert f'value="{typed}"' in html
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_a_form_sent_faster_than_a_person_types_is_refused(
    client, human, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FORM_MIN_SECONDS = 30

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, human)

    assert response.status_code == 400
    assert BOT_MESSAGE in response.content.decode()
    assert 'value="ruth@example.com"' in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_sign_ups_for_one_address_are_rate_limited(client, human, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe": (1, 3600)}
    sign_up(client, human, ip="203.0.113.7")

    response = sign_up(client, human, ip="198.51.100.9", newsletter=None, beginner_series="on")

    html = response.content.decode()
    assert response.status_code == 429
    assert "too many sign-up requests" in html
    assert 'value="ruth@example.com"' in html
    subscriber = Subscriber.objects.get()
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (True, False)


def test_sign_ups_from_one_network_are_rate_limited(client, human, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe-network": (1, 3600)}
    assert sign_up(client, human, email="first@example.com", ip="203.0.113.7").status_code == 302

    refused = sign_up(client, human, email="second@example.com", ip="203.0.113.200")
    elsewhere = sign_up(client, human, email="third@example.com", ip="198.51.100.9")

    assert refused.status_code == 429
    assert "too many sign-up requests" in refused.content.decode()
    assert 'value="second@example.com"' in refused.content.decode()
    assert elsewhere.status_code == 302
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "first@example.com",
        "third@example.com",
    }


def test_the_confirmation_email_is_sent_once_to_the_address_with_a_working_link(
    client, human, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, human)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ruth@example.com"]
    assert message.subject == "Please confirm your subscription to Run Toward Balance"
    assert client.get(link_in(message)).status_code == 200


def test_the_confirmation_email_carries_nothing_the_visitor_typed(
    client, human, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, human, email="first.target@example.com", source="home")
        sign_up(
            client, human, email="second.target@example.com", source="article",
            newsletter=None, beginner_series="on",
        )  # fmt: skip

    first, second = mailoutbox

    def fixed_copy(message):
        texts = [message.subject, message.body, message.alternatives[0].content]
        return [re.sub(r"/newsletter/confirm/[^/\s\"<]+/", "LINK", text) for text in texts]

    # Whatever was typed (address, lists, page), the only difference is the signed link.
    assert fixed_copy(first) == fixed_copy(second)
    assert "target" not in "".join(fixed_copy(first))


def test_signing_up_again_the_same_day_sends_no_second_email(
    client, human, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(client, human)
        second = sign_up(client, human)
    assert (first["Location"], second["Location"]) == (DONE_URL, DONE_URL)
    assert len(mailoutbox) == 1

    time_machine.shift(timedelta(days=1, minutes=1))
    form = client.get(SUBSCRIBE_URL).context["subscribe_form"]
    a_day_later = {**human, "rendered_at": form["rendered_at"].value()}
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, a_day_later)
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("status", [Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING])
def test_a_known_address_gets_exactly_the_answer_a_new_one_gets(
    client, human, mailoutbox, django_capture_on_commit_callbacks, status
):
    known = SubscriberFactory(
        email="known@example.com", status=status, confirmation_sent_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        for_known = sign_up(client, human, email="known@example.com", follow=True)
        for_new = sign_up(client, human, email="new@example.com", follow=True)

    assert for_known.status_code == for_new.status_code == 200
    assert for_known.redirect_chain == for_new.redirect_chain == [(DONE_URL, 302)]
    assert without_csrf_token(for_known) == without_csrf_token(for_new)
    assert [message.to for message in mailoutbox] == [["new@example.com"]]
    known.refresh_from_db()
    assert known.status == status


# --- Confirming -----------------------------------------------------------------------------------


def test_opening_the_confirmation_link_confirms_nobody(client):
    subscriber = SubscriberFactory(email="sam@example.com", status=Subscriber.Status.PENDING)

    response = client.get(confirm_url(subscriber))

    assert response.status_code == 200
    assert "Confirm my subscription" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_pressing_confirm_subscribes_and_shows_the_welcome_page(client):
    subscriber = SubscriberFactory(
        email="sam@example.com", status=Subscriber.Status.PENDING, wants_beginner_series=True
    )

    response = client.post(confirm_url(subscriber))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome" in html
    assert preferences_url(subscriber) in html
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert subscriber.series_started_on == timezone.localdate()


def test_a_replayed_confirmation_shows_the_welcome_page_and_changes_nothing(client):
    subscriber = SubscriberFactory(email="sam@example.com", status=Subscriber.Status.PENDING)
    client.post(confirm_url(subscriber))
    subscriber.refresh_from_db()
    confirmed_at = subscriber.confirmed_at

    response = client.post(confirm_url(subscriber))

    assert response.status_code == 200
    assert "Welcome" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == confirmed_at


def test_a_tampered_confirmation_link_gives_a_clear_page_and_confirms_nobody(client):
    subscriber = SubscriberFactory(email="sam@example.com", status=Subscriber.Status.PENDING)
    url = confirm_url(subscriber)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert f'href="{SUBSCRIBE_URL}"' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_an_expired_confirmation_link_gives_a_clear_page_and_confirms_nobody(client, time_machine):
    subscriber = SubscriberFactory(email="sam@example.com", status=Subscriber.Status.PENDING)
    url = confirm_url(subscriber)
    time_machine.move_to(timezone.now() + timedelta(days=8))

    response = client.post(url)

    assert response.status_code == 404
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_an_old_confirmation_link_does_not_sign_up_someone_who_left(client):
    subscriber = SubscriberFactory(email="sam@example.com", status=Subscriber.Status.PENDING)
    url = confirm_url(subscriber)
    client.post(url)
    client.post(unsubscribe_url(subscriber))

    response = client.post(url)

    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# --- Leaving and preferences ----------------------------------------------------------------------


def test_the_unsubscribe_link_shows_one_button_and_changes_nothing(client):
    subscriber = SubscriberFactory(email="sam@example.com")

    response = client.get(unsubscribe_url(subscriber))

    assert response.status_code == 200
    assert main_of(response).count("<button") == 1
    assert ">Unsubscribe</button>" in main_of(response)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_one_click_unsubscribe_works_without_cookies_or_csrf_token_and_a_repeat_changes_nothing():
    subscriber = SubscriberFactory(email="sam@example.com")
    mail_client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(subscriber)

    first = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    subscriber.refresh_from_db()
    left_at = subscriber.unsubscribed_at
    again = mail_client.post(url, {"List-Unsubscribe": "One-Click"})

    assert first.status_code == again.status_code == 200
    assert "You are unsubscribed" in first.content.decode()
    assert "You are unsubscribed" in again.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert left_at is not None
    assert subscriber.unsubscribed_at == left_at


def test_a_bad_unsubscribe_link_gives_a_clear_page(client):
    subscriber = SubscriberFactory(email="sam@example.com")
    url = unsubscribe_url(subscriber).replace(":", ":x", 1)

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_the_preferences_page_switches_lists(client):
    subscriber = SubscriberFactory(
        email="sam@example.com", wants_newsletter=True, wants_beginner_series=False
    )
    url = preferences_url(subscriber)
    page = client.get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="newsletter"[^>]*checked', page)
    assert not re.search(r'<input type="checkbox" name="beginner_series"[^>]*checked', page)

    response = client.post(url, {"beginner_series": "on"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Saved" in response.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (False, True)
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.series_started_on == timezone.localdate()


def test_unticking_both_lists_unsubscribes(client):
    subscriber = SubscriberFactory(email="sam@example.com")

    response = client.post(preferences_url(subscriber), {})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_an_unsubscribed_address_is_offered_a_fresh_sign_up_not_a_switch(client):
    subscriber = SubscriberFactory(
        email="sam@example.com", status=Subscriber.Status.UNSUBSCRIBED, wants_newsletter=False
    )
    url = preferences_url(subscriber)

    page = client.get(url).content.decode()
    response = client.post(url, {"newsletter": "on"})

    assert f'href="{SUBSCRIBE_URL}"' in page
    assert 'name="newsletter"' not in page
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.wants_newsletter is False


def test_a_bad_preferences_link_gives_a_clear_page(client):
    response = client.get(reverse("newsletter:preferences", kwargs={"token": "not-a-token"}))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


# --- A member's one-step sign-up ------------------------------------------------------------------


def verify(member):
    EmailAddressFactory(user=member)


def test_a_member_with_a_verified_address_subscribes_in_one_step(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    verify(member)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MEMBER_URL, {"newsletter": "on", "beginner_series": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == member.email
    assert subscriber.user == member
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_source == "profile"
    assert subscriber.wants_beginner_series is True
    # No confirmation to click: only the welcome and week one of the series, sent at once.
    assert sorted(mail.subject.split(" —")[0] for mail in mailoutbox) == [
        "Welcome to Run Toward Balance",
        "Your first run-walk",
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Subscribed! Our emails will come to mira@example.com."
    ]


def test_a_member_signing_up_too_often_is_told_how_long_is_left(
    client, member, settings, time_machine
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe": (1, 600)}
    verify(member)
    client.force_login(member)
    time_machine.move_to(timezone.now(), tick=False)
    client.post(MEMBER_URL, {"newsletter": "on"})
    time_machine.shift(timedelta(minutes=4))

    response = client.post(MEMBER_URL, {"newsletter": "on"})

    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "That was several changes in a short while. Please try again in 6 minutes."
    )


def test_a_member_must_verify_their_address_before_the_one_step_sign_up(client, member):
    EmailAddressFactory(user=member, verified=False)
    client.force_login(member)

    response = client.post(MEMBER_URL, {"newsletter": "on"})

    assert response["Location"] == reverse("profile")
    (message,) = get_messages(response.wsgi_request)
    assert "verify your email address first" in str(message)
    assert not Subscriber.objects.exists()


def test_a_member_sign_up_without_a_list_is_refused(client, member):
    verify(member)
    client.force_login(member)

    response = client.post(MEMBER_URL, {})

    assert response["Location"] == reverse("profile")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NO_LIST_MESSAGE]
    assert not Subscriber.objects.exists()


def test_the_one_step_sign_up_needs_a_signed_in_member_and_a_post(client, member):
    assert client.post(MEMBER_URL, {"newsletter": "on"})["Location"].startswith("/accounts/login/")
    client.force_login(member)
    assert client.get(MEMBER_URL).status_code == 405
    assert not Subscriber.objects.exists()


def test_the_member_box_shows_the_current_subscription_and_the_one_step_form(rf, member):
    request = rf.get("/accounts/profile/")
    none = render_to_string(
        "newsletter/includes/member_box.html", {"subscription": None}, request=request
    )
    subscriber = SubscriberFactory(
        email=member.email, wants_newsletter=False, wants_beginner_series=True
    )
    subscribed = render_to_string(
        "newsletter/includes/member_box.html", {"subscription": subscriber}, request=request
    )

    assert f'action="{MEMBER_URL}"' in none
    assert 'name="csrfmiddlewaretoken"' in none
    assert ">Subscribe</button>" in none
    assert "You get\n      the beginner guidance series" in subscribed
    assert re.search(r'name="beginner_series"[^>]*checked', subscribed)
    assert not re.search(r'name="newsletter"[^>]*checked', subscribed)


# --- The archive ----------------------------------------------------------------------------------


def test_the_archive_lists_sent_issues_only_newest_first(client):
    now = timezone.now()
    IssueFactory(sent=True, subject="Older letter", sent_at=now - timedelta(days=7))
    IssueFactory(sent=True, subject="Newer letter", sent_at=now)
    for status in (Issue.Status.DRAFT, Issue.Status.SCHEDULED, Issue.Status.SENDING):
        IssueFactory(subject=f"Not yet: {status}", status=status)

    html = client.get(ISSUES_URL).content.decode()

    assert html.index("Newer letter") < html.index("Older letter")
    assert "Not yet" not in html


def test_the_archive_is_paginated_by_twelve(client):
    now = timezone.now()
    for number in range(13):
        IssueFactory(
            sent=True, subject=f"Letter number {number:02}", sent_at=now - timedelta(days=number)
        )

    first = client.get(ISSUES_URL).content.decode()
    second = client.get(ISSUES_URL, {"page": 2}).content.decode()

    assert "Letter number 11" in first
    assert "Letter number 12" not in first
    assert "Letter number 12" in second


@pytest.mark.parametrize("count", [2, 10])
def test_the_archive_costs_the_same_queries_however_many_issues(
    client, django_assert_num_queries, count
):
    for number in range(count):
        IssueFactory(sent=True, subject=f"Letter {number}")

    with django_assert_num_queries(2):  # the count for the paginator, then the page
        response = client.get(ISSUES_URL)

    assert response.status_code == 200


def test_a_sent_issue_has_a_web_version_with_its_published_articles(client):
    issue = IssueFactory(
        sent=True,
        subject="Rest days",
        preheader="Why slowing down speeds you up",
        intro="Easy **weeks** matter.",
    )
    shown = ArticleFactory(title="The science of rest")
    hidden = ArticleFactory(title="Still being written", draft=True)
    IssueArticleFactory(issue=issue, article=shown, order=1)
    IssueArticleFactory(issue=issue, article=hidden, order=2)

    response = client.get(issue.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>weeks</strong>" in html
    assert "The science of rest" in html
    assert "Still being written" not in html
    assert "Unsubscribe" not in html
    assert "Preview" not in html


@pytest.mark.parametrize(
    "status",
    [Issue.Status.DRAFT, Issue.Status.SCHEDULED, Issue.Status.SENDING, Issue.Status.CANCELLED],
)
def test_an_issue_not_sent_is_hidden_from_readers_and_members(client, member, status):
    issue = IssueFactory(subject="Rest days", status=status)

    assert client.get(issue.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_an_editor_previews_an_issue_not_yet_sent_with_a_banner(client, editor):
    issue = IssueFactory(subject="Coming soon", status=Issue.Status.DRAFT)
    IssueArticle.objects.create(
        issue=issue, article=ArticleFactory(title="Draft piece", draft=True)
    )
    client.force_login(editor)

    response = client.get(issue.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — this letter is draft" in html
    assert "Draft piece" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.parametrize("count", [1, 4])
def test_the_web_version_costs_the_same_queries_however_many_articles(
    client, django_assert_num_queries, count
):
    issue = IssueFactory(sent=True, subject="Rest days")
    for order in range(count):
        article = ArticleFactory(hero_image=ImageFactory())
        IssueArticleFactory(issue=issue, article=article, order=order)

    # The issue, its article ids, the articles with comment counts (and their images' sources).
    with django_assert_num_queries(3):
        response = client.get(issue.get_absolute_url())

    assert response.status_code == 200


def test_a_member_whose_address_complained_is_told_why_the_profile_cannot_subscribe_it(
    client, member, mailoutbox
):
    EmailAddressFactory(user=member)
    suppression.mark_complained(email=member.email, detail="Postmark: spam complaint")
    client.force_login(member)

    response = client.post(MEMBER_URL, {"newsletter": "on"}, follow=True)

    assert "We stopped all our emails to mira@example.com" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def _comparable(html: str) -> str:
    """The markup with its one-time values (the signed stamp, a CSRF token's mask) and the
    whitespace between tags left out."""
    html = re.sub(r'(name="(?:rendered_at|csrfmiddlewaretoken)" value=")[^"]*', r"\1", html)
    return re.sub(r">\s+<", "><", " ".join(html.split()))


@pytest.mark.parametrize("source", ["home", "article", "newsletter"])
@pytest.mark.parametrize("boxed", [False, True])
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_fresh_sign_up_form_is_the_forms_own_markup(rf, source, boxed, signed_in):
    """The home, article and issue pages show a Jinja2 copy of the fresh form; it must stay what
    the form itself renders (labels, ids, attributes), and carry a CSRF token for members only."""
    from django.contrib.auth.models import AnonymousUser

    from newsletter.forms import SubscribeForm
    from tests.community.factories import UserFactory

    request = rf.get("/")
    request.user = UserFactory.build() if signed_in else AnonymousUser()
    context = {"source": source, "boxed": boxed}
    include = "newsletter/includes/subscribe_form.html"

    fresh = render_to_string(include, context, request=request)
    forms_own = render_to_string(
        include,
        {**context, "subscribe_form": SubscribeForm(initial={"source": source})},
        request=request,
    )

    assert _comparable(fresh) == _comparable(forms_own)
    assert f'name="source" value="{source}"' in fresh
    assert ("csrfmiddlewaretoken" in fresh) == signed_in
