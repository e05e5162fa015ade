"""A reader who is not signed in: today's theme, the whole theme, an article, a search, the feed,
and the newsletter sign-up, all by following what the pages offer."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import Article
from articles.services import make_renditions
from newsletter.models import Subscriber
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def theme():
    """Today's theme with two sections, a reader story, and a draft nobody may see yet."""
    theme = ThemeFactory(
        title="Run toward calm",
        intro="Easy miles steady the heart and quiet the mind.",
        hero_image=ImageFactory(alt_text="Sunrise over hills"),
    )
    heart = SectionFactory(theme=theme, title="Stronger body, healthier heart", order=1)
    sleep = SectionFactory(theme=theme, title="Sleep, focus and daily energy", order=2)
    hero = ImageFactory(alt_text="A path toward the sun")
    ArticleFactory(
        theme=theme,
        section=heart,
        title="Why easy runs strengthen the heart",
        summary="Your resting heart rate drops slowly over weeks of easy running.",
        body="## What changes\n\nYour resting heart rate drops slowly over weeks of easy running.",
        hero_image=hero,
        author=AuthorFactory(name="Ada Okafor"),
        topics=[TopicFactory(name="Heart health")],
    )
    ArticleFactory(theme=theme, section=heart, title="Ten minutes that steady the mind")
    ArticleFactory(
        theme=theme,
        section=sleep,
        title="Sleep deeper after an evening jog",
        summary="A gentle run three hours before bed helps many people fall asleep sooner.",
        body="## Timing\n\nFinish about three hours before bed, then wind down.",
    )
    ArticleFactory(theme=theme, section=sleep, title="Lunch-break loops", kind=Article.Kind.STORY)
    ArticleFactory(
        theme=theme, section=sleep, title="Not ready yet: sleep and caffeine", draft=True
    )
    make_renditions(image=hero)
    return theme


def test_reader_browses_the_theme_reads_searches_finds_the_feed_and_subscribes(
    live_server, page, theme
):
    # Today's theme, and the cookie question on the first visit
    page.goto(live_server.url)
    page.shot("home-first-visit")
    page.get_by_role("button", name="Reject non-essential").click()
    page.wait_for_load_state()
    page.shot("home")
    assert page.get_by_text("Your cookie choice is saved").is_visible()
    assert page.get_by_role("button", name="Accept all").count() == 0
    assert page.get_by_role("heading", level=1).inner_text() == "Run toward calm"
    assert page.get_by_role("heading", name="Stronger body, healthier heart").is_visible()
    assert page.get_by_role("heading", name="Reader stories").is_visible()
    assert page.get_by_role("link", name="Lunch-break loops").is_visible()
    assert page.get_by_text("Not ready yet").count() == 0

    # The whole theme on one page
    page.get_by_role("link", name="The whole theme on one page").click()
    page.wait_for_url(f"**{theme.get_absolute_url()}")
    page.shot("theme")
    assert page.get_by_role("heading", level=1).inner_text() == "Run toward calm"
    sleep = page.get_by_role("region", name="Sleep, focus and daily energy")
    assert sleep.get_by_role("link", name="Sleep deeper after an evening jog").is_visible()
    assert sleep.get_by_role("link", name="Lunch-break loops").is_visible()
    assert page.get_by_text("Not ready yet").count() == 0

    # An article
    page.get_by_role("link", name="Why easy runs strengthen the heart").click()
    page.wait_for_url("**/articles/**")
    page.shot("article")
    assert page.get_by_role("heading", level=1).inner_text() == "Why easy runs strengthen the heart"
    assert page.get_by_role("heading", name="What changes").is_visible()
    article = page.get_by_role("article", name="Why easy runs strengthen the heart")
    assert re.search(r"By Ada Okafor · \d+ \w+ \d{4} · 1 min read", article.inner_text())
    assert page.get_by_role("link", name="Heart health").is_visible()
    hero = page.get_by_role("img", name="A path toward the sun")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    # The browser picked a WebP rendition from the srcset, not the original upload.
    assert hero.evaluate("img => img.currentSrc").endswith(".webp")
    read_next = page.get_by_role("region", name="Read next")
    assert read_next.get_by_role("link", name="Ten minutes that steady the mind").is_visible()

    # A search from the header, with the keyboard
    search = page.get_by_role("search").get_by_label("Search articles")
    search.fill("sleep bed")
    search.press("Enter")
    page.wait_for_url("**/search/?q=sleep+bed")
    page.shot("search")
    expect(page.get_by_role("status")).to_contain_text("1 result for “sleep bed”")
    page.get_by_role("link", name="Sleep deeper after an evening jog").click()
    page.wait_for_url("**/articles/**")
    page.shot("search-result")
    assert page.get_by_role("heading", level=1).inner_text() == "Sleep deeper after an evening jog"

    # The feed, as the browser shows it (a feed reader would be given the same address)
    page.get_by_role("contentinfo").get_by_role("link", name="RSS feed").click()
    page.wait_for_url("**/feed/")
    page.shot("feed")
    feed = page.locator("body").inner_text()
    assert "<title>Why easy runs strengthen the heart</title>" in feed
    assert "<title>Lunch-break loops</title>" in feed
    assert f"<link>{live_server.url}/articles/" in feed
    assert "Not ready yet" not in feed
    page.go_back()

    # The newsletter, from the box under the article
    box = page.get_by_role("complementary", name="Gentle guidance, once a week")
    box.get_by_label("Your email address").fill("new.reader@example.com")
    box.get_by_role("checkbox", name="The beginner guidance series").check()
    page.shot("subscribe-filled")
    box.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-inbox/")
    page.shot("check-your-inbox")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    assert "a confirmation link is on its way" in page.get_by_role("status").inner_text()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["new.reader@example.com"]
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.consent_source) == (Subscriber.Status.PENDING, "article")
    assert (subscriber.wants_newsletter, subscriber.wants_beginner_series) == (True, True)
