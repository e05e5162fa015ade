"""Who may open what: another member's objects, editors' previews, and a walk over the whole URL
configuration proving that every view outside an explicit public list asks for a login."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from community.models import Comment, Goal, GoalUpdate, PartnerPost, Share, Status
from newsletter.models import Issue
from tests.articles.factories import ArticleFactory, ThemeFactory
from tests.community.factories import CommentFactory, PartnerPostFactory, ShareFactory

from .cases import URLS_WALKED
from .conftest import logged_in
from .urlwalk import endpoints, is_login_redirect, path_for

pytestmark = pytest.mark.django_db

# Views anyone may open without signing in. Everything else must send an anonymous visitor to
# a login page (or answer 403, 404 or 405); a key here that names no view fails the suite.
PUBLIC = {
    # Site pages
    "home",
    "privacy",
    "cookie-consent",  # POST only; the choice is the visitor's own
    "csp-report",  # browsers post violation reports without credentials
    "robots-txt",
    "healthz",
    "readyz",
    "sitemap",
    # Articles
    "articles:theme-list",
    "articles:theme-detail",
    "articles:article-detail",
    "articles:story-list",
    "articles:topic-detail",
    "articles:search",
    "articles:feed-rss",
    "articles:feed-atom",
    # Community pages readers may browse
    "community:share-list",
    "community:share-detail",
    "community:city-list",
    "community:city-detail",
    "community:post-detail",
    "community:member-detail",
    "community:mail-off",  # authenticated by the signed token in the link
    # Getting started gently: the run-walk plan, its timer and the timer's offline worker
    "start:plan",
    "start:timer",
    "start:service-worker",
    # Newsletter: signing up, and the links in emails (signed tokens)
    "newsletter:subscribe",
    "newsletter:subscribe-done",
    "newsletter:confirm",
    "newsletter:unsubscribe",
    "newsletter:preferences",
    "newsletter:issue-list",
    "newsletter:issue-detail",
    # allauth's pages for signing in, up, out and recovering an account
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "accounts/social/login/cancelled/",  # allauth's old address, redirecting to the above
    "accounts/social/login/error/",
    # The editors' sign-in form
    "admin:login",
}
LOGIN_PATHS = {reverse("account_login"), reverse("admin:login")}
REFUSED = {403, 404, 405}
MAX_HOPS = 3


def lands_on_login(client: Client, path: str) -> tuple[bool, str]:
    """Follow on-site redirects a few hops: True once a login page (or a refusal) is reached."""
    trail = path
    for _ in range(MAX_HOPS):
        response = client.get(path)
        if response.status_code in REFUSED or is_login_redirect(response, LOGIN_PATHS):
            return True, trail
        if response.status_code not in (301, 302, 303, 307, 308):
            return False, f"{trail} → {response.status_code}"
        location = urlsplit(response["Location"])
        if location.netloc not in ("", "testserver"):
            return False, f"{trail} → {response['Location']}"
        path = location.path + (f"?{location.query}" if location.query else "")
        trail += f" → {path}"
    return False, trail


# --- The URL walk --------------------------------------------------------------------------------


def test_every_view_outside_the_public_list_asks_an_anonymous_visitor_to_sign_in(world):
    client = Client()
    open_views, checked = [], 0
    for endpoint in endpoints():
        path = path_for(endpoint, world.candidates(endpoint))
        if endpoint.key in PUBLIC:
            assert client.get(path).status_code < 500, path
            continue
        ok, trail = lands_on_login(client, path)
        checked += 1
        if not ok:
            open_views.append(f"{endpoint.key}: {trail}")

    assert not open_views, "Views anyone can open; add login_required or list them as PUBLIC:\n" + (
        "\n".join(open_views)
    )
    assert checked > 100  # the admin's views are part of the walk


def test_the_public_list_names_only_views_that_exist():
    keys = {endpoint.key for endpoint in endpoints()}

    assert sorted(PUBLIC - keys) == []


def test_the_walk_finds_a_path_for_every_view(world):
    all_endpoints = endpoints()

    paths = {
        endpoint.key: path_for(endpoint, world.candidates(endpoint)) for endpoint in all_endpoints
    }

    assert len(paths) == len(all_endpoints) == URLS_WALKED


def test_a_member_who_is_not_staff_is_sent_to_the_admin_login_from_every_admin_page(world):
    client = logged_in(world.other)
    admin_prefix = reverse("admin:index")
    let_in = []
    for endpoint in endpoints():
        path = path_for(endpoint, world.candidates(endpoint))
        if not path.startswith(admin_prefix) or endpoint.key == "admin:login":
            continue
        ok, trail = lands_on_login(client, path)
        if not ok:
            let_in.append(trail)

    assert not let_in


# --- Another member's objects --------------------------------------------------------------------


def _snapshot(obj) -> dict | None:
    row = type(obj).objects.filter(pk=obj.pk).first()
    return None if row is None else model_to_dict(row)


def _form_data(world, name: str, human: dict) -> dict:
    """What the owner's browser would post: valid, so only the ownership check can stop it."""
    return {
        "community:comment-update": {"body": "Taken over"},
        "community:comment-delete": {},
        "community:share-update": {"kind": "win", "text": "Taken over", **human},
        "community:share-delete": {},
        "community:goal-update": {
            "preset": Goal.Preset.OWN,
            "title": "Taken over",
            "why": "",
            "target_on": world.goal.target_on.isoformat(),
            **human,
        },
        "community:goalupdate-update": {
            "month": world.update.month.isoformat(),
            "note": "Taken over",
            **human,
        },
        "community:goalupdate-delete": {},
        "community:post-update": {"title": "Taken over", "text": "Taken over", **human},
        "community:post-delete": {},
    }[name]


