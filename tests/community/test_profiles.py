"""Members' profiles: the private profile form and the public member page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from community.models import Profile, Status
from tests.articles.factories import ArticleFactory, image_upload
from tests.community.factories import (
    CommentFactory,
    ProfileFactory,
    ShareFactory,
    UserFactory,
)
from tests.community.helpers import stored_files

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("profile")
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def profile_data(**overrides) -> dict:
    """The profile form as a browser sends it; unticked boxes are simply absent."""
    data = {
        "display_name": "Mira Moss",
        "city": "",
        "bio": "Slow and happy.",
        "notify_replies": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# --- The profile form --------------------------------------------------------------------------


def test_the_profile_page_requires_sign_in(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE_URL}"


def test_a_member_saves_display_name_city_bio_and_preferences(client, member, leeds):
    client.force_login(member)

    response = client.post(
        PROFILE_URL,
        profile_data(
            city=leeds.pk,
            show_city="on",
            is_findable="on",
            notify_replies=None,
            goal_reminders="on",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert "Your profile was saved." in response.content.decode()
    profile = Profile.objects.get(user=member)
    assert (profile.display_name, profile.city, profile.bio) == (
        "Mira Moss",
        leeds,
        "Slow and happy.",
    )
    assert (profile.show_city, profile.is_findable) == (True, True)
    assert (profile.notify_replies, profile.goal_reminders) == (False, True)


def test_the_display_name_is_tidied_of_extra_spaces(client, member):
    client.force_login(member)

    client.post(PROFILE_URL, profile_data(display_name="  Mira    Moss "))

    assert Profile.objects.get(user=member).display_name == "Mira Moss"


BAD_INPUT = {
    "a one-letter display name": (
        {"display_name": "M"},
        "Choose a display name of at least two characters.",
    ),
    "an avatar that is not an image": (
        {"avatar": lambda: SimpleUploadedFile("me.jpg", b"not a picture", "image/jpeg")},
        "This file is not an image we can read.",
    ),
}


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_profile_input_is_refused_with_a_message_and_the_values_kept(
    client, member, settings, overrides, message
):
    ProfileFactory(user=member, display_name="Mira", bio="Before.")
    client.force_login(member)
    overrides = {k: v() if callable(v) else v for k, v in overrides.items()}

    response = client.post(PROFILE_URL, profile_data(bio="A new line about me.", **overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "A new line about me.</textarea>" in page
    profile = Profile.objects.get(user=member)
    assert (profile.display_name, profile.bio) == ("Mira", "Before.")
    assert stored_files(settings) == []


def test_replacing_an_avatar_deletes_the_old_picture(
    client, member, settings, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(PROFILE_URL, profile_data(avatar=image_upload(name="first.jpg")))
    old_name = Profile.objects.get(user=member).avatar.name

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes after the commit
        client.post(PROFILE_URL, profile_data(avatar=image_upload(name="second.jpg")))

    profile = Profile.objects.get(user=member)
    assert profile.avatar.name != old_name
    assert [p.name for p in stored_files(settings)] == [profile.avatar.name.split("/")[-1]]


# --- The public member page --------------------------------------------------------------------


def test_script_in_display_name_and_bio_is_escaped_on_the_member_page(client, member):
    profile = ProfileFactory(user=member, display_name=SCRIPT, bio=IMG)

    page = client.get(profile.get_absolute_url()).content.decode()

    assert SCRIPT not in page
    assert IMG not in page
    assert f"<h1>{escape(SCRIPT)}</h1>" in page
    assert f"<p>{escape(IMG)}</p>" in page


def test_script_in_a_display_name_is_escaped_with_the_members_comments(client, member):
    ProfileFactory(user=member, display_name=SCRIPT)
    article = ArticleFactory()
    CommentFactory(article=article, author=member, body="Hello!", status=Status.APPROVED)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Hello!" in page
    assert SCRIPT not in page
    assert f'class="comment__author">{escape(SCRIPT)}</a>' in page


def test_the_member_page_never_shows_the_members_email(client, member):
    profile = ProfileFactory(user=member, display_name="Mira", bio="Runs at dawn.")
    url = profile.get_absolute_url()
    pages = [client.get(url)]
    client.force_login(UserFactory(username="olga"))
    pages.append(client.get(url))
    client.force_login(member)
    pages.append(client.get(url))

    for response in pages:
        assert response.status_code == 200
        assert "Runs at dawn." in response.content.decode()
        assert "mira@example.com" not in response.content.decode()


def test_the_city_shows_on_the_member_page_only_when_the_member_chose_so(client, member, leeds):
    profile = ProfileFactory(user=member, display_name="Mira", city=leeds)
    url = profile.get_absolute_url()

    hidden = client.get(url).content.decode()
    profile.show_city = True
    profile.save()
    shown = client.get(url).content.decode()

    assert "Leeds" not in hidden
    assert leeds.get_absolute_url() not in hidden
    assert f'Runs in <a href="{leeds.get_absolute_url()}">Leeds</a>' in shown


def test_the_member_page_does_not_give_the_city_away_through_shares_when_hidden(
    client, member, leeds
):
    profile = ProfileFactory(user=member, display_name="Mira", city=leeds)
    ShareFactory(author=member, text="Morning loop.", city=leeds, status=Status.APPROVED)

    page = client.get(profile.get_absolute_url()).content.decode()

    assert "Morning loop." in page
    assert "Leeds" not in page
