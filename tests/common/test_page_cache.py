"""Pages for readers who are not signed in come from the cache, and change as soon as what they
show changes; members' pages are never shared; the forms on cached pages still work."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.services import publish_article, unpublish_article
from common import pagecache
from community.models import Comment, Profile, Share, Status
from community.services import comments
from newsletter.models import Subscriber
from tests.articles.factories import ArticleFactory, SectionFactory, ThemeFactory
from tests.security.cases import SECURITY_HEADERS

pytestmark = pytest.mark.django_db

BANNER = b'id="cookie-banner-title"'


@pytest.fixture
def home_with_a_piece():
    theme = ThemeFactory()
    section = SectionFactory(theme=theme)
    return ArticleFactory(theme=theme, section=section, title="Easy miles")


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, home_with_a_piece, django_assert_num_queries
):
    first = client.get(reverse("home"))
    with django_assert_num_queries(0):
        second = client.get(reverse("home"))

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert b"Easy miles" in second.content
    for response in (first, second):
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=0" in cache_control
        assert "s-maxage=5" in cache_control
        assert "Cookie" in response["Vary"]
        assert response["ETag"]
        assert not response.cookies


# What every response carries (set by the middleware above the page cache's), and a page's own.
HEADERS = (
    *SECURITY_HEADERS,
    "Cache-Control",
    "Vary",
    "ETag",
    "Content-Type",
    "Content-Length",
)


def test_a_hit_skips_sessions_auth_and_the_resolver_yet_carries_every_header(
    client, home_with_a_piece
):
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    # Served by CachedPageMiddleware: nothing below it ran.
    assert not hasattr(second.wsgi_request, "session")
    assert second.wsgi_request.resolver_match is None
    assert {name: second.get(name) for name in HEADERS} == {
        name: first.get(name) for name in HEADERS
    }
    assert second["Content-Length"] == str(len(second.content))
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_made_up_paths_are_never_learnt_for_serving_early(client, home_with_a_piece):
    for number in range(3):
        assert client.get(f"/articles/no-such-piece-{number}/").status_code == 404
    assert pagecache._routes == {}


def test_a_hit_for_a_reader_with_a_session_or_a_head_request_goes_through_the_view(
    client, member, home_with_a_piece
):
    client.get(reverse("home"))
    assert client.get(reverse("home"))["X-Page-Cache"] == "hit"

    # The home view answers GET only, whatever the cache holds.
    assert client.head(reverse("home")).status_code == 405
    client.force_login(member)
    response = client.get(reverse("home"))
    assert response.wsgi_request.user == member
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_a_browser_revalidates_with_its_etag_and_gets_not_modified(client, home_with_a_piece):
    etag = client.get(reverse("home"))["ETag"]

    again = client.get(reverse("home"), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""


def test_a_members_pages_are_never_shared_nor_served_from_the_shared_copy(
    client, member, home_with_a_piece
):
    client.get(reverse("home"))  # the anonymous copy is now cached
    client.force_login(member)

    response = client.get(reverse("home"))

    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert b"Your profile" in response.content
    assert b"Your profile" not in Client().get(reverse("home")).content


def test_publishing_editing_and_unpublishing_show_at_once(client, home_with_a_piece):
    draft = ArticleFactory(draft=True, kind="story", title="A quiet recovery week")
    article = home_with_a_piece
    stories = reverse("articles:story-list")
    for url in (reverse("home"), article.get_absolute_url(), stories):
        client.get(url)
    assert client.get(stories)["X-Page-Cache"] == "hit"

    publish_article(article=draft)
    assert b"A quiet recovery week" in client.get(stories).content

    article.title = "Easy miles, easier mind"
    article.save()
    assert b"Easy miles, easier mind" in client.get(article.get_absolute_url()).content
    assert b"Easy miles, easier mind" in client.get(reverse("home")).content

    unpublish_article(article=article)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert b"Easy miles, easier mind" not in client.get(reverse("home")).content


def test_a_scheduled_piece_appears_at_its_time_with_no_write(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(kind="story", title="First parkrun", scheduled=True)
    stories = reverse("articles:story-list")
    assert b"First parkrun" not in client.get(stories).content
    assert client.get(stories)["X-Page-Cache"] == "hit"

    time_machine.shift(timedelta(days=1, minutes=1))

    response = client.get(stories)
    assert response["X-Page-Cache"] == "miss"
    assert b"First parkrun" in response.content


def test_an_approved_comment_shows_on_the_cached_article(client, member, home_with_a_piece):
    article = home_with_a_piece
    Profile.objects.create(user=member, display_name="Mira")
    comment = Comment.objects.create(
        article=article, author=member, body="Slow is fine.", status=Status.PENDING
    )
    assert b"Slow is fine." not in client.get(article.get_absolute_url()).content

    comments.set_status(comments=Comment.objects.filter(pk=comment.pk), status=Status.APPROVED)

    assert b"Slow is fine." in client.get(article.get_absolute_url()).content


def test_a_share_approved_in_the_admin_shows_in_the_cached_feed(client, member, editor):
    share = Share.objects.create(author=member, text="Ran my first 5 km!", status=Status.PENDING)
    feed = reverse("community:share-list")
    assert b"Ran my first 5 km!" not in client.get(feed).content

    admin = Client()
    admin.force_login(editor)
    admin.post(
        reverse("admin:community_share_changelist"),
        {"action": "approve", "_selected_action": [share.pk]},
    )

    assert Share.objects.get().status == Status.APPROVED
    assert b"Ran my first 5 km!" in client.get(feed).content


def test_the_banner_copy_and_the_chosen_copy_are_kept_apart(client, home_with_a_piece):
    assert BANNER in client.get(reverse("home")).content
    chooser = Client()
    chooser.post(reverse("cookie-consent"), {"choice": "necessary", "next": "/"})
    chooser.cookies.pop("messages", None)

    chosen = chooser.get(reverse("home"))
    assert BANNER not in chosen.content
    assert chooser.get(reverse("home"))["X-Page-Cache"] == "hit"
    assert BANNER in client.get(reverse("home")).content


def test_a_page_showing_a_message_is_neither_served_from_nor_kept_in_the_cache(client):
    client.get(reverse("home"))
    client.post(reverse("cookie-consent"), {"choice": "all", "next": "/"})

    with_message = client.get(reverse("home"))
    assert b"Your cookie choice is saved" in with_message.content
    assert "X-Page-Cache" not in with_message
    assert b"Your cookie choice is saved" not in client.get(reverse("home")).content


def test_unknown_query_parameters_are_rendered_not_cached(client):
    stories = reverse("articles:story-list")

    tracked = client.get(stories + "?utm_source=letter")
    paged = [client.get(stories + "?page=1"), client.get(stories + "?page=1")]

    assert "X-Page-Cache" not in tracked
    assert "private" in tracked["Cache-Control"]
    assert [response["X-Page-Cache"] for response in paged] == ["miss", "hit"]


def test_a_forgotten_version_never_brings_back_an_older_page(client, home_with_a_piece):
    client.get(reverse("home"))
    cache.delete("version:publication")

    assert client.get(reverse("home"))["X-Page-Cache"] == "miss"


def test_a_visitor_with_no_cookie_can_subscribe_from_a_cached_page(home_with_a_piece):
    Client().get(reverse("home"))  # someone else's visit cached the page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("home"))
    assert page["X-Page-Cache"] == "hit"
    stamp = page.content.decode().split('name="rendered_at" value="')[1].split('"')[0]

    response = visitor.post(
        reverse("newsletter:subscribe"),
        {"email": "ada@example.com", "newsletter": "on", "source": "home", "rendered_at": stamp},
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().email == "ada@example.com"


def test_a_subscription_posted_from_another_site_is_refused():
    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletter:subscribe"),
        {"email": "ada@example.com", "newsletter": "on", "source": "home"},
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_a_member_still_needs_the_token_to_subscribe(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)

    response = browser.post(
        reverse("newsletter:subscribe"),
        {"email": "mira@example.com", "newsletter": "on", "source": "home"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_every_part_a_page_names_must_exist():
    with pytest.raises(ValueError, match="unknown page parts: comment"):
        pagecache.cache_public_page("comment")


# --- Fragments: what a page rendered afresh still takes from the cache -------------------------


def _article_with_comments(count, user_model):
    from tests.articles.factories import add_approved_comments

    article = ArticleFactory(theme=ThemeFactory())
    add_approved_comments(article, count, user_model)
    return article


def test_a_thread_changes_with_its_comments_names_and_state(client, settings, django_user_model):
    settings.PAGE_CACHE_SECONDS = 0
    article = _article_with_comments(2, django_user_model)
    url = article.get_absolute_url()
    client.get(url)
    reader = Profile.objects.get(display_name="Reader 0")

    Comment.objects.create(
        article=article, author=reader.user, body="Went out in the rain.", status=Status.APPROVED
    )
    assert b"Went out in the rain." in client.get(url).content

    reader.display_name = "Rainy Rosa"
    reader.save()
    assert b"Rainy Rosa" in client.get(url).content

    article.comments_open = False
    article.save()
    assert b"Comments are closed." in client.get(url).content


def test_editors_see_drafts_in_a_themes_sections_and_readers_never_do(client, editor):
    theme = ThemeFactory()
    section = SectionFactory(theme=theme)
    ArticleFactory(theme=theme, section=section, title="Out now")
    ArticleFactory(theme=theme, section=section, title="Still a draft", draft=True)
    staff = Client()
    staff.force_login(editor)

    assert b"Still a draft" in staff.get(theme.get_absolute_url()).content
    reader_page = client.get(theme.get_absolute_url()).content
    assert b"Out now" in reader_page
    assert b"Still a draft" not in reader_page
