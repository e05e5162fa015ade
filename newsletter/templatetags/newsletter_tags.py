import re

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from ..forms import SubscribeForm

register = template.Library()

# Mail clients drop <style> blocks, so the tags our Markdown sanitizer lets through get their
# look inline. Colours and sizes match the email templates.
EMAIL_STYLES = {
    "p": "margin:0 0 16px 0;",
    "a": "color:#14503f;text-decoration:underline;",
    "h2": "margin:24px 0 8px 0;font-family:Georgia,'Times New Roman',serif;font-size:22px;"
    "line-height:1.3;color:#1f2a27;",
    "h3": "margin:20px 0 8px 0;font-family:Georgia,'Times New Roman',serif;font-size:19px;"
    "line-height:1.3;color:#1f2a27;",
    "h4": "margin:16px 0 8px 0;font-size:17px;line-height:1.3;color:#1f2a27;",
    "ul": "margin:0 0 16px 0;padding:0 0 0 24px;",
    "ol": "margin:0 0 16px 0;padding:0 0 0 24px;",
    "li": "margin:0 0 6px 0;",
    "blockquote": "margin:0 0 16px 0;padding:8px 16px;border-left:4px solid #1d6b57;"
    "background-color:#f1efe8;",
    "img": "display:block;max-width:100%;height:auto;border:0;",
    "figure": "margin:0 0 16px 0;",
    "figcaption": "margin:6px 0 0 0;font-size:13px;color:#4d5b56;",
    "table": "width:100%;border-collapse:collapse;margin:0 0 16px 0;",
    "th": "padding:6px;border-bottom:2px solid #d9d5ca;text-align:left;",
    "td": "padding:6px;border-bottom:1px solid #d9d5ca;",
    "pre": "margin:0 0 16px 0;padding:12px;background-color:#f1efe8;white-space:pre-wrap;"
    "font-family:Menlo,Consolas,monospace;font-size:14px;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:15px;background-color:#f1efe8;",
    "hr": "margin:24px 0;border:0;border-top:1px solid #d9d5ca;",
}
_STYLED_TAG = re.compile(r"<({})(?=[\s>/])".format("|".join(EMAIL_STYLES)))
_SITE_RELATIVE = re.compile(r'\b(href|src)="/(?!/)')


@register.simple_tag
def new_subscribe_form(source: str) -> SubscribeForm:
    """A fresh sign-up form (with its signed time stamp) for pages whose views know nothing of
    the newsletter, such as the home and article pages."""
    return SubscribeForm(initial={"source": source})


@register.filter
def email_html(html: str) -> SafeString:
    """Sanitized HTML (a `…_html` column from common.markup, which never keeps a style
    attribute) made ready for mail clients: styles inline and site-relative links absolute."""
    html = _STYLED_TAG.sub(lambda match: f'<{match[1]} style="{EMAIL_STYLES[match[1]]}"', html)
    return mark_safe(_SITE_RELATIVE.sub(rf'\1="{settings.SITE_URL}/', html))  # noqa: S308
