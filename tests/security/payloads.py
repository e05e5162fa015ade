"""XSS payloads, each carrying its own marker, and `assert_inert`, the check that a rendered page
(or feed, or email) holds no markup a browser would run.

Every payload puts its marker (`XSS07Q`) inside whatever would execute, so the check can tell
markup that came from the payload apart from the site's own: a `<script>` is only suspect when it
carries a marker, while handlers (`on…`), `javascript:` URLs and framing elements are suspect
anywhere, because the site itself never writes them.
"""

import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

MARKER = re.compile(r"XSS\d{2}Q")


@dataclass(frozen=True)
class Payload:
    name: str
    text: str

    @property
    def marker(self) -> str:
        return MARKER.search(self.text).group(0)


# (name, template): `{m}` becomes the payload's marker. Markdown-only forms (links, images) sit
# beside raw HTML because every text field goes through Markdown, escaping, or both.
_TEMPLATES = [
    # Script tags
    ("script", "<script>alert('{m}')</script>"),
    ("script-upper", "<SCRIPT>alert('{m}')</SCRIPT>"),
    ("script-split", "<scr<script>ipt>alert('{m}')</scr</script>ipt>"),
    ("script-nested", "<<script>script>alert('{m}')<</script>/script>"),
    ("script-src", '<script src="https://evil.example/{m}.js"></script>'),
    ("script-attrs", "<script type=text/javascript defer>alert('{m}')</script>"),
    ("script-unclosed", "<script>alert('{m}')"),
    # Event handlers
    ("img-onerror", "<img src=x onerror=\"alert('{m}')\">"),
    ("img-onerror-unclosed", "<img src=x onerror=alert('{m}')"),
    ("body-onload", "<body onload=alert('{m}')>"),
    ("div-onmouseover", "<div onmouseover=\"alert('{m}')\">hover</div>"),
    ("input-autofocus", "<input onfocus=alert('{m}') autofocus>"),
    ("details-ontoggle", "<details open ontoggle=alert('{m}')>"),
    ("a-onclick", '<a href="https://ok.example/" onclick="alert(\'{m}\')">x</a>'),
    # javascript:, vbscript: and data: URLs, in Markdown and in raw <a>
    ("md-javascript", "[click](javascript:alert('{m}'))"),
    ("md-javascript-mixed-case", "[click](JaVaScRiPt:alert('{m}'))"),
    ("md-javascript-entity", "[click](&#106;avascript:alert('{m}'))"),
    ("md-javascript-autolink", "<javascript:alert('{m}')>"),
    ("md-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{m})"),
    ("a-javascript", "<a href=\"javascript:alert('{m}')\">x</a>"),
    ("a-javascript-mixed-case", "<a href=\"JaVaScRiPt:alert('{m}')\">x</a>"),
    ("a-javascript-entities", "<a href=\"&#106;&#97;&#118;&#97;script&#58;alert('{m}')\">x</a>"),
    ("a-javascript-tab", "<a href=\"jav&#x09;ascript:alert('{m}')\">x</a>"),
    ("a-javascript-whitespace", "<a href=\" &#14; javascript:alert('{m}')\">x</a>"),
    ("a-javascript-colon-entity", "<a href=\"javascript&colon;alert('{m}')\">x</a>"),
    ("a-vbscript", "<a href=\"vbscript:msgbox('{m}')\">x</a>"),
    ("a-data-html", '<a href="data:text/html,<script>alert(1)</script>#{m}">x</a>'),
    ("form-action", "<form action=\"javascript:alert('{m}')\"><button>go</button></form>"),
    ("button-formaction", "<button formaction=\"javascript:alert('{m}')\">go</button>"),
    # SVG and MathML
    ("svg-script", "<svg><script>alert('{m}')</script></svg>"),
    ("svg-onload", "<svg onload=alert('{m}')>"),
    ("svg-xlink", "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>x</text></a></svg>"),
    ("math-mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>"),
    # Framing, embedding, styling, page-level tags
    ("iframe", "<iframe src=\"javascript:alert('{m}')\"></iframe>"),
    ("iframe-srcdoc", "<iframe srcdoc=\"<script>alert('{m}')</script>\"></iframe>"),
    ("object", '<object data="https://evil.example/{m}.swf"></object>'),
    ("embed", '<embed src="https://evil.example/{m}.swf">'),
    ("style-url", "<style>body{{background:url(\"javascript:alert('{m}')\")}}</style>"),
    ("style-expression", "<div style=\"width:expression(alert('{m}'))\">x</div>"),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">'),
    ("base-href", '<base href="https://evil.example/{m}/">'),
    # Broken markup and context breakouts
    ("attr-breakout", "\"><img src=x onerror=alert('{m}')>"),
    ("attr-breakout-single", "'><script>alert('{m}')</script>"),
    ("textarea-breakout", "</textarea><script>alert('{m}')</script>"),
    ("title-breakout", "</title><script>alert('{m}')</script>"),
    ("comment-breakout", "<!--<img src=\"--><img src=x onerror=alert('{m}')//\">"),
    ("noscript-mxss", "<noscript><p title=\"</noscript><img src=x onerror=alert('{m}')>\">"),
    # Already encoded: must stay text, never be decoded into markup
    ("pre-escaped", "&lt;script&gt;alert('{m}')&lt;/script&gt;"),
    ("json-escaped", "\\u003cscript\\u003ealert('{m}')\\u003c/script\\u003e"),
    # Markdown images
    ("md-image-onerror", "![x](x\" onerror=\"alert('{m}'))"),
    ("md-image-javascript", "![x](javascript:alert('{m}'))"),
    # Template syntax: user text is never rendered as a template
    ("template-safe", "{{{{ '<script>alert(\"{m}\")</script>'|safe }}}}"),
    ("template-tag", "{{% autoescape off %}}<script>alert('{m}')</script>{{% endautoescape %}}"),
]

