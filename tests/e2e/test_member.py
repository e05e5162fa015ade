import re

import pytest
from django.core import mail

from community.models import Cheer, Comment, Profile, Share, Status
from tests.articles.factories import ArticleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def others_share(django_user_model):
    runner = django_user_model.objects.create_user(username="ayo", email="ayo@example.com")
    Profile.objects.create(user=runner, display_name="Ayo R.")
    return Share.objects.create(
        author=runner, kind=Share.Kind.WIN, text="Ran my first mile without stopping!",
        status=Status.APPROVED,
    )  # fmt: skip


def test_member_signs_up_verifies_comments_shares_and_cheers(live_server, page, others_share):
    article = ArticleFactory(title="Why easy runs calm the mind")
    email = "newrunner@example.com"

    page.goto(f"{live_server.url}/accounts/signup/")
    page.shot("signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill("a-long-and-gentle-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-gentle-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    page.shot("verification-sent")
    assert "verify" in page.content().lower()

    confirmation = mail.outbox[-1]
    assert confirmation.to == [email]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", confirmation.body).group(0)
    page.goto(live_server.url + link[link.index("/accounts/") :])
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    page.shot("confirmed")

    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Your comment").fill("Ten easy minutes changed my whole *afternoon*.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    page.shot("commented")
    assert page.get_by_text("your comment will appear once an editor").is_visible()
    assert Comment.objects.get(article=article).body.startswith("Ten easy minutes")

    page.goto(f"{live_server.url}/community/share/")
    page.get_by_label("Run win").check()
    page.get_by_label("Tell us about it").fill("Jogged the whole loop by the river today.")
    page.get_by_label("Distance in km (optional)").fill("3.5")
    page.get_by_role("button", name="Share it").click()
    page.wait_for_load_state()
    page.shot("shared")
    assert page.get_by_text("Thank you for sharing").is_visible()
    assert Share.objects.filter(text__startswith="Jogged the whole loop").exists()

    page.goto(f"{live_server.url}/community/")
    card = page.locator(".share-card", has_text="Ran my first mile")
    card.get_by_role("button", name=re.compile("Cheer")).click()
    page.wait_for_load_state()
    page.shot("cheered")
    card = page.locator(".share-card", has_text="Ran my first mile")
    assert card.get_by_role("button", name=re.compile("Cheered")).is_visible()
    assert Cheer.objects.filter(share=others_share).count() == 1
