"""The editors' newsletter workspace, driven through the real admin as an editor (staff, not
superuser): compose, preview, test, schedule or send, watch, pause and cancel."""

import smtplib
from datetime import timedelta

import pytest
from anymail.exceptions import AnymailAPIError
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import signing
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.permissions import EDITORS_GROUP
from newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    ProviderEvent,
    Subscriber,
    SuppressedAddress,
)
from newsletter.services import sending, subscriptions, suppression
from tests.articles.factories import ArticleFactory
from tests.community.factories import UserFactory
from tests.newsletter import providers
from tests.newsletter.factories import DeliveryFactory, IssueArticleFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

EMAIL = "gone@example.com"
ISSUE_ADD = reverse("admin:newsletter_issue_add")
ISSUE_CHANGELIST = reverse("admin:newsletter_issue_changelist")
EXTRA_VIEWS = [
    "preview_html",
    "preview_text",
    "send_test",
    "send",
    "progress",
    "pause",
    "resume",
    "cancel",
]


class RefusingBackend(EmailBackend):
    """The test outbox, behind a server that refuses every address containing "bounce" (550)."""

    def send_messages(self, messages):
        for message in messages:
            refused = {
                address: (550, b"5.1.1 no such user")
                for address in message.recipients()
                if "bounce" in address
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def articles():
    return [
        ArticleFactory(title="Slow miles, calm mind"),
        ArticleFactory(title="Walking breaks are not cheating"),
    ]


@pytest.fixture
def issue(articles):
    issue = Issue.objects.create(
        subject="Rest days, honestly",
        preheader="Why doing less helps",
        intro="This week: *rest*.",
        closing="See you on the trail.",
    )
    for order, article in enumerate(articles, start=1):
        IssueArticleFactory(issue=issue, article=article, order=order)
    return issue


def subscribe(email, status=Subscriber.Status.CONFIRMED, **fields):
    return SubscriberFactory(email=email, status=status, **fields)


@pytest.fixture
def audience():
    """Three confirmed readers of the newsletter, and two people who must not get it."""
    confirmed = [subscribe(f"reader{n}@example.com") for n in range(3)]
    subscribe("pending@example.com", Subscriber.Status.PENDING)
    subscribe("gone@example.com", Subscriber.Status.UNSUBSCRIBED)
    return confirmed


def url(name, issue):
    return reverse(f"admin:newsletter_issue_{name}", args=[issue.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def send_now(client, issue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url("send", issue), {"scheduled_at": "", "send-now": "Send now"})


def in_future(**delta):
    return timezone.localtime(timezone.now() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def inline_data(*rows):
    data = {
        "issue_articles-TOTAL_FORMS": str(len(rows)),
        "issue_articles-INITIAL_FORMS": "0",
        "issue_articles-MIN_NUM_FORMS": "0",
        "issue_articles-MAX_NUM_FORMS": "1000",
    }
    for index, (order, article) in enumerate(rows):
        data[f"issue_articles-{index}-order"] = str(order)
        data[f"issue_articles-{index}-article"] = str(article.pk)
    return data


# --- Composing --------------------------------------------------------------------------------


def test_an_editor_composes_an_issue_with_two_ordered_articles(editor_client, editor, articles):
    first, second = articles
    assert editor_client.get(ISSUE_ADD).status_code == 200

    response = editor_client.post(
        ISSUE_ADD,
        {
            "subject": "Hills without fear",
            "preheader": "Short steps, long views",
            "intro": "Walk the **steep** bits.",
            "closing": "Until next week.",
            **inline_data((2, first), (1, second)),
        },
    )

    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.subject == "Hills without fear"
    assert issue.status == Issue.Status.DRAFT
    assert issue.created_by == editor
    assert "<strong>steep</strong>" in issue.intro_html
    ordered = [link.article for link in issue.issue_articles.order_by("order")]
    assert ordered == [second, first]


def test_the_same_article_twice_is_refused_and_nothing_is_saved(editor_client, articles):
    response = editor_client.post(
        ISSUE_ADD,
        {
            "subject": "Hills without fear",
            "intro": "Walk the steep bits.",
            **inline_data((1, articles[0]), (2, articles[0])),
        },
    )

    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert 'value="Hills without fear"' in response.content.decode()
    assert not Issue.objects.exists()
    assert not IssueArticle.objects.exists()


def test_featured_articles_are_found_by_title_in_the_autocomplete(editor_client, articles):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsletter",
            "model_name": "issuearticle",
            "field_name": "article",
            "term": "calm",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(articles[0].pk), "text": articles[0].title}]


def test_an_issue_without_an_introduction_is_refused_with_the_subject_kept(editor_client):
    response = editor_client.post(
        ISSUE_ADD, {"subject": "Hills without fear", "intro": "", **inline_data()}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["intro"] == ["This field is required."]
    assert 'value="Hills without fear"' in response.content.decode()
    assert not Issue.objects.exists()


def test_the_change_form_offers_preview_test_and_send_for_a_draft(editor_client, issue):
    page = editor_client.get(url("change", issue)).content.decode()

    for name in ["preview_html", "preview_text", "send_test", "send"]:
        assert url(name, issue) in page
    for name in ["pause", "resume", "cancel"]:
        assert url(name, issue) not in page


@pytest.mark.parametrize(
    "status", [Issue.Status.SENDING, Issue.Status.PAUSED, Issue.Status.SENT, Issue.Status.CANCELLED]
)
def test_an_issue_is_locked_once_its_send_has_started(editor_client, issue, articles, status):
    Issue.objects.filter(pk=issue.pk).update(status=status)

    page = editor_client.get(url("change", issue)).content.decode()
    assert 'name="subject"' not in page
    assert 'name="_save"' not in page
    assert url("send", issue) not in page
    response = editor_client.post(
        url("change", issue),
        {"subject": "Changed mid-send", "intro": "New words.", **inline_data()},
    )

    issue.refresh_from_db()
    assert response.status_code == 302
    assert issue.subject == "Rest days, honestly"
    assert issue.intro == "This week: *rest*."
    assert issue.issue_articles.count() == 2


def test_only_a_sent_issue_links_to_its_web_version(editor_client, issue):
    assert 'class="viewsitelink"' not in editor_client.get(url("change", issue)).content.decode()

    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)

    assert 'class="viewsitelink"' in editor_client.get(url("change", issue)).content.decode()


def test_the_issue_list_shows_progress_in_a_fixed_number_of_queries(
    editor_client, issue, audience, django_assert_num_queries
):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    DeliveryFactory(issue=issue, subscriber=audience[0], status=Delivery.Status.SENT)
    DeliveryFactory(issue=issue, subscriber=audience[1], status=Delivery.Status.FAILED)
    DeliveryFactory(issue=issue, subscriber=audience[2])
    for n in range(4):
        Issue.objects.create(subject=f"Older issue {n}", intro="Words.")

    with django_assert_num_queries(7):
        response = editor_client.get(ISSUE_CHANGELIST)

    assert response.status_code == 200
    assert "1 sent · 1 failed · 1 queued" in response.content.decode()


# --- Preview and test -------------------------------------------------------------------------


def _unsubscribe_token(text):
    marker = "/newsletter/unsubscribe/"
    return text.split(marker, 1)[1].split("/", 1)[0]


def test_the_html_preview_shows_the_issue_with_a_harmless_unsubscribe_link(
    editor_client, issue, audience
):
    response = editor_client.get(url("preview_html", issue))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    page = response.content.decode()
    assert "Rest days, honestly" in page
    assert "Slow miles, calm mind" in page
    assert "Walking breaks are not cheating" in page
    assert page.index("Slow miles, calm mind") < page.index("Walking breaks are not cheating")
    # The link's token names no real subscriber, so following it unsubscribes nobody.
    token = _unsubscribe_token(page)
    assert signing.loads(token, salt=subscriptions.MANAGE_SALT) == 0
    assert Subscriber.objects.count() == 5


def test_the_text_preview_is_plain_text_with_articles_and_an_unsubscribe_link(editor_client, issue):
    response = editor_client.get(url("preview_text", issue))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Rest days, honestly" in text
    assert "Slow miles, calm mind" in text
    assert "Walking breaks are not cheating" in text
    assert "<p>" not in text
    assert subscriptions.subscriber_from_manage_token(_unsubscribe_token(text)) is None


def test_send_a_test_mails_only_the_editor_and_records_no_delivery(
    editor_client, editor, issue, audience, mailoutbox
):
    response = editor_client.post(url("send_test", issue))

    assert response.status_code == 302
    assert response.url == url("change", issue)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [editor.email]
    assert "Rest days, honestly" in mailoutbox[0].subject
    assert not Delivery.objects.exists()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert messages_of(response) == [f"Test sent to {editor.email}."]


def test_a_test_that_the_mail_server_refuses_says_so(editor_client, editor, issue, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.test_admin.RefusingBackend"
    editor.email = "bounce@example.com"
    editor.save()

    response = editor_client.post(url("send_test", issue))

    assert response.status_code == 302
    [message] = messages_of(response)
    assert "could not be sent" in message
    assert "no such user" in message


# --- Scheduling and sending -------------------------------------------------------------------


class ProviderDownBackend(EmailBackend):
    """A provider's API that answers 503 (anymail raises its own error, not an SMTP one)."""

    def send_messages(self, messages):
        raise AnymailAPIError("Postmark API response 503: Service Unavailable")


def test_a_test_the_providers_api_fails_says_so(editor_client, issue, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.test_admin.ProviderDownBackend"

    response = editor_client.post(url("send_test", issue))

    assert response.status_code == 302
    [message] = messages_of(response)
    assert "could not be sent: Postmark API response 503" in message


def test_the_send_page_shows_the_number_of_confirmed_recipients(editor_client, issue, audience):
    response = editor_client.get(url("send", issue))

    assert response.status_code == 200
    assert response.context["recipients"] == 3
    assert 'value="Send now to 3 subscribers"' in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_the_send_page_warns_about_featured_articles_not_yet_published(editor_client, issue):
    ArticleFactory(title="Coming soon", draft=True)
    IssueArticleFactory(
        issue=issue, article=ArticleFactory(title="Not ready yet", draft=True), order=3
    )

    page = editor_client.get(url("send", issue)).content.decode()

    assert "Not yet published" in page
    assert "Not ready yet" in page
    assert "Coming soon" not in page


def test_scheduling_in_the_past_is_refused_and_changes_nothing(
    editor_client, issue, audience, mailoutbox
):
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = editor_client.post(url("send", issue), {"scheduled_at": past, "schedule": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["scheduled_at"] == [
        "That time has already passed. Choose a time in the future, or send it now."
    ]
    assert f'value="{past}"' in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert issue.scheduled_at is None
    assert not Delivery.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("value", ["", "next tuesday"])
def test_scheduling_without_a_valid_time_is_refused(editor_client, issue, value):
    response = editor_client.post(url("send", issue), {"scheduled_at": value, "schedule": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["scheduled_at"]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_scheduling_in_the_future_schedules_the_issue_and_sends_nothing_yet(
    editor_client, issue, audience, mailoutbox, django_capture_on_commit_callbacks
):
    when = in_future(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("send", issue), {"scheduled_at": when, "schedule": "1"})

    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED
    assert timezone.localtime(issue.scheduled_at).strftime("%Y-%m-%dT%H:%M") == when
    assert mailoutbox == []
    assert not Delivery.objects.exists()
    assert messages_of(response)[0].startswith("Scheduled:")


def test_send_now_mails_each_confirmed_subscriber_once_and_shows_progress(
    editor_client, issue, audience, mailoutbox, django_capture_on_commit_callbacks
):
    response = send_now(editor_client, issue, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == url("progress", issue)
    assert sorted(m.to[0] for m in mailoutbox) == [s.email for s in audience]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3
    assert Delivery.objects.count() == 3
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.recipient_count == 3

    progress = editor_client.get(url("progress", issue))
    assert progress.context["counts"]["sent"] == 3
    assert '<div class="nl-count nl-count--sent"><dt>Sent</dt><dd>3</dd></div>' in (
        progress.content.decode()
    )
    assert 'http-equiv="refresh"' not in progress.content.decode()


def test_pressing_send_twice_starts_one_send(
    editor_client, issue, audience, mailoutbox, django_capture_on_commit_callbacks
):
    send_now(editor_client, issue, django_capture_on_commit_callbacks)
    second = send_now(editor_client, issue, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 3
    assert Delivery.objects.count() == 3
    assert second.status_code == 302
    assert "already started" in messages_of(second)[-1]


def test_refused_addresses_show_as_failures_never_as_sent(
    editor_client, issue, audience, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.newsletter.test_admin.RefusingBackend"
    subscribe("bounce@example.com")

    send_now(editor_client, issue, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 3
    assert sending.progress(issue) == {
        "queued": 0,
        "sending": 0,
        "sent": 3,
        "failed": 1,
        "skipped": 0,
    }
    response = editor_client.get(url("progress", issue))
    page = response.content.decode()
    assert '<div class="nl-count nl-count--failed"><dt>Failed</dt><dd>1</dd></div>' in page
    assert '<div class="nl-count nl-count--sent"><dt>Sent</dt><dd>3</dd></div>' in page
    [failure] = response.context["failures"]
    assert failure.subscriber.email == "bounce@example.com"
    assert "no such user" in failure.last_error
    failures_table = page.split('<table id="failures">', 1)[1]
    assert "bounce@example.com" in failures_table
    assert "no such user" in failures_table
    listing = editor_client.get(ISSUE_CHANGELIST).content.decode()
    assert "3 sent · 1 failed · 0 queued" in listing


def test_the_progress_page_lists_the_first_fifty_failures_in_fixed_queries(
    editor_client, issue, django_assert_num_queries
):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    for n in range(55):
        DeliveryFactory(
            issue=issue,
            subscriber=subscribe(f"bounce{n}@example.com"),
            status=Delivery.Status.FAILED,
            last_error="550 no such user",
        )

    with django_assert_num_queries(8):
        response = editor_client.get(url("progress", issue))

    assert len(response.context["failures"]) == 50
    assert "The first 50 of 55 are shown." in response.content.decode()


def test_the_progress_page_refreshes_itself_while_sending(editor_client, issue):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)

    page = editor_client.get(url("progress", issue)).content.decode()

    assert '<meta http-equiv="refresh" content="5">' in page
    assert url("pause", issue) in page
    assert url("cancel", issue) in page


def test_the_change_form_shows_progress_counts(editor_client, issue, audience):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    DeliveryFactory(issue=issue, subscriber=audience[0], status=Delivery.Status.SENT)
    DeliveryFactory(issue=issue, subscriber=audience[1], status=Delivery.Status.FAILED)

    page = editor_client.get(url("change", issue)).content.decode()

    assert '<div class="nl-count nl-count--sent"><dt>Sent</dt><dd>1</dd></div>' in page
    assert '<div class="nl-count nl-count--failed"><dt>Failed</dt><dd>1</dd></div>' in page
    assert url("pause", issue) in page


# --- Pausing, resuming, cancelling ------------------------------------------------------------


@pytest.fixture
def half_sent(issue, audience):
    """An issue in the middle of its send: one subscriber mailed, two still queued."""
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, recipient_count=3)
    DeliveryFactory(issue=issue, subscriber=audience[0], status=Delivery.Status.SENT)
    for subscriber in audience[1:]:
        DeliveryFactory(issue=issue, subscriber=subscriber)
    issue.refresh_from_db()
    return issue


def test_pause_stops_further_batches_and_resume_finishes_the_send(
    editor_client, half_sent, mailoutbox, django_capture_on_commit_callbacks
):
    response = editor_client.post(url("pause", half_sent))

    assert response.status_code == 302
    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.PAUSED
    assert sending.send_next_batch(issue=half_sent) == 0
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url("resume", half_sent))

    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.SENT
    assert sorted(m.to[0] for m in mailoutbox) == ["reader1@example.com", "reader2@example.com"]


def test_a_send_paused_before_its_deliveries_were_prepared_still_reaches_everyone_on_resume(
    editor_client, issue, audience, mailoutbox, django_capture_on_commit_callbacks
):
    # "Send now" commits, but the preparing task has not run yet when the editor pauses.
    with django_capture_on_commit_callbacks(execute=False) as start:
        editor_client.post(url("send", issue), {"send-now": "1"})
    editor_client.post(url("pause", issue))
    for callback in start:
        callback()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url("resume", issue))

    issue.refresh_from_db()
    assert (issue.status, Delivery.objects.count()) == (Issue.Status.SENT, 3)
    assert sorted(m.to[0] for m in mailoutbox) == [s.email for s in audience]


def test_cancel_asks_first_and_then_stops_the_send_for_good(
    editor_client, half_sent, mailoutbox, django_capture_on_commit_callbacks
):
    confirm = editor_client.get(url("cancel", half_sent))
    assert confirm.status_code == 200
    assert "Cancelling stops this send for good" in confirm.content.decode()
    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.SENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("cancel", half_sent))

    assert response.status_code == 302
    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.CANCELLED
    assert sending.progress(half_sent)["skipped"] == 2
    assert sending.progress(half_sent)["sent"] == 1
    assert sending.send_next_batch(issue=half_sent) == 0
    assert mailoutbox == []
    # A cancelled send cannot be started again from the send page.
    editor_client.post(url("send", half_sent), {"send-now": "1"})
    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.CANCELLED
    assert mailoutbox == []


def test_cancelling_a_sent_issue_changes_nothing(editor_client, issue):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)

    response = editor_client.post(url("cancel", issue))

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert "cannot be cancelled" in messages_of(response)[0]


@pytest.mark.parametrize("name", ["send_test", "pause", "resume"])
def test_a_get_on_a_post_only_action_changes_nothing(editor_client, half_sent, mailoutbox, name):
    response = editor_client.get(url(name, half_sent))

    assert response.status_code == 405
    half_sent.refresh_from_db()
    assert half_sent.status == Issue.Status.SENDING
    assert mailoutbox == []


@pytest.mark.parametrize("name", ["send", "cancel", "progress", "preview_html"])
def test_a_get_on_a_page_with_a_form_changes_nothing(editor_client, issue, mailoutbox, name):
    response = editor_client.get(url(name, issue))

    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert mailoutbox == []


# --- Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXTRA_VIEWS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_is_sent_to_the_admin_login_from_every_issue_page(
    client, member, issue, mailoutbox, name, method
):
    client.force_login(member)

    response = getattr(client, method)(url(name, issue))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert mailoutbox == []


@pytest.mark.parametrize("name", ["send_test", "send", "pause", "cancel"])
def test_a_post_without_the_csrf_token_is_refused(editor, issue, mailoutbox, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(url(name, issue), {"send-now": "1"})

    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert mailoutbox == []


@pytest.fixture
def viewer_client(client):
    """Staff who may look at issues but not change them."""
    viewer = UserFactory(username="vera", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(viewer)
    return client


def test_staff_who_may_only_view_can_preview_but_not_send(
    viewer_client, issue, audience, mailoutbox
):
    assert viewer_client.get(url("preview_html", issue)).status_code == 200
    assert viewer_client.get(url("progress", issue)).status_code == 200
    assert url("send_test", issue) not in viewer_client.get(url("change", issue)).content.decode()

    for name in ["send_test", "send", "pause", "resume", "cancel"]:
        assert viewer_client.post(url(name, issue), {"send-now": "1"}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert mailoutbox == []


def test_an_unknown_issue_is_not_found(editor_client):
    assert editor_client.get("/admin/newsletter/issue/999999/progress/").status_code == 404


def test_an_editor_reads_subscribers_but_cannot_add_change_or_delete_them(editor_client, audience):
    reader = audience[0]
    listing = editor_client.get(reverse("admin:newsletter_subscriber_changelist"), {"q": "reader1"})
    assert listing.status_code == 200
    assert "reader1@example.com" in listing.content.decode()
    assert "reader0@example.com" not in listing.content.decode()

    change_url = reverse("admin:newsletter_subscriber_change", args=[reader.pk])
    assert editor_client.get(reverse("admin:newsletter_subscriber_add")).status_code == 403
    assert 'name="email"' not in editor_client.get(change_url).content.decode()
    response = editor_client.post(
        change_url, {"email": "someone-else@example.com", "status": "unsubscribed"}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:newsletter_subscriber_delete", args=[reader.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    reader.refresh_from_db()
    assert reader.email == "reader0@example.com"
    assert reader.status == Subscriber.Status.CONFIRMED


def test_an_editor_reads_deliveries_but_cannot_change_them(editor_client, half_sent):
    delivery = Delivery.objects.get(subscriber__email="reader1@example.com")
    listing = editor_client.get(
        reverse("admin:newsletter_delivery_changelist"), {"status__exact": "queued"}
    )
    assert listing.status_code == 200
    assert "reader1@example.com" in listing.content.decode()
    assert "reader0@example.com" not in listing.content.decode()

    change_url = reverse("admin:newsletter_delivery_change", args=[delivery.pk])
    assert editor_client.post(change_url, {"status": "sent"}).status_code == 403
    delete_url = reverse("admin:newsletter_delivery_delete", args=[delivery.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED


def test_an_editor_cannot_delete_an_issue_while_it_sends(editor_client, half_sent):
    delete_url = reverse("admin:newsletter_issue_delete", args=[half_sent.pk])

    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Issue.objects.filter(pk=half_sent.pk).exists()


def test_a_sent_issue_keeps_its_delivery_record_but_a_draft_can_be_deleted(
    editor_client, issue, audience
):
    sent = Issue.objects.create(subject="Last week", intro="Words.", status=Issue.Status.SENT)
    DeliveryFactory(issue=sent, subscriber=audience[0], status=Delivery.Status.SENT)

    refused = editor_client.post(
        reverse("admin:newsletter_issue_delete", args=[sent.pk]), {"post": "yes"}
    )
    deleted = editor_client.post(
        reverse("admin:newsletter_issue_delete", args=[issue.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert Delivery.objects.filter(issue=sent).exists()
    assert deleted.status_code == 302
    assert not Issue.objects.filter(pk=issue.pk).exists()


# --- Retrying failures, and stalled sends ------------------------------------------------------


def retry_failed(client, *issues):
    return client.post(
        ISSUE_CHANGELIST,
        {"action": "retry_failed_deliveries", "_selected_action": [i.pk for i in issues]},
        follow=True,
    )


def test_retry_failed_deliveries_resends_only_the_failed_ones(
    editor_client, issue, audience, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.newsletter.test_admin.RefusingBackend"
    subscribe("bounce@example.com")
    send_now(editor_client, issue, django_capture_on_commit_callbacks)
    assert Issue.objects.get().status == Issue.Status.SENT
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # mail fixed
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = retry_failed(editor_client, issue)

    assert [m.to for m in mailoutbox] == [["bounce@example.com"]]
    assert messages_of(response)[-1] == (
        "1 failed delivery queued to be sent again: “Rest days, honestly” (1). Nobody who got "
        "the issue is sent it again."
    )
    delivery = Delivery.objects.get(subscriber__email="bounce@example.com")
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert sending.progress(issue)["sent"] == 4
    assert Issue.objects.get().status == Issue.Status.SENT


def test_retry_failed_deliveries_on_an_issue_with_none_failed_says_so(
    editor_client, issue, audience, mailoutbox, django_capture_on_commit_callbacks
):
    send_now(editor_client, issue, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = retry_failed(editor_client, issue)

    assert messages_of(response)[-1] == (
        "No failed deliveries in the selected issues: nothing to do."
    )
    assert mailoutbox == []
    assert Issue.objects.get().status == Issue.Status.SENT


def test_staff_who_may_only_view_cannot_retry_failed_deliveries(viewer_client, issue, mailoutbox):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    DeliveryFactory(
        issue=issue, subscriber=subscribe("bounce@example.com"), status=Delivery.Status.FAILED
    )

    page = viewer_client.get(ISSUE_CHANGELIST).content.decode()
    assert "retry_failed_deliveries" not in page
    response = retry_failed(viewer_client, issue)

    assert response.status_code == 200
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert mailoutbox == []


def test_a_stalled_send_says_since_when_and_what_to_do(editor_client, issue, audience):
    since = timezone.now() - timedelta(minutes=12)
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENDING, prepared_at=since, progress_at=since, stalled_since=since
    )
    for subscriber in audience:
        DeliveryFactory(issue=issue, subscriber=subscriber)
    when = timezone.localtime(since)

    listing = editor_client.get(ISSUE_CHANGELIST).content.decode()
    progress = editor_client.get(url("progress", issue)).content.decode()
    change = editor_client.get(url("change", issue)).content.decode()

    assert f"Stalled since {when.strftime('%d %b %Y at %H:%M')} · 0 sent" in listing
    for page in (progress, change):
        assert "Stalled since" in page
        assert "Check that a Celery worker consumes the <code>emails</code> queue" in page
    Issue.objects.filter(pk=issue.pk).update(stalled_since=None)
    assert "Stalled since" not in editor_client.get(url("progress", issue)).content.decode()


# --- Suppressed addresses and provider events --------------------------------------------------


def test_a_subscribers_row_and_page_say_why_mail_to_them_stopped(editor_client, use_provider):
    use_provider("mailgun")
    gone = subscribe("gone@example.com")
    providers.webhook("mailgun", "hard_bounce", "gone@example.com").post(Client())
    subscribe("ana@example.com")
    event = ProviderEvent.objects.get()

    listing = editor_client.get(reverse("admin:newsletter_subscriber_changelist")).content.decode()
    page = editor_client.get(
        reverse("admin:newsletter_subscriber_change", args=[gone.pk])
    ).content.decode()

    assert listing.count("Suppressed: Bounced") == 1
    assert "Hard bounce: marked bounced on " in listing
    assert "Suppressed for every kind of mail (Bounced via Mailgun) on " in page
    assert "Last provider event: Hard bounce: marked bounced (Mailgun) on " in page
    assert event.description[:40] in page


def test_the_subscriber_list_reads_the_reasons_in_the_same_queries(
    editor_client, django_assert_max_num_queries
):
    for n in range(30):
        subscribe(f"runner{n}@example.com")
        suppression.mark_complained(email=f"runner{n}@example.com", detail="SES: abuse")

    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("admin:newsletter_subscriber_changelist"))

    assert response.content.decode().count("Suppressed: Spam complaint") == 30


def test_once_an_editor_lifts_a_complaint_the_address_may_subscribe_again(
    editor_client, use_provider, mailoutbox, django_capture_on_commit_callbacks
):
    use_provider("brevo")
    subscribe(EMAIL)
    providers.webhook("brevo", "complaint", EMAIL).post(Client())
    entry = SuppressedAddress.objects.get()

    response = editor_client.post(
        reverse("admin:newsletter_suppressedaddress_changelist"),
        {"action": "lift_suppressions", "_selected_action": [entry.pk]},
        follow=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        pending = subscriptions.subscribe(
            email=EMAIL, newsletter=True, beginner_series=False, source="home"
        )

    assert "1 suppression lifted" in response.content.decode()
    assert not SuppressedAddress.objects.exists()
    assert pending.status == Subscriber.Status.PENDING
    assert [mail.to for mail in mailoutbox] == [[EMAIL]]


def test_editors_may_read_stop_and_lift_but_never_edit_these_records():
    editors = Group.objects.get(name=EDITORS_GROUP)
    granted = set(
        editors.permissions.filter(content_type__app_label="newsletter").values_list(
            "codename", flat=True
        )
    )

    assert {
        "view_suppressedaddress",
        "add_suppressedaddress",
        "lift_suppressedaddress",
        "view_providerevent",
    } <= granted
    assert (
        not {
            "change_suppressedaddress",
            "delete_suppressedaddress",
            "add_providerevent",
            "change_providerevent",
            "delete_providerevent",
        }
        & granted
    )


def test_an_editor_stops_an_address_by_hand_and_it_gets_no_more_mail(editor_client):
    subscribe(EMAIL)

    response = editor_client.post(
        reverse("admin:newsletter_suppressedaddress_add"),
        {"email": " Gone@Example.com ", "detail": "Asked by phone on 3 December"},
    )

    assert response.status_code == 302
    entry = SuppressedAddress.objects.get()
    assert (entry.email, entry.reason) == (EMAIL, SuppressedAddress.Reason.MANUAL)
    assert not Subscriber.objects.for_newsletter().exists()
    assert suppression.blocks_subscribing(EMAIL)


def test_the_suppression_and_event_lists_show_to_editors_read_only(editor_client, use_provider):
    use_provider("sendgrid")
    subscribe(EMAIL)
    providers.webhook("sendgrid", "hard_bounce", EMAIL).post(Client())
    entry, event = SuppressedAddress.objects.get(), ProviderEvent.objects.get()

    suppressions = editor_client.get(reverse("admin:newsletter_suppressedaddress_changelist"))
    events = editor_client.get(reverse("admin:newsletter_providerevent_changelist"))
    change = editor_client.post(
        reverse("admin:newsletter_suppressedaddress_change", args=[entry.pk]),
        {"email": "other@example.com", "reason": "manual", "detail": ""},
    )
    delete = editor_client.post(
        reverse("admin:newsletter_providerevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert suppressions.status_code == events.status_code == 200
    assert EMAIL in suppressions.content.decode()
    assert "delete_selected" not in suppressions.content.decode()
    assert "Hard bounce: marked bounced" in events.content.decode()
    assert change.status_code == 403 and delete.status_code == 403
    assert SuppressedAddress.objects.get().email == EMAIL
    assert ProviderEvent.objects.exists()


def test_staff_without_the_lift_permission_cannot_lift(client, django_user_model):
    staff = django_user_model.objects.create_user(username="sam", is_staff=True)
    staff.user_permissions.add(
        *Group.objects.get(name=EDITORS_GROUP).permissions.filter(codename="view_suppressedaddress")
    )
    entry = suppression.suppress(email=EMAIL, reason=SuppressedAddress.Reason.COMPLAINED)
    client.force_login(staff)

    client.post(
        reverse("admin:newsletter_suppressedaddress_changelist"),
        {"action": "lift_suppressions", "_selected_action": [entry.pk]},
    )

    assert SuppressedAddress.objects.filter(pk=entry.pk).exists()
