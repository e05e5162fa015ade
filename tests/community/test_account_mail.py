"""Account mail in the house style: every message allauth sends, through the real flows, is
multipart, greets the member by display name, never shows the internal username, is named after
SITE_NAME and links only to SITE_URL; and confirming an address on another device says plainly
what to do next."""

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from community.adapters import AccountAdapter
from community.services.profiles import get_profile
from tests.community.helpers import html_of

pytestmark = pytest.mark.django_db

SITE = "https://runtowardbalance.example"
SITE_NAME = "Steady Strides"
USERNAME = "runner_8f3k2"
DISPLAY_NAME = "Ada Okafor"
EMAIL = "ada@runners.test"
PASSWORD = "a-long-test-password-42"
NEW_PASSWORD = "another-long-password-77"


@pytest.fixture(autouse=True)
def _public_site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = SITE_NAME


@pytest.fixture
def ada(django_user_model):
    user = django_user_model.objects.create_user(username=USERNAME, email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    profile = get_profile(user)
    profile.display_name = DISPLAY_NAME
    profile.save()
    return user


@pytest.fixture
def signed_in_ada(ada):
    client = Client()
    client.force_login(ada)
    return client


@pytest.fixture
def distinctive_username(monkeypatch):
    """Sign-ups get the internal username the tests look for (allauth derives one otherwise)."""
    monkeypatch.setattr(
        AccountAdapter, "generate_unique_username", lambda self, txts, regex=None: USERNAME
    )


def links_in(text: str) -> list[str]:
    return [unescape(link) for link in re.findall(r"https?://[^\s\"<>]+", text)]


def assert_in_house_style(mail, *, greeting: str) -> None:
    html = html_of(mail)
    assert mail.body.strip() and "<" not in mail.body.split("--")[0]
    for part in (mail.subject, mail.body, html):
        assert USERNAME not in part
        assert "127.0.0.1" not in part
        assert "example.com" not in part
        assert "Hello from" not in part
    assert mail.subject.startswith(f"[{SITE_NAME}] ")
    assert SITE_NAME in mail.body and SITE_NAME in html
    assert greeting in mail.body and greeting in unescape(html)
    links = links_in(mail.body) + links_in(html)
    assert links
    assert all(link == SITE or link.startswith(SITE + "/") for link in links), links
    assert mail.message()["Message-ID"].endswith("@runtowardbalance.example>")


def link_to(mail, path_start: str) -> str:
    [link] = {link for link in links_in(mail.body) if link.startswith(SITE + path_start)}
    return link.removeprefix(SITE)


def sign_up(client, email=EMAIL):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


# --- Every email allauth sends ----------------------------------------------------------------


def test_sign_up_verification_mail_is_in_the_house_style(client, mailoutbox, distinctive_username):
    sign_up(client)

    [mail] = mailoutbox
    user = EmailAddress.objects.get(email=EMAIL).user
    assert user.username == USERNAME
    assert_in_house_style(mail, greeting=f"Hello {get_profile(user).display_name},")
    assert link_to(mail, "/accounts/confirm-email/")


def test_resent_verification_mail_greets_by_display_name(ada, signed_in_ada, mailoutbox):
    EmailAddress.objects.filter(user=ada).update(verified=False)

    signed_in_ada.post(reverse("account_email"), {"email": EMAIL, "action_send": ""})

    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert_in_house_style(mail, greeting=f"Hello {DISPLAY_NAME},")
    assert link_to(mail, "/accounts/confirm-email/")


def test_password_reset_mails_for_a_known_address(ada, client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": EMAIL})

    [reset] = mailoutbox
    assert_in_house_style(reset, greeting=f"Hello {DISPLAY_NAME},")
    key_path = link_to(reset, "/accounts/password/reset/key/")

    form_page = client.get(key_path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else key_path,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [_, notice] = mailoutbox
    assert notice.to == [EMAIL]
    assert "reset" in notice.subject.lower()
    assert_in_house_style(notice, greeting=f"Hello {DISPLAY_NAME},")
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_says_hello_to_nobody_in_particular(
    client, mailoutbox
):
    client.post(reverse("account_reset_password"), {"email": "nobody@runners.test"})

    [mail] = mailoutbox
    assert mail.to == ["nobody@runners.test"]
    assert_in_house_style(mail, greeting="Hello,")
    assert link_to(mail, "/accounts/signup/")


def test_signing_up_with_a_known_address_tells_the_owner_by_name(ada, client, mailoutbox):
    sign_up(client)

    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert "already" in mail.subject.lower()
    assert_in_house_style(mail, greeting=f"Hello {DISPLAY_NAME},")


def test_changing_the_address_confirms_the_new_one_and_tells_the_old_one(
    ada, signed_in_ada, mailoutbox
):
    signed_in_ada.post(
        reverse("account_email"), {"email": "ada.new@runners.test", "action_add": ""}
    )

    [confirm] = mailoutbox
    assert confirm.to == ["ada.new@runners.test"]
    assert_in_house_style(confirm, greeting=f"Hello {DISPLAY_NAME},")

    signed_in_ada.post(link_to(confirm, "/accounts/confirm-email/"))

    [_, notice] = mailoutbox
    assert notice.to == [EMAIL]
    assert "ada.new@runners.test" in notice.body
    assert_in_house_style(notice, greeting=f"Hello {DISPLAY_NAME},")


def test_changing_the_password_sends_a_notice(ada, signed_in_ada, mailoutbox):
    signed_in_ada.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [notice] = mailoutbox
    assert "password" in notice.subject.lower()
    assert_in_house_style(notice, greeting=f"Hello {DISPLAY_NAME},")


def test_account_pages_name_members_by_display_name(ada, client):
    from allauth.account.utils import user_display

    assert user_display(ada) == DISPLAY_NAME


# --- Confirming on this device or another -----------------------------------------------------


def test_confirming_in_the_browser_that_signed_up_signs_in(client, mailoutbox):
    sign_up(client)

    response = client.post(link_to(mailoutbox[0], "/accounts/confirm-email/"), follow=True)

    assert "_auth_user_id" in client.session
    assert "Your address is confirmed." in response.content.decode()


def test_confirming_on_another_device_says_to_sign_in_with_the_address_filled(client, mailoutbox):
    sign_up(client)
    phone = Client()

    response = phone.post(link_to(mailoutbox[0], "/accounts/confirm-email/"), follow=True)

    assert "_auth_user_id" not in phone.session
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert response.redirect_chain[-1][0] == reverse("account_login")
    page = response.content.decode()
    assert "Your address is confirmed. Sign in to continue." in page
    assert re.search(rf'<input[^>]*name="login"[^>]*value="{re.escape(EMAIL)}"', page), page
    signed_in = phone.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "_auth_user_id" in phone.session


def test_the_confirmation_page_never_shows_the_username(client, mailoutbox, distinctive_username):
    sign_up(client)

    page = Client().get(link_to(mailoutbox[0], "/accounts/confirm-email/")).content.decode()

    assert EMAIL in page
    assert USERNAME not in page
