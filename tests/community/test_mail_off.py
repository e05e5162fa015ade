"""Stopping a recurring email in one click: reply notices and goal reminders carry the
List-Unsubscribe headers a mail client's unsubscribe button uses, its POST stops that kind of
mail and nothing else, a link scanner's GET stops nothing, and the unsubscribe mailbox stops the
same kinds."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common import mail as site_mail
from community.models import Comment, Goal, Profile, Status
from community.services.comments import notify_reply
from community.services.goals import send_goal_reminders
from community.services.profiles import mail_off_token
from tests.articles.factories import ArticleFactory
from tests.community.factories import CommentFactory, GoalFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://runtowardbalance.example"


@pytest.fixture(autouse=True)
def _https_site(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def other():
    return UserFactory(username="sam")


def reply_notice(member, other, mailoutbox):
    Profile.objects.get_or_create(user=member, defaults={"display_name": "Mira"})
    article = ArticleFactory()
    parent = CommentFactory(article=article, author=member, body="Any tips?", pending=True)
    reply = CommentFactory(
        article=article, author=other, parent=parent, body="Go slow.", status=Status.APPROVED
    )
    assert notify_reply(comment=reply)
    return mailoutbox[-1]


def goal_reminder(member, mailoutbox):
    Profile.objects.update_or_create(
        user=member, defaults={"display_name": "Mira", "goal_reminders": True}
    )
    GoalFactory(
        member=member,
        preset=Goal.Preset.FEEL_GOOD_5K,
        title="A feel-good 5K",
        target_on=timezone.localdate() + timedelta(days=90),
    )
    assert send_goal_reminders() == 1
    return mailoutbox[-1]


def one_click_url(message) -> tuple[str, str]:
    """The https target of List-Unsubscribe, and its mailto target's subject."""
    https, mailto = (
        part.strip(" <>") for part in message.extra_headers["List-Unsubscribe"].split(",")
    )
    assert https.startswith(f"{SITE_URL}/")
    assert mailto.startswith("mailto:")
    return https, unquote(mailto.partition("?subject=")[2])


def one_click_post(url: str):
    """What a mail client sends (RFC 8058): a bare POST, no cookies, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


@pytest.mark.parametrize(
    ("kind", "field"), [("replies", "notify_replies"), ("goal-reminders", "goal_reminders")]
)
def test_each_recurring_email_carries_the_one_click_headers_and_a_list_id(
    kind, field, member, other, mailoutbox
):
    message = (
        reply_notice(member, other, mailoutbox)
        if kind == "replies"
        else goal_reminder(member, mailoutbox)
    )

    url, subject = one_click_url(message)
    assert f"/community/notifications/{kind}/off/" in url
    assert subject.startswith(f"unsubscribe {kind} ")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Id"].endswith(f"<{kind}.runtowardbalance.example>")
    assert message.message()["Message-ID"].endswith("@runtowardbalance.example>")
    # The same link is in both parts' footers, for people rather than mail clients.
    assert url in message.body
    assert f'href="{url}"' in message.alternatives[0][0]


def test_a_mail_clients_one_click_post_stops_reply_emails_and_only_those(member, other, mailoutbox):
    ProfileFactory(user=member, display_name="Mira", goal_reminders=True)
    url, _ = one_click_url(reply_notice(member, other, mailoutbox))

    response = one_click_post(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "you will no longer get an email when someone replies" in page
    assert "Email me when someone replies to me" in page  # how to turn them back on
    profile = Profile.objects.get(user=member)
    assert (profile.notify_replies, profile.goal_reminders) == (False, True)
    mailoutbox.clear()
    reply = Comment.objects.filter(parent__isnull=False).get()
    assert notify_reply(comment=reply) is False
    assert mailoutbox == []


def test_a_mail_clients_one_click_post_stops_goal_reminders_and_only_those(member, mailoutbox):
    url, _ = one_click_url(goal_reminder(member, mailoutbox))

    response = one_click_post(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "you will no longer get the monthly goal reminder" in page
    assert "Send me a monthly goal reminder" in page
    profile = Profile.objects.get(user=member)
    assert (profile.goal_reminders, profile.notify_replies) == (False, True)
    Profile.objects.filter(user=member).update(last_goal_reminder_on=None)
    assert send_goal_reminders() == 0


def test_opening_the_link_asks_first_so_a_link_scanner_stops_nothing(member, mailoutbox):
    url, _ = one_click_url(goal_reminder(member, mailoutbox))

    response = Client().get(urlsplit(url).path)

    assert response.status_code == 200
    assert "Stop goal reminders</button>" in response.content.decode()
    assert Profile.objects.get(user=member).goal_reminders is True
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "args",
    [
        ("replies", "forged"),
        ("goal-reminders", "TOKEN_FOR_replies"),  # one kind's token never stops another kind
        ("newsletter", "TOKEN_FOR_replies"),
    ],
)
def test_a_damaged_token_or_a_wrong_kind_is_the_sites_404_and_changes_nothing(args, member):
    ProfileFactory(user=member, display_name="Mira", goal_reminders=True)
    kind, token = args
    token = token.replace("TOKEN_FOR_replies", mail_off_token(member, kind="replies"))

    response = Client().post(reverse("community:mail-off", args=[kind, token]))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    profile = Profile.objects.get(user=member)
    assert (profile.notify_replies, profile.goal_reminders) == (True, True)


def test_the_unsubscribe_mailbox_stops_both_kinds_through_the_registry(member):
    ProfileFactory(user=member, display_name="Mira", goal_reminders=True)

    assert site_mail.stop("replies", "forged") is False
    assert site_mail.stop("goal-reminders", mail_off_token(member, kind="goal-reminders"))
    assert site_mail.stop("replies", mail_off_token(member, kind="replies"))

    profile = Profile.objects.get(user=member)
    assert (profile.notify_replies, profile.goal_reminders) == (False, False)


def test_reply_and_reminder_emails_wear_the_houses_email_layout(member, other, mailoutbox):
    for message in (reply_notice(member, other, mailoutbox), goal_reminder(member, mailoutbox)):
        html = message.alternatives[0][0]
        assert "max-width:600px" in html  # the shared 600px table layout
        assert f'href="{SITE_URL}/"' in html  # its masthead
        assert f'href="{SITE_URL}{reverse("privacy")}"' in html  # and its footer
