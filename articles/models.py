import math
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from common.images import ValidatedImageField
from common.markup import html_to_text, render_markdown

WORDS_PER_MINUTE = 230


def reading_minutes(word_count: int) -> int:
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))


def article_url(slug: str) -> str:
    return reverse("articles:article-detail", kwargs={"slug": slug})


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account this byline belongs to, if any.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic-detail", kwargs={"slug": self.slug})


@lru_cache(maxsize=8192)
def _remembered_url(name: str) -> str:
    return default_storage.url(name)


def media_url(name: str) -> str:
    """The URL of a stored image or rendition, worked out once per process for public media.
    A stored name is never reused for other bytes (the S3 storage never overwrites; the
    filesystem's names are unique), and working it out cost a card's picture some 40 µs of
    URL joining for each of its sources. Signed URLs expire, so they are never remembered."""
    if getattr(default_storage, "querystring_auth", False):
        return default_storage.url(name)
    return _remembered_url(name)


@receiver(setting_changed)
def _forget_media_urls(*, setting, **kwargs):
    if setting in {"MEDIA_URL", "STORAGES", "MEDIA_STORAGE"}:
        _remembered_url.cache_clear()


class PictureSources:
    """What the picture tag reads of an image: its URL, and a `srcset` for each format from
    `sources` (no query). An Image, and the plain rows cards are read as (articles.cards)."""

    sources: list

    def stored_name(self) -> str:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return media_url(self.stored_name())

    def srcset(self, image_format: str) -> str:
        return ", ".join(
            f"{media_url(name)} {width}w"
            for source_format, width, name in self.sources
            if source_format == image_format
        )

    @property
    def fallback_format(self) -> str:
        formats = {source[0] for source in self.sources} - {Rendition.Format.WEBP}
        return next(iter(formats), "")


class Image(PictureSources, models.Model):
    """An uploaded picture with its alt text; renditions are made from it by a Celery task."""

    file = ValidatedImageField(
        upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    alt_text = models.CharField(
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    credit = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # What a <picture> needs of the renditions, [[format, width, file name], ...], written with
    # them (services.make_renditions): a page then reads no rendition rows. Reading them for a
    # page of cards was three queries and some 180 model instances, half the home page's reads.
    sources = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        # A file saved from code (FieldFile.save) does not always fill the dimension fields.
        if self.file and not (self.width and self.height):
            self.width, self.height = self.file.width, self.file.height
        super().save(*args, **kwargs)

    def stored_name(self) -> str:
        return self.file.name or ""


class Rendition(models.Model):
    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format)
    file = models.ImageField(upload_to="renditions/")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="unique_rendition_per_width_and_format"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"


class ThemeQuerySet(models.QuerySet):
    def live(self):
        """Themes whose feature date has come; the newest first."""
        return self.filter(featured_on__lte=timezone.localdate()).order_by("-featured_on", "-id")

    def visible_to(self, user):
        if user.has_perm("articles.view_theme"):
            return self.order_by(models.F("featured_on").desc(nulls_first=True), "-id")
        return self.live()


class Theme(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    intro = models.TextField(help_text="Shown under the title on the home and theme pages.")
    hero_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    featured_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The day this becomes the theme of the day. Empty: not shown to readers yet.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["-featured_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:theme-detail", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return self.featured_on is not None and self.featured_on <= timezone.localdate()


class Section(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    intro = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "title"], name="unique_section_title_per_theme"
            )
        ]

    def __str__(self):
        return f"{self.theme} — {self.title}"


# The long text columns, three copies of an article's words: a card or a list of cards shows
# none of them, and reading them for a page of cards was most of its database time.
_LONG_TEXT = ("body", "body_html", "body_text", "seo_description")

# What other apps add to every card's query, registered from their AppConfig.ready():
# articles imports no app above it, and they depend on it (DESIGN.md, Layers).
_card_annotations: list[Callable[[models.QuerySet], models.QuerySet]] = []
# The names of the values they add, which a card read as a row carries (articles.cards).
card_extras: list[str] = []


def add_to_cards(annotate: Callable[[models.QuerySet], models.QuerySet], *names: str) -> None:
    """Have `annotate(queryset)` applied to every card query (ArticleQuerySet.for_cards); it
    annotates `names`, which every card then shows."""
    if annotate not in _card_annotations:
        _card_annotations.append(annotate)
        card_extras.extend(names)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Published pieces whose publication time has come: what readers may see."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def stories(self):
        return self.filter(kind=Article.Kind.STORY)

    def visible_to(self, user):
        """Everything for staff who may preview; published pieces for everyone else."""
        if user.has_perm("articles.view_article"):
            return self.all()
        return self.published()

    def for_cards(self):
        """What an article card shows, in a fixed number of queries however many there are,
        with what the apps above add to cards (community: the comment count)."""
        return self.select_related("author", "hero_image").defer(*_LONG_TEXT).with_card_extras()

    def with_card_extras(self):
        """With what the apps above add to every card (card_extras), and nothing else: what
        articles.cards reads as rows, naming its own columns."""
        queryset = self
        for annotate in _card_annotations:
            queryset = annotate(queryset)
        return queryset


class Article(models.Model):
    class Kind(models.TextChoices):
        FEATURE = "feature", "Feature"
        SCIENCE = "science", "Science note"
        GUIDE = "guide", "Beginner guide"
        STORY = "story", "Reader story"

    class Status(models.TextChoices):
        # "Scheduled" is not stored: it is a published piece whose publish_at is still ahead, so
        # a piece appears at its time with no task having to run, and no state goes stale.
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (from its publish time)"

    class Markup(models.TextChoices):
        # A member's words keep the members' rules wherever they are republished: a reader
        # story is rendered like the share it grew from, however often editors edit it.
        EDITORS = "editors", "Editors' markup (headings, images, tables, raw HTML)"
        MEMBER = "member", "A member's words (links marked nofollow ugc; no images or raw HTML)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.FEATURE)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="articles")
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for cards, feeds and search results."
    )
    body = models.TextField(
        help_text="Markdown. Headings start at ## (the title is the page's h1)."
    )
    body_markup = models.CharField(
        max_length=10,
        choices=Markup,
        default=Markup.EDITORS,
        editable=False,  # set where the text comes from, never switched in the admin
        help_text="Which rules the body is rendered with.",
    )
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    word_count = models.PositiveIntegerField(editable=False, default=0)
    hero_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="Readers see a published piece from this moment on; a future time schedules it.",
    )
    comments_open = models.BooleanField(default=True)
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="For search engines and link previews; the summary is used when empty.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_visibility_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered once here, so pages never parse Markdown.
        self.body_html = render_markdown(
            self.body, for_members=self.body_markup == self.Markup.MEMBER
        )
        self.body_text = html_to_text(self.body_html)
        self.word_count = len(self.body_text.split())
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_html",
                "body_text",
                "word_count",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return article_url(self.slug)

    def clean(self):
        if self.section_id and self.section.theme_id != self.theme_id:
            raise ValidationError({"section": "Choose a section of the article's theme."})

    @cached_property
    def topic_list(self) -> list["Topic"]:
        """The topics, read once for a page however often it shows them (prefetch-aware)."""
        return list(self.topics.all())

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def state(self) -> str:
        """draft, scheduled or published, as editors and the preview banner name it."""
        if self.status == self.Status.DRAFT:
            return "draft"
        return "scheduled" if self.publish_at > timezone.now() else "published"

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.summary
