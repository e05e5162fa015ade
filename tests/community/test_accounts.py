"""Member accounts through allauth: sign-up with a verified email, no account enumeration, and
account pages inside the site's layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tests.community.factories import EmailAddressFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")
LOGIN_URL = reverse("account_login")
RESET_URL = reverse("account_reset_password")
VERIFICATION_SENT_URL = reverse("account_email_verification_sent")
PASSWORD = "a-long-test-password-42"


# --- Helpers -----------------------------------------------------------------------------------


def sign_up(client, email="new@example.com"):
    return client.post(SIGNUP_URL, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def confirmation_path(mail) -> str:
    match = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def main_of(response) -> str:
    """The page's <main>, without the per-request CSRF token."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


# --- Sign-up and verification ------------------------------------------------------------------


def test_sign_up_sends_a_verification_email_and_does_not_sign_in(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == VERIFICATION_SENT_URL
    assert [mail.to for mail in mailoutbox] == [["new@example.com"]]
    assert confirmation_path(mailoutbox[0]).startswith("/accounts/confirm-email/")
    address = EmailAddress.objects.get(email="new@example.com")
    assert address.verified is False
    assert not signed_in(client)
    assert "Verify Your Email Address" in client.get(response.url).content.decode()


def test_a_member_cannot_sign_in_before_verifying_their_email(client, mailoutbox):
    sign_up(client)
    browser = Client()

    response = browser.post(LOGIN_URL, {"login": "new@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == VERIFICATION_SENT_URL
    assert not signed_in(browser)
    assert browser.get(reverse("profile")).url.startswith(LOGIN_URL)


def test_the_confirmation_link_asks_first_then_verifies_and_signs_in(client, mailoutbox):
    sign_up(client)
    path = confirmation_path(mailoutbox[0])

    asked = client.get(path)

    assert asked.status_code == 200
    page = asked.content.decode()
    # allauth signs the key with a timestamp, so the form's key may differ from the email's by a
    # second; any confirm-email action is the page asking.
    assert re.search(r'action="/accounts/confirm-email/[^"/]+/"', page), main_of(asked)
    assert re.search(r"<button[^>]*>\s*Confirm\s*</button>", page)
    assert EmailAddress.objects.get(email="new@example.com").verified is False
    assert not signed_in(client)

    confirmed = client.post(path)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified is True
    assert signed_in(client)
    assert client.get(reverse("profile")).status_code == 200


def test_a_verified_member_can_sign_in(client, mailoutbox):
    sign_up(client)
    client.post(confirmation_path(mailoutbox[0]))
    browser = Client()

    response = browser.post(LOGIN_URL, {"login": "new@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("profile")
    assert signed_in(browser)


def test_sign_up_with_a_registered_address_answers_like_a_new_one_and_tells_the_owner(
    member, mailoutbox, django_user_model
):
    EmailAddressFactory(user=member)
    new_browser, known_browser = Client(), Client()

    new = sign_up(new_browser, "new@example.com")
    known = sign_up(known_browser, member.email)

    assert (known.status_code, known.url) == (new.status_code, new.url)
    new_page, known_page = new_browser.get(new.url), known_browser.get(known.url)
    assert [t.name for t in known_page.templates] == [t.name for t in new_page.templates]
    assert main_of(known_page) == main_of(new_page)
    assert django_user_model.objects.filter(email=member.email).count() == 1
    assert not signed_in(known_browser)
    to_owner = [mail for mail in mailoutbox if mail.to == [member.email]]
    assert len(to_owner) == 1
    assert "already" in to_owner[0].body.lower()
    assert "/accounts/confirm-email/" not in to_owner[0].body


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(member, mailoutbox):
    EmailAddressFactory(user=member)
    known_browser, unknown_browser = Client(), Client()

    known = known_browser.post(RESET_URL, {"email": member.email})
    unknown = unknown_browser.post(RESET_URL, {"email": "nobody@example.com"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert known.status_code == 302
    known_page, unknown_page = known_browser.get(known.url), unknown_browser.get(unknown.url)
    assert [t.name for t in unknown_page.templates] == [t.name for t in known_page.templates]
    assert main_of(unknown_page) == main_of(known_page)
    [reset_mail] = [mail for mail in mailoutbox if mail.to == [member.email]]
    assert "/accounts/password/reset/key/" in reset_mail.body


# --- Layout and providers ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [SIGNUP_URL, LOGIN_URL, RESET_URL])
def test_account_pages_render_inside_the_site_layout(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "base.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert 'class="site-footer"' in page
    assert f'href="{reverse("privacy")}"' in page


def test_social_sign_in_is_off_by_default(client, settings):
    from allauth.socialaccount.providers import registry

    page = client.get(LOGIN_URL).content.decode()

    assert settings.SOCIAL_PROVIDERS == []
    assert registry.get_class_list() == []
    assert "socialaccount" not in page
    assert not re.search(r'href="/accounts/[\w-]+/login/', page)
    assert "third-party" not in page.lower()
