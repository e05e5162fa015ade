"""Loads the demo publication: themes, sections, articles and pictures drawn here with Pillow.

Idempotent: rows are found by slug (pictures by their alt text) and only missing ones are
created, so a second run changes nothing and an editor's changes to demo rows are kept.
"""

import hashlib
import io
import math
import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from . import services
from .demo_data import AUTHORS, THEMES, TOPICS
from .models import Article, Author, Image, Section, Theme, Topic

DEMO_CREDIT = "Illustration drawn for the Run Toward Balance demo"
PICTURE_SIZE = (1600, 900)

# sky top, sky bottom, sun or moon, far hills, near hills, path
PALETTES = {
    "dawn": ("#f6c9a8", "#fde8d0", "#fff4d6", "#9fb8a8", "#5f8a72", "#e9d8bf"),
    "noon": ("#8ec5e8", "#dff0fa", "#fffbe0", "#8fbf8f", "#4f8f5f", "#efe3c6"),
    "dusk": ("#5b4a7a", "#f0a878", "#ffd9a0", "#6a5a80", "#3f3a5a", "#d9b89a"),
    "forest": ("#bfe0d0", "#eef7f0", "#fffbe8", "#6f9f80", "#2f6a4a", "#d8c9a8"),
    "sea": ("#9fd3e0", "#e6f6f8", "#fffbe8", "#6fa8b8", "#3f7f8f", "#f0e4c8"),
    "night": ("#1c2540", "#3f4f7a", "#f2f0e0", "#2f3a5a", "#1f2740", "#8f8aa8"),
}


@transaction.atomic
def load_demo_content() -> dict[str, int]:
    """Create whatever demo rows are missing; return how many of each were created."""
    created = {"authors": 0, "topics": 0, "themes": 0, "sections": 0, "articles": 0, "images": 0}
    authors = {}
    for data in AUTHORS:
        authors[data["slug"]], new = Author.objects.get_or_create(
            slug=data["slug"], defaults={"name": data["name"], "bio": data["bio"]}
        )
        created["authors"] += new
    topics = {}
    for data in TOPICS:
        topics[data["slug"]], new = Topic.objects.get_or_create(
            slug=data["slug"], defaults={"name": data["name"], "description": data["description"]}
        )
        created["topics"] += new

    today = timezone.localdate()
    now = timezone.now()
    for theme_data in THEMES:
        theme, new = Theme.objects.get_or_create(
            slug=theme_data["slug"],
            defaults={
                "title": theme_data["title"],
                "intro": theme_data["intro"],
                "featured_on": today - timedelta(days=theme_data["featured_days_ago"]),
            },
        )
        created["themes"] += new
        if new:
            theme.hero_image = _demo_image(theme_data["hero"], theme.slug, created)
            theme.save(update_fields=["hero_image"])
        for order, section_data in enumerate(theme_data["sections"], start=1):
            section, new = Section.objects.get_or_create(
                theme=theme,
                title=section_data["title"],
                defaults={"intro": section_data.get("intro", ""), "order": order},
            )
            created["sections"] += new
            for data in section_data["articles"]:
                if Article.objects.filter(slug=data["slug"]).exists():
                    continue
                article = Article.objects.create(
                    slug=data["slug"],
                    title=data["title"],
                    kind=data["kind"],
                    theme=theme,
                    section=section,
                    author=authors[data["author"]],
                    summary=data["summary"],
                    seo_description=data.get("seo_description", ""),
                    body=data["body"].strip(),
                    hero_image=_demo_image(data["hero"], data["slug"], created),
                    status=Article.Status.PUBLISHED,
                    publish_at=now - timedelta(days=data["days_ago"], hours=len(data["title"]) % 9),
                )
                article.topics.set([topics[slug] for slug in data["topics"]])
                created["articles"] += 1
    return created


def _demo_image(data: dict, seed: str, created: dict) -> Image:
    image = Image.objects.filter(credit=DEMO_CREDIT, alt_text=data["alt"]).first()
    if image is not None:
        return image
    image = Image(alt_text=data["alt"], credit=DEMO_CREDIT)
    image.file.save(
        f"demo-{seed}.jpg", ContentFile(draw_landscape(data["palette"], seed)), save=False
    )
    image.save()
    services.queue_renditions(image=image)
    created["images"] += 1
    return image


def draw_landscape(palette: str, seed: str) -> bytes:
    """A calm landscape — sky, sun or moon, rolling hills and a path — as JPEG bytes."""
    sky_top, sky_bottom, light, far, near, path = (_rgb(c) for c in PALETTES[palette])
    rng = random.Random(hashlib.sha256(seed.encode()).digest())  # noqa: S311 (drawing, not security)
    width, height = PICTURE_SIZE
    picture = PILImage.new("RGB", PICTURE_SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=_mix(sky_top, sky_bottom, t))

    sun_x, sun_y, radius = rng.randint(250, 1350), rng.randint(170, 360), rng.randint(60, 110)
    for ring in range(6, 0, -1):  # a soft glow: wider, fainter rings first
        glow = _mix(sky_bottom, light, 1 - ring / 7)
        r = radius + ring * 18
        draw.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=glow)
    draw.ellipse([sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=light)

    for layer, (base, colour) in enumerate(
        [(0.55, far), (0.68, _mix(far, near, 0.5)), (0.8, near)]
    ):
        phase, waves = rng.uniform(0, math.tau), rng.uniform(1.2, 2.4)
        amplitude = height * (0.07 - layer * 0.015)
        outline = [
            (x, height * base + amplitude * math.sin(phase + waves * math.tau * x / width))
            for x in range(0, width + 20, 20)
        ]
        draw.polygon([(0, height), *outline, (width, height)], fill=colour)

    # A path that narrows as it winds toward the horizon.
    bend = rng.uniform(-0.25, 0.25) * width
    steps = 40
    left, right = [], []
    for i in range(steps + 1):
        t = i / steps
        y = height - t * height * 0.3
        centre = width / 2 + bend * math.sin(t * math.pi) * (1 - t)
        half = 220 * (1 - t) ** 1.6 + 4
        left.append((centre - half, y))
        right.append((centre + half, y))
    draw.polygon(left + right[::-1], fill=path)

    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
