import html
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.mail import EmailMessage as DjangoEmailMessage

from conftest import require

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
WIDTHS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def editor(editors_group, editor):
    """The root conftest's editor, once the Editors group is back: a browser test's database is
    emptied after each test, and the group with it (see editors_group)."""
    return editor


@pytest.fixture(autouse=True)
def _site_is_the_live_server(request, settings):
    """The browser visits the live server by its own name, and SITE_URL says so: the site
    sends a browser that named another host to SITE_URL's (common.middleware)."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread while the tests' own Django calls
    # (factories, reading rows) stay synchronous: Django's guard is lifted for browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    require(
        Path(CHROMIUM).exists() or shutil.which("chromium") is not None,
        "Debian's chromium is not installed",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Shots:
    """A test's full-page screenshots, numbered in the order they were taken, so a journey's
    folder reads as the journey did, whichever person (browser context) took each one."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken = 0

    def take(self, page, name: str) -> None:
        self.taken += 1
        # JPEG: a journey takes thirty-odd full pages per width, and PNG took twice as long.
        path = self.folder / f"{self.taken:02d}-{name}.jpg"
        page.screenshot(path=path, full_page=True, type="jpeg", quality=80)


@pytest.fixture
def shots(request):
    folder = ARTIFACTS / request.node.name.replace("/", "_")
    shutil.rmtree(folder, ignore_errors=True)  # a numbered series from an older run would mix in
    folder.mkdir(parents=True, exist_ok=True)
    return Shots(folder)


def _open(browser, viewport, shots: Shots, prefix: str = ""):
    """A page in a browser context of its own, recording what the browser reports as errors."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.shot = lambda name: shots.take(page, f"{prefix}{name}")
    return context, page, errors


@pytest.fixture(params=list(WIDTHS))
def page(request, browser, shots):
    """A fresh page at phone and at desktop width; `page.shot(name)` saves a screenshot."""
    context, page, errors = _open(browser, WIDTHS[request.param], shots)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def open_page(browser, page, shots):
    """`open_page(who)`: another person's page at the same width as `page`, in a browser
    context of their own (no shared cookies); their screenshots are named `<who>-…`."""
    opened = []

    def open_(who: str):
        context, other, errors = _open(browser, page.viewport_size, shots, prefix=f"{who}-")
        opened.append((who, context, errors))
        return other

    yield open_
    for who, context, errors in opened:
        context.close()
        assert errors == [], f"{who}'s browser reported errors: {errors}"


# --- Mail ------------------------------------------------------------------------------------


def email_html(message) -> str | None:
    """The HTML part of a message from Django's outbox or from the SMTP sink, if it has one."""
    if isinstance(message, DjangoEmailMessage):
        parts = getattr(message, "alternatives", [])
        return next((part for part, kind in parts if kind == "text/html"), None)
    body = message.get_body(("html",))
    return body.get_content() if body is not None else None


def email_text(message) -> str:
    if isinstance(message, DjangoEmailMessage):
        return message.body
    return message.get_body(("plain",)).get_content()


def show_email(page, message) -> None:
    """Show a message in `page` as a mail app would, so the test clicks its links as a person
    does: the HTML part if there is one, else the text with its addresses made into links."""
    content = email_html(message)
    if content is None:
        pieces = re.split(r"(https?://\S+)", email_text(message))  # addresses: odd indexes
        text = "".join(
            f'<a href="{html.escape(p)}">{html.escape(p)}</a>' if i % 2 else html.escape(p)
            for i, p in enumerate(pieces)
        )
        subject = html.escape(getattr(message, "subject", None) or message["Subject"])
        content = f"<!DOCTYPE html><title>{subject}</title><h1>{subject}</h1><pre>{text}</pre>"
    # A blank document of its own: written into a site page, the email would fall under that
    # page's Content-Security-Policy, which forbids the inline styles every email relies on.
    page.goto("about:blank")
    page.set_content(content)
