"""The one place where Markdown becomes HTML and HTML is made safe to show.

Articles, comments, shares and emails all go through `render_markdown` or `sanitize_html`, so the
allow-lists below are the whole of what user or editor markup can ever put on a page.
"""

import re
from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt

URL_SCHEMES = {"http", "https", "mailto"}

# Editors write full articles: headings, tables, figures and images are theirs to use.
ARTICLE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h2", "h3", "h4",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Members write comments and shares: emphasis, links, lists and quotes, nothing else.
MEMBER_TAGS = {"a", "blockquote", "br", "code", "em", "li", "ol", "p", "strong", "ul"}
MEMBER_ATTRIBUTES = {"a": {"href"}}
MEMBER_LINK_REL = "nofollow ugc noopener"


@cache
def _article_parser() -> MarkdownIt:
    # Raw HTML passes the parser so editors can write a <figure>; nh3 then removes anything
    # outside the allow-list (script, style, iframes, on* handlers, javascript: URLs).
    return MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )


@cache
def _member_parser() -> MarkdownIt:
    # Members' raw HTML is shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False}).disable(["heading", "lheading", "image"])


def sanitize_html(html: str, *, for_members: bool = False) -> str:
    """Return `html` with every tag, attribute and URL outside the allow-list removed."""
    if for_members:
        return nh3.clean(
            html,
            tags=MEMBER_TAGS,
            attributes=MEMBER_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=MEMBER_LINK_REL,
        )
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


def render_markdown(source: str, *, for_members: bool = False) -> str:
    """Render Markdown to sanitized HTML, with the editors' or the members' allow-list."""
    parser = _member_parser() if for_members else _article_parser()
    return sanitize_html(parser.render(source or ""), for_members=for_members)


_BLOCK_END = re.compile(r"<(?:br|/p|/h[1-6]|/li|/blockquote|/pre|/tr|/figcaption)\b[^>]*>", re.I)


def html_to_text(html: str) -> str:
    """Plain text of HTML, for search, reading time and plain-text emails."""
    text = nh3.clean(_BLOCK_END.sub("\n", html), tags=set())
    lines = (" ".join(line.split()) for line in unescape(text).splitlines())
    return "\n".join(line for line in lines if line)
