"""Use cases of the articles app: the page reads that must stay cheap, and the editors' writes."""

import io
import logging
import uuid
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageOps

from common.images import has_alpha, open_image, reencode_image

from .cards import Card, read_cards
from .models import Article, ArticleQuerySet, Image, Rendition, Theme

logger = logging.getLogger(__name__)

RELATED_COUNT = 3
STORY_STRIP_COUNT = 3

# --- Reads for pages -------------------------------------------------------------------------


@dataclass
class ThemeSection:
    """A section of a theme as its page shows it, with its visible pieces as cards."""

    pk: int
    title: str
    intro: str
    pieces: list[Card] = field(default_factory=list)


@dataclass
class ThemePage:
    theme: Theme | None
    sections: list[ThemeSection] = field(default_factory=list)
    stories: list[Card] = field(default_factory=list)


def _theme_cards(
    theme: Theme, articles: ArticleQuerySet, *, stories_apart: bool = False
) -> tuple[list[ThemeSection], list[Card]]:
    """The theme's sections in order, each with `.pieces` (its visible articles' cards), empty
    ones left out; with `stories_apart`, the theme's reader stories are kept out of the sections
    and returned beside them, newest first.

    One query, the cards with their sections' columns, grouped here: reading the sections and
    prefetching their pieces was two queries and a third of the home page's ORM time. Put in
    order here too: a theme's few dozen rows sort in microseconds, and ordering by the section's
    columns in SQL was a fifth of the time Django took to build and compile it."""
    in_theme = Q(section__theme=theme)
    if stories_apart:
        in_theme |= Q(theme=theme, kind=Article.Kind.STORY)
    cards, sections_of = read_cards(
        articles.filter(in_theme).order_by(),
        "section_id",
        "section__title",
        "section__intro",
        "section__order",
    )
    ordered = sorted(
        zip(cards, sections_of, strict=True),
        # (a story apart may have no section)
        key=lambda pair: (pair[1][3] or 0, pair[1][0] or 0, pair[0].publish_at, pair[0].pk),
    )
    sections: dict[int, ThemeSection] = {}
    stories = []
    for card, (section_id, title, intro, _) in ordered:
        if stories_apart and card.kind == Article.Kind.STORY:
            if card.theme_id == theme.pk:
                stories.append(card)
            continue
        section = sections.get(section_id)
        if section is None:
            section = sections[section_id] = ThemeSection(section_id, title, intro)
        section.pieces.append(card)
    stories.sort(key=lambda card: (card.publish_at, card.pk), reverse=True)
    return list(sections.values()), stories


def home_page() -> ThemePage:
    """Today's theme with its sections, and a strip of reader stories: the theme's newest, then
    the newest of other themes if it has fewer. The theme's stories come with its sections, so
    only a theme with fewer than STORY_STRIP_COUNT of them costs a third query."""
    theme = Theme.objects.live().select_related("hero_image").first()
    if theme is None:
        return ThemePage(theme=None)
    published = Article.objects.published()
    sections, stories = _theme_cards(theme, published, stories_apart=True)
    stories = stories[:STORY_STRIP_COUNT]
    if len(stories) < STORY_STRIP_COUNT:
        others, _ = read_cards(
            published.stories()
            .exclude(theme=theme)
            .order_by("-publish_at", "-id")[: STORY_STRIP_COUNT - len(stories)]
        )
        stories += others
    return ThemePage(theme=theme, sections=sections, stories=stories)


def theme_page(*, slug: str, user) -> ThemePage:
    """A theme with every section and its visible pieces, stories included."""
    theme = Theme.objects.visible_to(user).select_related("hero_image").filter(slug=slug).first()
    if theme is None:
        raise Http404("No such theme.")
    return ThemePage(theme=theme, sections=_theme_cards(theme, Article.objects.visible_to(user))[0])


