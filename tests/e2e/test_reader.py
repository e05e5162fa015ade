import pytest

from articles.models import Article
from articles.services import make_renditions
from tests.articles.factories import ArticleFactory, ImageFactory, SectionFactory, ThemeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reader_follows_an_article_card_from_home_and_reads_it(live_server, page):
    theme = ThemeFactory(
        title="Run toward calm", hero_image=ImageFactory(alt_text="Sunrise over hills")
    )
    section = SectionFactory(theme=theme, title="Stronger body, healthier heart")
    article = ArticleFactory(
        theme=theme,
        section=section,
        title="Why easy runs strengthen the heart",
        body="## What changes\n\nYour resting heart rate drops slowly over weeks of easy running.",
        hero_image=ImageFactory(alt_text="A path toward the sun"),
    )
    ArticleFactory(theme=theme, section=section, kind=Article.Kind.STORY, title="Lunch-break loops")
    make_renditions(image=article.hero_image)

    page.goto(live_server.url)
    page.shot("home")
    assert page.get_by_role("heading", level=1).inner_text() == "Run toward calm"
    assert page.get_by_role("heading", name="Stronger body, healthier heart").is_visible()
    assert page.get_by_role("heading", name="Reader stories").is_visible()

    page.get_by_role("link", name="Why easy runs strengthen the heart").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.shot("article")

    assert page.get_by_role("heading", level=1).inner_text() == article.title
    assert page.get_by_role("heading", name="What changes").is_visible()
    assert "Your resting heart rate drops" in page.locator(".article__body").inner_text()
    hero = page.get_by_role("img", name="A path toward the sun")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    # The browser picked a WebP rendition from the srcset, not the original upload.
    assert hero.evaluate("img => img.currentSrc").endswith(".webp")
