import json

from django import template
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The escapes Django's json_script uses, so a title containing "</script>" cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", loading="lazy", css_class=""):
    """A responsive <picture>: WebP and the original format at several widths, with the
    intrinsic size so the page does not jump; the original file until renditions exist."""
    if image is None:
        return {"image": None}
    if "renditions" not in getattr(image, "_prefetched_objects_cache", {}):
        # One query for all of them, and none when the page fragment comes from the cache.
        prefetch_related_objects([image], "renditions")
    fallback_format = image.fallback_format
    return {
        "image": image,
        "webp_srcset": image.srcset("webp"),
        "fallback_srcset": image.srcset(fallback_format) if fallback_format else "",
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }


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