def article_page(*, slug: str, user) -> Article:
    """The article for its page, with author, image and theme loaded; 404 if unseen. Topics
    are read when the page first shows them (topic_list)."""
    article = (
        Article.objects.visible_to(user)
        # Few joins: planning a query with the reader story's share, member and profile
        # joined in cost PostgreSQL more than running it (see README, Profiling).
        .select_related("author", "theme", "section", "hero_image")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article


def related_articles(article: Article, *, limit: int = RELATED_COUNT) -> list[Card]:
    """Published pieces closest to `article`: same section first, then most topics in common.

    The topics in common are counted in a subquery per row, not through a join: the join made
    PostgreSQL group every card column of every candidate (the article page's slowest query).
    Read as cards' rows (articles.cards)."""
    topic_ids = [topic.pk for topic in article.topic_list]
    tagged = Article.topics.through.objects.filter(topic_id__in=topic_ids)
    near = Q(pk__in=tagged.values("article_id"))
    if article.section_id:
        near |= Q(section_id=article.section_id)
    if article.theme_id:
        near |= Q(theme_id=article.theme_id)
    shared = (
        tagged.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(count=Count("pk"))
        .values("count")  # type: ignore[misc]  # django-stubs cannot see the through model's annotation
    )
    cards, _ = read_cards(
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(near)
        .annotate(
            same_section=Case(
                When(section_id=article.section_id, then=1), default=0, output_field=IntegerField()
            ),
            shared_topics=Coalesce(Subquery(shared, output_field=IntegerField()), Value(0)),
        )
        .order_by("-same_section", "-shared_topics", "-publish_at")[:limit]
    )
    return cards


def search_articles(query: str) -> QuerySet:
    """Published articles matching `query`, best first: full-text search on PostgreSQL."""
    query = " ".join(query.split())[:200]
    if not query:
        return Article.objects.none()
    if connection.vendor != "postgresql":
        return search_articles_by_words(query)
    vector = reduce(
        add,
        [
            SearchVector("title", weight="A", config="english"),
            SearchVector("summary", weight="B", config="english"),
            SearchVector("body_text", weight="C", config="english"),
        ],
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    # Filter on the match itself: ts_rank gives partial matches a small positive rank too.
    return (
        Article.objects.published()
        .annotate(document=vector)
        .filter(document=search_query)
        .annotate(rank=SearchRank(vector, search_query))
        .order_by("-rank", "-publish_at")
        .for_cards()
    )


def search_articles_by_words(query: str) -> QuerySet:
    """The fallback for databases without full-text search: every word must appear somewhere;
    matches in titles rank above summaries, summaries above bodies."""
    words = query.split()[:10]
    articles = Article.objects.published()
    rank: Combinable = Value(0)
    for word in words:
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_text__icontains=word)
        )
        rank = rank + Case(
            When(title__icontains=word, then=4),
            When(summary__icontains=word, then=2),
            default=1,
            output_field=IntegerField(),
        )
    return articles.annotate(rank=rank).order_by("-rank", "-publish_at").for_cards()


# --- Publishing ------------------------------------------------------------------------------


def publish_article(*, article: Article, at=None) -> Article:
    """Publish now, or schedule for `at`: readers see it from that moment with no task to run."""
    article.status = Article.Status.PUBLISHED
    article.publish_at = at or timezone.now()
    article.save(update_fields=["status", "publish_at", "updated_at"])
    return article


def unpublish_article(*, article: Article) -> Article:
    """Take a piece back to draft: it disappears from every page, list, feed and search."""
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    return article


# --- Images ----------------------------------------------------------------------------------

_SAVE_OPTIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    Rendition.Format.WEBP: ("WEBP", "webp", {"quality": 80, "method": 4}),
    # comment=b"": Pillow would otherwise copy the upload's JPEG comment into public files.
    Rendition.Format.JPEG: (
        "JPEG",
        "jpg",
        {"quality": 82, "optimize": True, "progressive": True, "comment": b""},
    ),
    Rendition.Format.PNG: ("PNG", "png", {"optimize": True}),
}


@transaction.atomic
def save_image(*, image: Image, upload=None) -> Image:
    """Save an editor's image; a new upload is stored as member photos are, re-encoded without
    its metadata, and under a name of our own (the uploader's can say as much as GPS tags)."""
    if upload is not None:
        stored = reencode_image(upload, allow_png=True)
        name = f"{uuid.uuid4().hex}.{stored.extension}"
        image.file.save(name, ContentFile(stored.content), save=False)
        image.width, image.height = stored.width, stored.height
    image.save()
    if upload is not None:
        queue_renditions(image=image)
    return image


def queue_renditions(*, image: Image) -> None:
    """Make the image's renditions in a worker once the upload is committed."""
    from .tasks import make_renditions

    transaction.on_commit(lambda: make_renditions.delay(image.pk))


def make_renditions(*, image: Image) -> list[Rendition]:
    """(Re)make the image's renditions: each configured width up to the original's, as WebP and
    as JPEG (or PNG for images with transparency)."""
    with image.file.open("rb") as source, open_image(source) as original:
        # Originals are stored upright now; those uploaded before may still carry a rotation.
        original = ImageOps.exif_transpose(original)
        see_through = has_alpha(original)
        fallback = Rendition.Format.PNG if see_through else Rendition.Format.JPEG
        original = original.convert("RGBA" if see_through else "RGB")
        widths = sorted({min(w, original.width) for w in settings.IMAGE_RENDITION_WIDTHS})
        made = []
        for width in widths:
            height = round(original.height * width / original.width)
            resized = original.resize((width, height), PILImage.Resampling.LANCZOS)
            for rendition_format in (Rendition.Format.WEBP, fallback):
                made.append(_save_rendition(image, resized, rendition_format))
    image.renditions.exclude(pk__in=[r.pk for r in made]).delete()  # files go after the commit
    image.sources = [[r.format, r.width, r.file.name] for r in made]
    image.save(update_fields=["sources"])
    return made


def _save_rendition(image: Image, picture, rendition_format: str) -> Rendition:
    pillow_format, extension, options = _SAVE_OPTIONS[rendition_format]
    buffer = io.BytesIO()
    picture.save(buffer, pillow_format, **options)
    width, height = picture.size
    rendition = Rendition.objects.filter(image=image, width=width, format=rendition_format).first()
    if rendition is None:
        rendition = Rendition(image=image, width=width, format=rendition_format)
    else:
        rendition.file.delete(save=False)
    rendition.height = height
    rendition.file.save(
        f"{image.pk}-{width}.{extension}", ContentFile(buffer.getvalue()), save=False
    )
    rendition.save()
    return rendition
