import re

import css_inline
from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from common.jinja2 import render_fragment

from ..forms import SubscribeForm

register = template.Library()

# The editors' Markdown gets its look from this stylesheet, written into style attributes: mail
# clients drop <style> blocks. No remote stylesheet is ever fetched.
EMAIL_STYLESHEET = "emails/newsletter/markdown.css"
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)
_SITE_RELATIVE = re.compile(r'\b(href|src)="/(?!/)')


@register.simple_tag(takes_context=True)
def fresh_subscribe_form(context, source: str, boxed: bool = False) -> SafeString:
    """A fresh sign-up form (newsletter/jinja2/newsletter/subscribe_form.html), with its signed
    time stamp, for pages whose views know nothing of the newsletter (the home and article
    pages); the CSRF token for members only: other readers may get it from the page cache."""
    request = context.get("request")
    member = request is not None and request.user.is_authenticated
    return render_fragment(
        "newsletter/subscribe_form.html",
        {"form": SubscribeForm(initial={"source": source}), "boxed": boxed},
        request=request if member else None,
    )


@register.filter
def email_html(html: str) -> SafeString:
    """Sanitized HTML (a `…_html` column from common.markup, which never keeps a style
    attribute) made ready for mail clients: EMAIL_STYLESHEET inline and site-relative links
    absolute. A fragment stays a fragment (no <html> or <head> added)."""
    stylesheet = render_to_string(EMAIL_STYLESHEET)
    html = _inliner.inline_fragment(html, stylesheet)
    return mark_safe(_SITE_RELATIVE.sub(rf'\1="{settings.SITE_URL}/', html))  # noqa: S308
