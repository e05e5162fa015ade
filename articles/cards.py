"""Article cards read as plain rows: what a card shows, and no model instances.

Reading cards as Articles built four model instances a card (the article, its author, its
picture and its section): 2.7 ms of a theme's fifteen cards, where the rows take a tenth of
that. A row carries a card's dozen columns under the names the cards template reads of an
Article (articles/jinja2/articles/cards.html), so a page may show either; the pages that read
many cards at once (the home page, a theme) read rows.
"""

from dataclasses import dataclass
from datetime import datetime

from .models import (
    Article,
    ArticleQuerySet,
    PictureSources,
    article_url,
    card_extras,
    reading_minutes,
)


@dataclass(slots=True)
class CardAuthor:
    name: str


@dataclass(slots=True)
class CardImage(PictureSources):
    file: str
    width: int
    height: int
    alt_text: str
    sources: list

    def stored_name(self) -> str:
        return self.file


@dataclass
class Card:
    """An article as its card shows it; what other apps add to cards (card_extras) is set as
    attributes of the same names."""

    pk: int
    title: str
    slug: str
    kind: str
    summary: str
    word_count: int
    publish_at: datetime
    theme_id: int | None
    section_id: int | None
    author: CardAuthor
    hero_image: CardImage | None

    def get_absolute_url(self) -> str:
        return article_url(self.slug)

    def get_kind_display(self) -> str:
        return Article.Kind(self.kind).label

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


# A card's own columns, named as Card's fields; then the author's name and the picture's.
_CARD = (
    "pk", "title", "slug", "kind", "summary", "word_count", "publish_at", "theme_id", "section_id",
)  # fmt: skip
_IMAGE = ("file", "width", "height", "alt_text", "sources")
_COLUMNS = (*_CARD, "author__name", "hero_image_id", *(f"hero_image__{name}" for name in _IMAGE))


def read_cards(articles: ArticleQuerySet, *also: str) -> tuple[list[Card], list[tuple]]:
    """The cards of `articles` (filtered and ordered as the page shows them), in one query;
    and, row for row, the values of `also` (more columns the page needs, such as the section's)."""
    extras = tuple(card_extras)
    rows = articles.with_card_extras().values_list(*_COLUMNS, *extras, *also)
    author_at, image_at = len(_CARD), len(_CARD) + 1
    extras_at = len(_COLUMNS)
    also_at = extras_at + len(extras)
    cards, more = [], []
    for row in rows:
        image = row[image_at + 1 : extras_at]
        card = Card(
            **dict(zip(_CARD, row, strict=False)),
            author=CardAuthor(row[author_at]),
            hero_image=CardImage(*image) if row[image_at] else None,
        )
        for name, value in zip(extras, row[extras_at:also_at], strict=True):
            setattr(card, name, value)
        cards.append(card)
        more.append(row[also_at:])
    return cards, more
