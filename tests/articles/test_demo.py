import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from articles.models import Article, Author, Image, Section, Theme, Topic
from articles.services import home_page

pytestmark = pytest.mark.django_db

MODELS = [Author, Topic, Image, Theme, Section, Article]


def _snapshot():
    return {
        model.__name__: sorted(
            (
                {**model_to_dict(row), "pk": row.pk, "updated_at": getattr(row, "updated_at", None)}
                for row in model.objects.all()
            ),
            key=lambda row: row["pk"],
        )
        for model in MODELS
    }


def test_demo_content_has_every_part_of_the_reference_pages_shape():
    call_command("load_demo_content")

    page = home_page()
    assert [section.title for section in page.sections] == [
        "Stronger body, healthier heart",
        "Mental health gains in every mile",
        "The science, gently explained",
        "Sleep, focus and daily energy",
        "Getting started gently and safely",
        "Community, accountability and motivation",
    ]
    assert len(page.stories) == 3
    kinds = set(Article.objects.published().values_list("kind", flat=True))
    assert kinds == {"feature", "science", "guide", "story"}
    assert Theme.objects.live().count() == 2
    assert all(image.alt_text and image.width == 1600 for image in Image.objects.all())
    assert not Article.objects.filter(hero_image=None).exists()


def test_loading_the_demo_content_twice_changes_nothing(capsys):
    call_command("load_demo_content")
    before = _snapshot()
    capsys.readouterr()

    call_command("load_demo_content")

    assert _snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


def test_the_demo_loader_keeps_an_editors_changes_to_demo_rows():
    call_command("load_demo_content")
    article = Article.objects.first()
    article.title = "Retitled by an editor"
    article.save()

    call_command("load_demo_content")

    article.refresh_from_db()
    assert article.title == "Retitled by an editor"
