from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import Article, Theme, media_url

from .factories import ArticleFactory, SectionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_saving_renders_markdown_to_html_once():
    article = ArticleFactory(body="## Breathe\n\nRun *easy* today.")

    assert article.body_html == "<h2>Breathe</h2>\n<p>Run <em>easy</em> today.</p>\n"
    assert article.body_text == "Breathe\nRun easy today."


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=https://evil.example></iframe>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_body_html_never_carries_script(body):
    article = ArticleFactory(body=f"Intro\n\n{body}\n\nOutro")

    html = article.body_html.lower()
    for banned in ("<script", "<svg", "<iframe", "onerror", "onclick", "style="):
        assert banned not in html
    for url_attribute in ('href="javascript', 'src="javascript', 'href="data', 'src="data'):
        assert url_attribute not in html
    assert "intro" in html and "outro" in html


def test_resaving_with_update_fields_rerenders_the_body():
    article = ArticleFactory(body="Old words")
    article.body = "New words"
    article.save(update_fields=["body"])

    article.refresh_from_db()
    assert "New words" in article.body_html


def test_a_body_of_member_words_is_rendered_with_the_members_rules():
    article = ArticleFactory(
        body="[Club](https://club.example/)\n\n<img src=x>", body_markup=Article.Markup.MEMBER
    )

    assert '<a href="https://club.example/" rel="nofollow ugc noopener">Club</a>' in (
        article.body_html
    )
    assert "<img" not in article.body_html


def test_reading_time_rounds_up_and_is_never_zero():
    assert ArticleFactory(body="word " * 10).reading_minutes == 1
    assert ArticleFactory(body="word " * 461).reading_minutes == 3


def test_state_names_drafts_scheduled_and_published_pieces():
    assert ArticleFactory(draft=True).state == "draft"
    assert ArticleFactory(scheduled=True).state == "scheduled"
    assert ArticleFactory().state == "published"


def test_published_excludes_drafts_and_pieces_scheduled_for_later():
    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(draft=True, publish_at=timezone.now() - timedelta(days=3))

    assert list(Article.objects.published()) == [live]


def test_a_section_must_belong_to_the_articles_theme():
    article = ArticleFactory.build(theme=ThemeFactory(), section=SectionFactory())

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["section"] == ["Choose a section of the article's theme."]


def test_live_themes_are_those_featured_today_or_earlier_newest_first():
    today = timezone.localdate()
    older = ThemeFactory(featured_on=today - timedelta(days=7))
    current = ThemeFactory(featured_on=today)
    ThemeFactory(featured_on=today + timedelta(days=1))
    ThemeFactory(featured_on=None)

    assert list(Theme.objects.live()) == [current, older]


def test_a_media_url_is_worked_out_once_but_never_outlives_its_settings(settings, monkeypatch):
    settings.MEDIA_URL = "/media/"
    asked = []
    storage_url = default_storage.url
    monkeypatch.setattr(
        default_storage, "url", lambda name: asked.append(name) or storage_url(name)
    )
    assert media_url("renditions/run.webp") == "/media/renditions/run.webp"
    assert media_url("renditions/run.webp") == "/media/renditions/run.webp"
    assert asked == ["renditions/run.webp"]

    settings.MEDIA_URL = "https://cdn.example/media/"
    assert media_url("renditions/run.webp") == "https://cdn.example/media/renditions/run.webp"


def test_a_signed_media_url_is_never_remembered(monkeypatch):
    signed = iter(["/media/a.webp?Signature=1", "/media/a.webp?Signature=2"])
    monkeypatch.setattr(default_storage, "querystring_auth", True, raising=False)
    monkeypatch.setattr(default_storage, "url", lambda name: next(signed))
    assert media_url("a.webp") != media_url("a.webp")