OWNED_URLS = {
    "community:comment-update": "comment",
    "community:comment-delete": "comment",
    "community:share-update": "share",
    "community:share-delete": "share",
    "community:goal-update": "goal",
    "community:goalupdate-update": "update",
    "community:goalupdate-delete": "update",
    "community:post-update": "post",
    "community:post-delete": "post",
}


@pytest.mark.parametrize("name", OWNED_URLS)
def test_another_member_can_neither_open_nor_change_a_members_object(world, human, name):
    obj = getattr(world, OWNED_URLS[name])
    url = reverse(name, args=[obj.pk])
    data = _form_data(world, name, human)
    before = _snapshot(obj)
    intruder = logged_in(world.other)

    assert intruder.get(url).status_code in (403, 404)
    assert intruder.post(url, data).status_code in (403, 404)
    assert _snapshot(obj) == before

    # The same request from the owner goes through: the refusal was about who asked.
    response = logged_in(world.owner).post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert _snapshot(obj) != before


def test_a_reply_cannot_be_hung_under_a_comment_on_another_page(world, human):
    elsewhere = ArticleFactory()
    client = logged_in(world.other)

    response = client.post(
        reverse("community:comment-create"),
        {
            "target_type": "article",
            "target_id": elsewhere.pk,
            "parent_id": world.comment.pk,
            "body": "Sneaky reply",
            **human,
        },
    )

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Sneaky reply").exists()


def test_the_data_download_holds_only_the_members_own_data(world):
    response = logged_in(world.other).get(reverse("profile-data"))

    assert response.status_code == 200
    text = response.content.decode()
    assert world.owner.email not in text
    assert world.comment.body not in text and world.share.text not in text


def test_a_forged_reply_email_token_changes_nothing(world):
    profile = world.owner.profile
    response = Client().post(
        reverse("community:mail-off", args=["replies", f"{world.owner.pk}:forged"])
    )

    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.notify_replies is True


# --- Editors' previews ---------------------------------------------------------------------------


def _hidden(kind: str, world):
    """An object readers must not see yet, with its URL."""
    now = timezone.now()
    if kind == "draft article":
        article = ArticleFactory(draft=True)
        return article, article.get_absolute_url()
    if kind == "scheduled article":
        article = ArticleFactory(publish_at=now + timedelta(days=1))
        return article, article.get_absolute_url()
    if kind in ("draft issue", "scheduled issue"):
        status = Issue.Status.DRAFT if kind == "draft issue" else Issue.Status.SCHEDULED
        issue = Issue.objects.create(subject="Next week", intro="Soon.", status=status)
        return issue, issue.get_absolute_url()
    if kind == "future theme":
        theme = ThemeFactory(featured_on=timezone.localdate() + timedelta(days=3))
        return theme, theme.get_absolute_url()
    if kind == "unscheduled theme":
        theme = ThemeFactory(featured_on=None)
        return theme, theme.get_absolute_url()
    if kind == "pending share":
        share = ShareFactory(author=world.owner, text="First!", status=Status.PENDING)
        return share, share.get_absolute_url()
    post = PartnerPostFactory(
        city=world.city, author=world.owner, title="Anyone?", text="Hi", status=Status.PENDING
    )
    return post, post.get_absolute_url()


