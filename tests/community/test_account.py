import json
import os

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article, Author
from community.models import Cheer, Comment, Goal, PartnerPost, Share, Status
from community.services import account, shares
from newsletter.models import Subscriber
from tests.articles.factories import ArticleFactory, image_upload
from tests.community.factories import (
    CheerFactory,
    CommentFactory,
    GoalFactory,
    ProfileFactory,
    ShareFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def history(member):
    """A member who has written a bit of everything, and another member who replied."""
    other = UserFactory(username="ola")
    ProfileFactory(user=other, display_name="Ola")
    ProfileFactory(user=member, display_name="Mira", bio="Runs at dawn.")
    article = ArticleFactory()
    lonely = CommentFactory(
        article=article, author=member, body="Lonely comment", status=Status.APPROVED
    )
    answered = CommentFactory(
        article=article, author=member, body="Answered comment", status=Status.APPROVED
    )
    reply = CommentFactory(
        article=article, author=other, parent=answered, body="A reply", status=Status.APPROVED
    )
    share = ShareFactory(author=member, text="First 5K!", status=Status.APPROVED, may_feature=True)
    share.photo.save("p.jpg", image_upload(), save=True)
    CheerFactory(share=share, member=other)
    story = shares.feature_as_story(share=share)
    story.status = Article.Status.PUBLISHED
    story.save()
    GoalFactory(
        member=member,
        title="A feel-good 5K",
        target_on="2030-01-01",
        plan={"jog_seconds": 60, "walk_seconds": 120, "weeks": 8},
    )
    Subscriber.objects.create(email="MIRA@example.com", status=Subscriber.Status.CONFIRMED)
    return {"other": other, "lonely": lonely, "answered": answered, "reply": reply,
            "share": share, "story": story}  # fmt: skip


def test_a_member_downloads_everything_held_about_them_as_json(client, member, history):
    client.force_login(member)

    response = client.get(reverse("profile-data"))

    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "mira@example.com"
    assert data["profile"]["bio"] == "Runs at dawn."
    assert {c["body"] for c in data["comments"]} == {"Lonely comment", "Answered comment"}
    assert data["shares"][0]["text"] == "First 5K!"
    assert data["shares"][0]["feature_consent_text"] == ""  # created directly, no consent form
    assert data["goals"][0]["title"] == "A feel-good 5K"
    assert data["goals"][0]["run_walk_plan"]["walk_seconds"] == 120
    assert data["subscriptions"][0]["status"] == "confirmed"
    assert "A reply" not in response.content.decode()


def test_data_download_and_account_deletion_need_a_signed_in_member(client):
    for name in ("profile-data", "profile-delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_deleting_with_removed_comments_leaves_nothing_attributed(
    client, member, history, django_capture_on_commit_callbacks
):
    client.force_login(member)
    photo_path = history["share"].photo.path

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        response = client.post(
            reverse("profile-delete"), {"password": PASSWORD, "comments": "remove"}
        )

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not Comment.objects.filter(body__in=["Lonely comment", "Answered comment"]).exists()
    placeholder = Comment.objects.get(pk=history["answered"].pk)
    assert (placeholder.is_removed, placeholder.author, placeholder.body) == (True, None, "")
    assert Comment.objects.filter(pk=history["reply"].pk).exists()
    assert not Share.objects.exists() and not Cheer.objects.exists()
    assert not Goal.objects.exists() and not PartnerPost.objects.exists()
    assert not Subscriber.objects.exists()
    story = Article.objects.get(pk=history["story"].pk)
    assert story.author.name == "A former member" and story.author.user is None
    assert not os.path.exists(photo_path)
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert b"Mira" not in page.content


def test_deleting_with_anonymised_comments_keeps_their_text_without_a_name(client, member, history):
    client.force_login(member)

    client.post(reverse("profile-delete"), {"password": PASSWORD, "comments": "anonymise"})

    kept = Comment.objects.get(pk=history["lonely"].pk)
    assert (kept.body, kept.author) == ("Lonely comment", None)
    page = client.get(kept.article.get_absolute_url()).content.decode()
    assert "Lonely comment" in page and "A former member" in page and "Mira" not in page


def test_a_wrong_password_deletes_nothing_and_says_so(client, member, history):
    client.force_login(member)

    response = client.post(reverse("profile-delete"), {"password": "wrong", "comments": "remove"})

    assert response.status_code == 400
    assert "That password is not right. Nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=member.pk).exists()
    assert Comment.objects.filter(author=member).count() == 2
    assert Author.objects.filter(user=member).exists()


def test_a_deletion_that_fails_midway_keeps_the_account_and_its_photos(
    client, member, history, monkeypatch, django_capture_on_commit_callbacks
):
    """Files are deleted only once the deletion has committed: a failure after the shares'
    rows were deleted rolls them back, and their photos must still be there to show."""
    client.force_login(member)
    client.raise_request_exception = False
    photo_path = history["share"].photo.path

    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(account.pagecache, "bump", fail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("profile-delete"), {"password": PASSWORD, "comments": "remove"}
        )

    assert response.status_code == 500
    assert get_user_model().objects.filter(pk=member.pk).exists()
    assert Share.objects.get(pk=history["share"].pk).photo.path == photo_path
    assert os.path.exists(photo_path)
