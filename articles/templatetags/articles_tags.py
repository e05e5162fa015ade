import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from common.jinja2 import render_fragment

register = template.Library()

# The escapes Django's json_script uses, so a title containing "</script>" cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def picture(image, sizes="100vw", loading="lazy", css_class=""):
    """A responsive <picture>: WebP and the original format at several widths, with the
    intrinsic size so the page does not jump; the original file until renditions exist.

    Built with format_html rather than an included template: a card's picture through the
    template engine cost 0.45 ms, most of a card (README, Profiling)."""
    if image is None:
        return ""
    fallback_format = image.fallback_format
    webp_srcset = image.srcset("webp")
    fallback_srcset = image.srcset(fallback_format) if fallback_format else ""
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp_srcset, sizes)
        if webp_srcset
        else ""
    )
    img_attributes = format_html(
        '{}width="{}" height="{}" alt="{}" loading="{}" decoding="async"{}{}',
        format_html('srcset="{}" sizes="{}" ', fallback_srcset, sizes) if fallback_srcset else "",
        image.width,
        image.height,
        image.alt_text,
        loading,
        mark_safe(' fetchpriority="high"') if loading == "eager" else "",
        format_html(' class="{}"', css_class) if css_class else "",
    )
    return format_html('<picture>{}<img src="{}" {}></picture>', source, image.url, img_attributes)


def _cards(articles, *, story: bool) -> SafeString:
    return render_fragment(
        "articles/cards.html", {"articles": articles, "story": story, "picture": picture}
    )


@register.simple_tag
def article_cards(articles):
    """A card for each article: picture, kind, title, summary, author, reading time, and the
    comment count when the cards' query has one (articles/jinja2/articles/cards.html)."""
    return _cards(articles, story=False)


@register.simple_tag
def theme_sections(sections):
    """A theme's sections, each titled, with its cards (articles/jinja2/articles/sections.html):
    one template for all of them, where a section included through Django's engine cost as
    much as its cards' own markup."""
    return render_fragment("articles/sections.html", {"sections": sections, "picture": picture})


@register.simple_tag
def story_cards(articles):
    """A quote card for each reader story."""
    return _cards(articles, story=True)


@register.filter
def absolute(url: str) -> str:
    """A media URL as other sites and apps need it: object storage and CDNs give full URLs
    already; the filesystem storage's are paths on our own origin."""
    if "://" in url or url.startswith("//"):
        return url
    return settings.SITE_URL + url


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org Article data for search engines, as a JSON-LD block."""
    site_url = context["SITE_URL"]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.meta_description,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": {"@type": "Person", "name": article.author.name},
        "publisher": {"@type": "Organization", "name": context["SITE_NAME"]},
        "mainEntityOfPage": site_url + article.get_absolute_url(),
        "wordCount": article.word_count,
    }
    if article.hero_image:
        data["image"] = absolute(article.hero_image.file.url)
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    # The payload is JSON with the HTML-significant characters escaped above, not markup.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
