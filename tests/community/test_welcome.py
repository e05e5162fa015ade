"""A new member's one welcome email: sent by a task once allauth confirms their first address,
never on a changed address, and never as a second welcome to someone who also subscribed."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from community.services.profiles import get_profile
from newsletter.services import subscriptions, suppression
from tests.community.factories import EmailAddressFactory
from tests.community.helpers import welcomes

pytestmark = pytest.mark.django_db

SITE = "https://runtowardbalance.example"
EMAIL = "ada@runners.test"
PASSWORD = "a-long-test-password-42"


@pytest.fixture(autouse=True)
def _public_site(settings):
    settings.SITE_URL = SITE


def sign_up(client, email=EMAIL):
    client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def confirmation_path(mail) -> str:
    return re.search(rf"{SITE}(/accounts/confirm-email/[^/\s]+/)", mail.body).group(1)


def test_confirming_a_new_account_sends_one_welcome_in_the_house_style(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    sign_up(client)
    path = confirmation_path(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(path)  # a second click, on another device

    [welcome] = welcomes(mailoutbox)
    user = EmailAddress.objects.get(email=EMAIL).user
    name = get_profile(user).display_name
    assert welcome.to == [EMAIL]
    assert welcome.subject == f"Welcome to {settings.SITE_NAME}, {name}"
    [(html, mimetype)] = welcome.alternatives
    assert mimetype == "text/html"
    for part in (welcome.body, html):
        assert f"Hello {name}," in part
        assert user.username not in part
        assert f"{SITE}/accounts/profile/" in part
        assert "subscribe in one step on your profile" in part
        assert "unsubscribe" not in part.lower()
    links = re.findall(r"https?://[^\s\"<>]+", welcome.body + html)
    assert all(link.startswith(SITE) for link in links), links
    assert welcome.message()["Message-ID"].endswith("@runtowardbalance.example>")


def test_a_new_member_whose_address_is_suppressed_gets_no_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client)
    suppression.mark_complained(email=EMAIL, detail="Brevo: spam")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(mailoutbox[0]))

    assert welcomes(mailoutbox) == []


def test_the_confirming_request_does_not_wait_on_the_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client)

    with django_capture_on_commit_callbacks() as queued:
        client.post(confirmation_path(mailoutbox[0]))

    assert welcomes(mailoutbox) == []
    assert len(queued) == 1


def test_a_changed_address_brings_no_second_welcome(
    member, client, mailoutbox, django_capture_on_commit_callbacks
):
    EmailAddressFactory(user=member)
    client.force_login(member)
    client.post(reverse("account_email"), {"email": "mira.new@runners.test", "action_add": ""})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(mailoutbox[0]))

    assert EmailAddress.objects.get(user=member).email == "mira.new@runners.test"
    assert welcomes(mailoutbox) == []


def test_subscribing_and_signing_up_at_once_brings_one_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = subscriptions.subscribe(
        email=EMAIL, newsletter=True, beginner_series=False, source="home"
    )
    sign_up(client)
    [account_mail] = [mail for mail in mailoutbox if "/accounts/confirm-email/" in mail.body]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(account_mail))
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.confirm(subscriber=subscriber)

    [welcome] = welcomes(mailoutbox)
    assert "Hello Runner" in welcome.body


def test_a_subscriber_who_was_welcomed_gets_no_second_welcome_on_joining(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = subscriptions.subscribe(
        email=EMAIL, newsletter=True, beginner_series=False, source="home"
    )
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.confirm(subscriber=subscriber)
    sign_up(client)
    [account_mail] = [mail for mail in mailoutbox if "/accounts/confirm-email/" in mail.body]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(account_mail))

    assert len(welcomes(mailoutbox)) == 1
    assert "_auth_user_id" in client.session