PAYLOADS = [
    Payload(name, template.format(m=f"XSS{number:02d}Q"))
    for number, (name, template) in enumerate(_TEMPLATES, start=1)
]
PAYLOAD_IDS = [payload.name for payload in PAYLOADS]


def fitting(max_length: int) -> list[Payload]:
    """The payloads a field of `max_length` characters can hold whole."""
    return [payload for payload in PAYLOADS if len(payload.text) <= max_length]


def bundles(max_length: int, separator: str = "\n\n") -> list[str]:
    """Every payload packed, whole and in order, into as few texts of at most `max_length`
    characters as possible: one object per text then covers the corpus with a few renders."""
    texts: list[str] = []
    for payload in PAYLOADS:
        assert len(payload.text) <= max_length, payload.name
        if texts and len(texts[-1]) + len(separator) + len(payload.text) <= max_length:
            texts[-1] += separator + payload.text
        else:
            texts.append(payload.text)
    return texts


# --- The check -----------------------------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
FRAMING_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
# C0 controls and spaces: browsers drop them around a URL, and tabs and newlines inside it.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _url_scheme_text(value: str) -> str:
    return _URL_NOISE.sub("", unescape(value)).lower()


class _Inspector(HTMLParser):
    def __init__(self, marker: re.Pattern):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.problems: list[str] = []
        self._raw: tuple[str, dict] | None = None  # the open <script> or <style>
        self._raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        where = self.getpos()
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"line {where[0]}: <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and _url_scheme_text(value).startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"line {where[0]}: <{tag} {name}={value!r}>")
            if name == "style" and self.marker.search(value):
                self.problems.append(f"line {where[0]}: <{tag} style={value!r}>")
        if tag in FRAMING_TAGS:
            self.problems.append(f"line {where[0]}: <{tag}> {attributes}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"line {where[0]}: <meta http-equiv> {attributes}")
        if tag in ("script", "style"):
            self._raw, self._raw_text = (tag, attributes), []
            marked = [v for v in attributes.values() if self.marker.search(v)]
            if marked:
                self.problems.append(f"line {where[0]}: <{tag}> with {marked}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._raw is not None:
            self._raw_text.append(data)

    def handle_endtag(self, tag):
        if self._raw is None or tag != self._raw[0]:
            return
        (raw_tag, attributes), text = self._raw, "".join(self._raw_text)
        self._raw = None
        if raw_tag == "script" and attributes.get("type") == "application/ld+json":
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"JSON-LD block is not valid JSON: {text[:200]!r}")
            return
        if self.marker.search(text):
            self.problems.append(f"<{raw_tag}> running {text[:120]!r}")

    def close(self):
        if self._raw is not None:
            # An unclosed <script> runs to the end of the document; the parser keeps that text
            # back instead of reporting it.
            self._raw_text.append(self.rawdata)
        super().close()
        if self._raw is not None and self.marker.search("".join(self._raw_text)):
            self.problems.append(f"unclosed <{self._raw[0]}> running payload text")


def problems_in(html: str, payload_marker: str | re.Pattern = MARKER) -> list[str]:
    """What in `html` would run: see `assert_inert`."""
    marker = (
        payload_marker
        if isinstance(payload_marker, re.Pattern)
        else re.compile(re.escape(payload_marker))
    )
    inspector = _Inspector(marker)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def assert_inert(html: str, payload_marker: str | re.Pattern = MARKER) -> None:
    """Fail if `html` holds executable markup: a <script> or <style> carrying the payload marker
    (JSON-LD blocks must stay valid JSON instead), any `on…` attribute, a `javascript:`,
    `vbscript:` or `data:text/html` URL in a URL attribute (after unescaping and dropping
    whitespace and control characters), or any iframe, object, embed, base or
    meta[http-equiv] element."""
    problems = problems_in(html, payload_marker)
    assert not problems, "Executable markup in the output:\n" + "\n".join(problems)


def markers_in(text: str) -> set[str]:
    return set(MARKER.findall(text))