HIDDEN_KINDS = [
    "draft article",
    "scheduled article",
    "draft issue",
    "scheduled issue",
    "future theme",
    "unscheduled theme",
    "pending share",
    "pending partner post",
]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_unpublished_things_are_404_for_members_and_visitors(world, editor, kind):
    _, url = _hidden(kind, world)

    assert Client().get(url).status_code == 404
    assert logged_in(world.other).get(url).status_code == 404
    # The address is right: those allowed to preview (editors; an author their own) see it.
    allowed = world.owner if kind.startswith("pending") else editor
    assert logged_in(allowed).get(url).status_code == 200


def test_a_draft_is_in_no_list_feed_sitemap_or_search(world):
    draft = ArticleFactory(
        draft=True, slug="secret-plans", title="Secret plans", body="Plans for zebrafinch."
    )
    client = Client()

    for url in [
        reverse("home"),
        reverse("articles:feed-rss"),
        reverse("articles:feed-atom"),
        reverse("sitemap"),
        f"{reverse('articles:search')}?q=zebrafinch",
        world.topic.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert draft.slug not in response.content.decode(), url


@pytest.mark.parametrize("target", ["draft article", "pending share", "pending partner post"])
def test_a_comment_cannot_be_posted_on_something_unpublished(world, human, target):
    obj, _ = _hidden(target, world)
    target_type = {Article: "article", Share: "share", PartnerPost: "partnerpost"}[type(obj)]

    response = logged_in(world.other).post(
        reverse("community:comment-create"),
        {"target_type": target_type, "target_id": obj.pk, "body": "Peek", **human},
    )

    assert response.status_code == 404
    assert not Comment.objects.filter(body="Peek").exists()


def test_goal_pages_show_only_the_members_own_goal(world):
    html = logged_in(world.other).get(reverse("community:goal-detail")).content.decode()

    assert world.goal.title not in html
    assert world.update.note not in html
    assert not GoalUpdate.objects.filter(goal__member=world.other).exists()


def _comment_on_hidden(target: str, world, editor) -> Comment:
    if target == "draft article":
        # An editor previewing a draft may comment on it; an editor's comments are trusted.
        return CommentFactory(
            article=ArticleFactory(draft=True),
            author=editor,
            body="Embargoed until Monday",
            status=Status.APPROVED,
        )
    if target == "rejected share":
        share = ShareFactory(author=world.owner, text="5K!", status=Status.APPROVED)
        comment = CommentFactory(
            share=share, author=world.owner, body="Embargoed until Monday", status=Status.APPROVED
        )
        Share.objects.filter(pk=share.pk).update(status=Status.REJECTED)
        return comment
    post = PartnerPostFactory(city=world.city, author=world.owner, title="5K?", text="Hi")
    comment = CommentFactory(
        partner_post=post, author=world.owner, body="Embargoed until Monday", status=Status.APPROVED
    )
    PartnerPost.objects.filter(pk=post.pk).update(status=Status.REJECTED)
    return comment


@pytest.mark.parametrize("target", ["draft article", "rejected share", "rejected partner post"])
def test_a_comment_on_something_unpublished_cannot_be_read_through_its_report_page(
    world, editor, human, target
):
    comment = _comment_on_hidden(target, world, editor)
    url = reverse("community:comment-report", args=[comment.pk])
    client = logged_in(world.other)

    response = client.get(url)
    assert response.status_code == 404
    assert "Embargoed" not in response.content.decode()
    assert client.post(url, {"reason": "Spam", **human}).status_code == 404
    assert not comment.reports.exists()


def test_editors_cannot_manage_accounts_or_groups(world, editor):
    """Editors publish and moderate; accounts (and so superuser rights) are not theirs."""
    client = logged_in(editor)

    for name in ["auth_user_changelist", "auth_group_changelist"]:
        assert client.get(reverse(f"admin:{name}")).status_code == 403
    response = client.post(
        reverse("admin:auth_user_change", args=[editor.pk]),
        {"username": editor.username, "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser
