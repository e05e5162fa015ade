import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
    add_approved_comments,
)

pytestmark = pytest.mark.django_db


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def pieces():
    """A live theme with one published, one draft and one scheduled story on one topic."""
    theme = ThemeFactory(title="Run for calm")
    section = SectionFactory(theme=theme, title="Reader stories")
    topic = TopicFactory(slug="calm", name="Calm")
    common = {"theme": theme, "section": section, "topics": [topic], "kind": Article.Kind.STORY}
    return {
        "published": ArticleFactory(title="Zephyr published calm", **common),
        "draft": ArticleFactory(title="Quokka draft calm", draft=True, **common),
        "scheduled": ArticleFactory(title="Wombat scheduled calm", scheduled=True, **common),
    }


SURFACES = [
    reverse("home"),
    reverse("articles:theme-detail", kwargs={"slug": "theme-slug-placeholder"}),
    reverse("articles:story-list"),
    reverse("articles:topic-detail", kwargs={"slug": "calm"}),
    reverse("articles:search") + "?q=calm",
    reverse("articles:feed-rss"),
    reverse("articles:feed-atom"),
    reverse("sitemap"),
]


def _surfaces(theme):
    return [url.replace("theme-slug-placeholder", theme.slug) for url in SURFACES]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_readers_never_see_drafts_or_scheduled_pieces_anywhere(client, pieces, who, request):
    if who == "member":
        client.force_login(request.getfixturevalue("member"))

    for url in _surfaces(pieces["published"].theme):
        page = client.get(url).content.decode()
        assert pieces["published"].slug in page, url
        assert pieces["draft"].slug not in page, url
        assert pieces["scheduled"].slug not in page, url
    for hidden in ("draft", "scheduled"):
        assert client.get(pieces[hidden].get_absolute_url()).status_code == 404


def test_editors_preview_drafts_and_scheduled_pieces_marked_noindex(client, editor, pieces):
    client.force_login(editor)

    for hidden in ("draft", "scheduled"):
        response = client.get(pieces[hidden].get_absolute_url())
        assert response.status_code == 200
        assert b'<meta name="robots" content="noindex, nofollow">' in response.content
        assert b"Preview" in response.content
    published = client.get(pieces["published"].get_absolute_url())
    assert b"noindex" not in published.content
    # Lists, feeds and search stay as readers see them, even for editors.
    assert pieces["draft"].slug.encode() not in client.get(reverse("articles:feed-rss")).content


def test_a_scheduled_piece_appears_at_its_time_without_any_task(client, pieces):
    scheduled = pieces["scheduled"]

    with time_machine.travel(scheduled.publish_at + timedelta(seconds=1), tick=False):
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert scheduled.slug.encode() in client.get(reverse("articles:feed-rss")).content
        assert scheduled.slug.encode() in client.get(reverse("articles:story-list")).content


def test_themes_in_the_future_are_hidden_from_readers_and_previewed_by_editors(client, editor):
    future = ThemeFactory(featured_on=timezone.localdate() + timedelta(days=3))

    assert client.get(future.get_absolute_url()).status_code == 404
    assert future.slug.encode() not in client.get(reverse("articles:theme-list")).content
    client.force_login(editor)
    response = client.get(future.get_absolute_url())
    assert response.status_code == 200
    assert b"Preview: this theme is not live yet" in response.content


def test_article_page_shows_everything_a_reader_and_a_search_engine_need(client, settings):
    settings.SITE_URL = "https://runtowardbalance.example"
    topic = TopicFactory(name="Sleep")
    article = ArticleFactory(
        title="Sleep </script> better",
        summary="Runs and rest.",
        body="word " * 460,
        hero_image=ImageFactory(alt_text="Hills at dawn"),
        topics=[topic],
    )
    related = ArticleFactory(topics=[topic], title="Evening wind-down")

    page = client.get(article.get_absolute_url()).content.decode()

    assert '<h1 id="article-title">Sleep &lt;/script&gt; better</h1>' in page
    assert article.author.name in page
    assert "2 min read" in page
    assert 'alt="Hills at dawn"' in page
    assert (
        f'<link rel="canonical" href="https://runtowardbalance.example/articles/{article.slug}/">'
        in page
    )
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<script type="application/ld+json">' in page
    assert '"headline": "Sleep \\u003C/script\\u003E better"' in page
    assert related.title in page
    assert f'href="{topic.get_absolute_url()}"' in page


def test_hero_images_are_served_with_srcset_sizes_and_dimensions(client):
    article = ArticleFactory(hero_image=ImageFactory())
    from articles.services import make_renditions

    make_renditions(image=article.hero_image)

    page = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="' in page
    assert " 400w, " in page and " 1200w" in page
    assert 'sizes="(min-width: 72rem) 68rem, 100vw"' in page
    assert 'width="1200" height="800"' in page


@pytest.mark.parametrize("comment_count", [0, 200])
def test_article_page_costs_the_same_queries_whatever_it_shows(
    client, django_assert_num_queries, django_user_model, comment_count
):
    theme = ThemeFactory()
    section = SectionFactory(theme=theme)
    topics = [TopicFactory() for _ in range(3)]
    article = ArticleFactory(theme=theme, section=section, topics=topics, hero_image=ImageFactory())
    for _ in range(4):
        ArticleFactory(theme=theme, section=section, topics=topics, hero_image=ImageFactory())
    add_approved_comments(article, comment_count, django_user_model)

    # article with author, theme, section and image; its topics; related pieces with their
    # authors and images; the comment thread with its authors. Images carry their renditions'
    # sources, so no rendition is read.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.count(b'class="comment"') == comment_count


@pytest.mark.parametrize(("stories_in_theme", "queries"), [(3, 2), (1, 3)])
def test_home_page_queries_do_not_grow_with_the_number_of_pieces(
    client, django_assert_num_queries, stories_in_theme, queries
):
    theme = ThemeFactory(hero_image=ImageFactory())
    for order in range(3):
        section = SectionFactory(theme=theme, order=order)
        for _ in range(4):
            ArticleFactory(theme=theme, section=section, hero_image=ImageFactory())
    for _ in range(stories_in_theme):
        ArticleFactory(theme=theme, kind=Article.Kind.STORY, hero_image=ImageFactory())
    ArticleFactory(kind=Article.Kind.STORY, title="From another theme")

    # theme with its image; the sections' articles and the theme's stories, with the sections'
    # columns and the pictures' sources; and only if the theme has fewer than three stories,
    # the newest of other themes.
    with django_assert_num_queries(queries):
        response = client.get(reverse("home"))
    assert response.content.count(b'class="card card--feature"') == 12
    assert response.content.count(b'class="story-card"') == min(stories_in_theme + 1, 3)
    assert (b"From another theme" in response.content) == (stories_in_theme < 3)


def test_home_page_without_a_theme_says_so_kindly(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert b"Our first theme is on its way" in response.content


def test_lists_are_paginated(client):
    for _ in range(13):
        ArticleFactory(kind=Article.Kind.STORY)

    first = client.get(reverse("articles:story-list"))
    second = client.get(reverse("articles:story-list") + "?page=2")

    assert first.content.count(b'class="story-card"') == 12
    assert b"Page 1 of 2" in first.content
    assert second.content.count(b'class="story-card"') == 1


def test_search_page_shows_results_and_a_helpful_empty_state(client):
    ArticleFactory(title="Gentle intervals for beginners")

    found = client.get(reverse("articles:search"), {"q": "intervals"})
    missing = client.get(reverse("articles:search"), {"q": "xylophone"})

    assert b"1 result for" in found.content
    assert b"Gentle intervals for beginners" in found.content
    assert "Nothing matches “xylophone”".encode() in missing.content
    assert b'value="xylophone"' in missing.content


def test_unknown_topic_and_article_get_the_sites_404_page(client):
    for url in ("/topics/nope/", "/articles/nope/", "/themes/nope/", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We couldn’t find that page".encode() in response.content


def test_rss_and_atom_feeds_parse_and_list_published_pieces_newest_first(client):
    older = ArticleFactory(publish_at=timezone.now() - timedelta(days=2))
    newer = ArticleFactory(publish_at=timezone.now() - timedelta(days=1))

    rss = ET.fromstring(client.get(reverse("articles:feed-rss")).content)
    atom = ET.fromstring(client.get(reverse("articles:feed-atom")).content)

    assert [item.findtext("title") for item in rss.iter("item")] == [newer.title, older.title]
    assert [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")] == [
        newer.title,
        older.title,
    ]


def test_sitemap_lists_published_articles_live_themes_and_pages(client):
    article = ArticleFactory(theme=ThemeFactory())
    draft = ArticleFactory(draft=True)

    sitemap = ET.fromstring(client.get(reverse("sitemap")).content)
    locations = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]

    assert f"http://testserver{article.get_absolute_url()}" in locations
    assert f"http://testserver{article.theme.get_absolute_url()}" in locations
    assert "http://testserver/" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations


def test_theme_archive_lists_live_themes_newest_first(client):
    old = ThemeFactory(title="Winter miles", featured_on=timezone.localdate() - timedelta(days=30))
    new = ThemeFactory(title="Spring legs")

    page = client.get(reverse("articles:theme-list")).content.decode()

    assert page.index(new.title) < page.index(old.title)
