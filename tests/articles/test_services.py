from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image as PILImage

from articles import services
from articles.models import Article, Image, Rendition
from conftest import require

from .factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


def test_publish_now_makes_a_draft_visible():
    article = ArticleFactory(draft=True)

    services.publish_article(article=article)

    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publish_at_a_future_time_schedules_without_showing_it_yet():
    article = ArticleFactory(draft=True)
    at = timezone.now() + timedelta(hours=2)

    services.publish_article(article=article, at=at)

    article.refresh_from_db()
    assert article.state == "scheduled"
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_unpublish_takes_a_piece_back_to_draft():
    article = ArticleFactory()

    services.unpublish_article(article=article)

    article.refresh_from_db()
    assert article.state == "draft"


def test_home_page_is_the_latest_live_theme_with_stories_in_their_own_strip():
    ThemeFactory(featured_on=timezone.localdate() - timedelta(days=9))
    theme = ThemeFactory()
    ThemeFactory(featured_on=timezone.localdate() + timedelta(days=1))
    heart = SectionFactory(theme=theme, title="Heart", order=1)
    empty = SectionFactory(theme=theme, title="Nothing published yet", order=2)
    feature = ArticleFactory(theme=theme, section=heart)
    ArticleFactory(theme=theme, section=empty, draft=True)
    story = ArticleFactory(theme=theme, section=heart, kind=Article.Kind.STORY)

    page = services.home_page()

    assert page.theme == theme
    assert [section.title for section in page.sections] == ["Heart"]
    assert [card.pk for card in page.sections[0].pieces] == [feature.pk]
    assert [card.pk for card in page.stories] == [story.pk]


def test_the_story_strip_shows_the_themes_newest_stories_then_other_themes_newest():
    theme = ThemeFactory()
    now = timezone.now()

    def story(theme, days_ago, **fields):
        return ArticleFactory(
            theme=theme,
            kind=Article.Kind.STORY,
            publish_at=now - timedelta(days=days_ago),
            **fields,
        )

    older_in_theme = story(theme, 5)
    newer_in_theme = story(theme, 3, section=SectionFactory(theme=theme))
    newest_elsewhere = story(ThemeFactory(featured_on=None), 1)
    story(None, 2)  # a story of no theme, older than the other theme's
    story(theme, 0, draft=True)  # nobody sees a draft

    page = services.home_page()

    assert [card.pk for card in page.stories] == [
        newer_in_theme.pk,
        older_in_theme.pk,
        newest_elsewhere.pk,
    ]
    assert page.sections == []  # a theme's stories stay out of its sections on the home page


def test_home_page_without_any_live_theme_is_empty():
    ThemeFactory(featured_on=None)

    assert services.home_page().theme is None


def test_related_pieces_prefer_the_same_section_then_shared_topics():
    theme = ThemeFactory()
    section = SectionFactory(theme=theme)
    sleep, heart = TopicFactory(), TopicFactory()
    article = ArticleFactory(theme=theme, section=section, topics=[sleep, heart])
    same_section = ArticleFactory(theme=theme, section=section)
    two_topics = ArticleFactory(topics=[sleep, heart])
    one_topic = ArticleFactory(topics=[sleep])
    ArticleFactory(topics=[sleep, heart], draft=True)
    ArticleFactory()  # unrelated

    assert [card.pk for card in services.related_articles(article)] == [
        same_section.pk,
        two_topics.pk,
        one_topic.pk,
    ]


def test_word_search_finds_words_in_titles_and_bodies_and_ranks_titles_first():
    in_body = ArticleFactory(title="Evening routines", body="Better sleep after an easy run.")
    in_title = ArticleFactory(title="Sleep and running", body="Rest well.")
    ArticleFactory(title="Sleep for drafts", draft=True)
    ArticleFactory(title="Heart rate", body="Nothing about it.")

    assert list(services.search_articles_by_words("sleep")) == [in_title, in_body]
    assert list(services.search_articles_by_words("SLEEP easy")) == [in_body]


def test_search_ignores_an_empty_query():
    ArticleFactory()

    assert list(services.search_articles("   ")) == []


def test_search_on_the_default_database_finds_published_articles():
    wanted = ArticleFactory(title="Calm mornings", body="A slow jog before breakfast.")
    ArticleFactory(title="Calm drafts", draft=True)

    assert list(services.search_articles("calm")) == [wanted]


@pytest.mark.integration
def test_postgresql_full_text_search_matches_word_forms_and_ranks_by_weight():
    require(connection.vendor == "postgresql", "PostgreSQL full-text search needs PostgreSQL")
    in_body = ArticleFactory(
        title="Evening habits", body="Runners report they are sleeping deeper."
    )
    in_title = ArticleFactory(title="Sleep after running", body="Rest.")
    ArticleFactory(title="Sleeping drafts", draft=True)

    assert list(services.search_articles("sleeps")) == [in_title, in_body]
    assert list(services.search_articles('"sleeping deeper"')) == [in_body]
    assert list(services.search_articles("sleep -evening")) == [in_title]


def test_renditions_are_made_at_each_width_up_to_the_original_in_webp_and_jpeg(settings):
    settings.IMAGE_RENDITION_WIDTHS = [400, 800, 1600]
    image = ImageFactory(file=image_upload(size=(1000, 500)))

    renditions = services.make_renditions(image=image)

    assert sorted((r.width, r.format) for r in renditions) == [
        (400, "jpeg"), (400, "webp"), (800, "jpeg"), (800, "webp"), (1000, "jpeg"), (1000, "webp"),
    ]  # fmt: skip
    small = next(r for r in renditions if r.width == 400 and r.format == "webp")
    assert small.height == 200
    with PILImage.open(small.file.path) as picture:
        assert (picture.format, picture.size) == ("WEBP", (400, 200))


def test_transparent_images_keep_transparency_as_png():
    image = ImageFactory(file=image_upload(name="logo.png", size=(500, 500), image_format="PNG"))
    with PILImage.open(image.file.path) as original:
        original.convert("RGBA").save(image.file.path)

    renditions = services.make_renditions(image=image)

    assert {r.format for r in renditions} == {"webp", "png"}


def test_making_renditions_twice_replaces_them_without_duplicates():
    image = ImageFactory()

    services.make_renditions(image=image)
    services.make_renditions(image=image)

    # 1200 px wide: 400, 800 and 1200, each as WebP and JPEG.
    assert image.renditions.count() == Rendition.objects.count() == 6


def test_an_images_sources_name_its_renditions_so_pages_read_none():
    image = ImageFactory()

    made = services.make_renditions(image=image)

    image.refresh_from_db()
    assert sorted(map(tuple, image.sources)) == sorted(
        (r.format, r.width, r.file.name) for r in made
    )
    assert image.srcset("webp").count("w, ") == len([r for r in made if r.format == "webp"]) - 1


def test_images_made_before_sources_existed_get_them_from_their_renditions():
    from importlib import import_module

    from django.apps import apps

    image = ImageFactory()
    services.make_renditions(image=image)
    expected = sorted(map(tuple, Image.objects.get(pk=image.pk).sources))
    Image.objects.filter(pk=image.pk).update(sources=[])

    import_module("articles.migrations.0005_image_sources").fill_sources(apps, None)

    assert sorted(map(tuple, Image.objects.get(pk=image.pk).sources)) == expected
