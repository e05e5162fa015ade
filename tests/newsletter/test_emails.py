"""The newsletter's emails as subscribers receive them: both parts, inline styles, images with
alt text, the one-click headers, stable Message-IDs, escaping, and links that work on the site."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsletter.models import Issue, IssueArticle, Subscriber
from newsletter.services.emails import confirmation_message, render_issue, series_message
from newsletter.services.series import STEPS
from tests.articles.factories import ArticleFactory, ImageFactory
from tests.community.helpers import html_of
from tests.newsletter.factories import IssueArticleFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://runtowardbalance.example"


@pytest.fixture(autouse=True)
def _https_site(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def issue():
    issue = Issue.objects.create(
        subject="Rest is training too",
        preheader="Why the easy days make the hard ones possible",
        intro="This week: **rest**, and how to [plan it](https://example.org/rest).",
        closing="See you next week.",
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )
    pictured = ArticleFactory(
        title="What happens while you rest",
        summary="Muscles rebuild on the days between runs.",
        hero_image=ImageFactory(alt_text="A runner stretching on a bench"),
    )
    plain = ArticleFactory(title="A gentle week plan", summary="Three runs, two walks.")
    IssueArticleFactory(issue=issue, article=plain, order=2)
    IssueArticleFactory(issue=issue, article=pictured, order=1)
    return issue


@pytest.fixture
def subscriber():
    return SubscriberFactory(email="reader@example.com")


class Tags(HTMLParser):
    """Every start tag of a document, with its attributes."""

    def __init__(self, html):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, name):
        return [attrs for tag, attrs in self.tags if tag == name]


def path_of(url: str) -> str:
    assert url.startswith(SITE_URL + "/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Issues ---------------------------------------------------------------------------------------


def test_an_issue_message_has_a_text_part_and_an_html_part_with_the_same_content(issue, subscriber):
    message = render_issue(issue).message_for(subscriber)
    html = html_of(message)

    assert message.subject == "Rest is training too"
    assert message.to == ["reader@example.com"]
    for text in (message.body, html):
        assert "What happens while you rest" in text
        assert "Muscles rebuild on the days between runs." in text
        assert "A gentle week plan" in text
        assert "See you next week." in text
        assert f"{SITE_URL}/newsletter/unsubscribe/" in text
        assert f"{SITE_URL}/newsletter/preferences/" in text
        assert "__UNSUBSCRIBE_URL__" not in text
        assert "__PREFERENCES_URL__" not in text
    # Featured articles keep the editor's order in both parts.
    assert message.body.index("What happens while you rest") < message.body.index("A gentle week")
    assert html.index("What happens while you rest") < html.index("A gentle week plan")
    assert "<strong>rest</strong>" in html
    assert "<" not in message.body


def test_the_html_part_is_styled_inline_in_a_600px_table_layout(issue, subscriber):
    html = html_of(render_issue(issue).message_for(subscriber))
    tags = Tags(html)

    assert "<style" not in html
    assert not any("class" in attrs for _, attrs in tags.tags)
    assert "style" in tags.all("body")[0]
    assert any(attrs.get("width") == "600" for attrs in tags.all("table"))
    # Links, the editors' Markdown included, carry their own styles.
    for tag in ("a", "p", "h1", "h2"):
        assert all("style" in attrs for attrs in tags.all(tag)), tag
    assert all(cell.get("style") for cell in tags.all("td"))


def test_the_preheader_is_a_hidden_span_at_the_top_hidden_as_spam_never_is(issue, subscriber):
    html = html_of(render_issue(issue).message_for(subscriber))

    span = re.search(r"<body[^>]*>\s*<span style=\"([^\"]+)\">([^<]+)</span>", html)
    assert "display:none" in span.group(1)
    assert span.group(2).startswith("Why the easy days make the hard ones possible")
    # Hidden, but never by the background's colour or a vanishing font, as spam hides text.
    assert "color" not in span.group(1)
    assert "font-size" not in span.group(1)


def test_images_have_alt_text_an_explicit_width_and_an_absolute_address(issue, subscriber):
    html = html_of(render_issue(issue).message_for(subscriber))
    images = Tags(html).all("img")

    assert len(images) == 1  # the article without a picture shows none
    (image,) = images
    assert image["alt"] == "A runner stretching on a bench"
    assert image["width"] == "552"
    assert image["height"] == "368"  # 1200 × 800 scaled to 552 wide
    assert image["src"].startswith(f"{SITE_URL}/media/")


def test_the_one_click_unsubscribe_headers_follow_rfc_8058(issue, subscriber):
    message = render_issue(issue).message_for(subscriber).message()

    links = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert [link.split(":")[0] for link in links] == ["https", "mailto"]
    assert links[0].startswith(f"{SITE_URL}/newsletter/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The id filters match on stays what it always was; only its label is the shared one's.
    assert message["List-Id"].endswith("<newsletter.runtowardbalance.example>")


def test_the_message_id_is_stable_per_issue_and_subscriber(issue, subscriber):
    other = SubscriberFactory(email="other@example.com")

    first = render_issue(issue).message_for(subscriber).message()["Message-ID"]
    again = render_issue(issue).message_for(subscriber).message()["Message-ID"]
    for_other = render_issue(issue).message_for(other).message()["Message-ID"]

    assert first == again
    assert first != for_other


def test_the_unsubscribe_link_in_a_message_works_through_the_site(issue, subscriber):
    message = render_issue(issue).message_for(subscriber)
    https_link = re.search(r"<(https://[^>]+)>", message.extra_headers["List-Unsubscribe"])[1]
    # A mail client's one-click POST: no cookies, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        path_of(https_link), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert https_link in message.body
    assert https_link in html_of(message)


def test_every_site_link_in_an_issue_opens_a_page(client, issue, subscriber):
    message = render_issue(issue).message_for(subscriber)
    hrefs = {attrs["href"] for attrs in Tags(html_of(message)).all("a")}
    body_links = set(re.findall(r"https?://\S+", message.body))

    site_links = {href for href in hrefs | body_links if href.startswith(SITE_URL)}
    assert len(site_links) >= 6  # home, web version, two articles, unsubscribe, preferences…
    for link in site_links:
        assert client.get(path_of(link)).status_code == 200, link


def test_text_written_on_the_site_is_escaped_in_the_html_part(subscriber):
    issue = Issue.objects.create(
        subject="Fish & <chips>", preheader="<b>bold</b>", intro="<script>alert(1)</script> Hi",
        status=Issue.Status.SENT, sent_at=timezone.now(),
    )  # fmt: skip
    article = ArticleFactory(
        title="<script>alert('title')</script> Run", summary="Fast & <em>slow</em>"
    )
    IssueArticle.objects.create(issue=issue, article=article)

    message = render_issue(issue).message_for(subscriber)
    html = html_of(message)

    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Run" in html
    assert "Fish &amp; &lt;chips&gt;" in html
    assert "Fast &amp; &lt;em&gt;slow&lt;/em&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    # The plain-text part shows the words as written, not HTML entities.
    assert "<script>alert('title')</script> Run" in message.body
    assert "&amp;" not in message.body


def test_the_web_version_leaves_out_the_subscriber_links(issue):
    rendered = render_issue(issue, for_web=True)

    for text in (rendered.text, rendered.html):
        assert "__UNSUBSCRIBE_URL__" not in text
        assert "__PREFERENCES_URL__" not in text
        assert "Unsubscribe" not in text


# --- Confirmation and series ----------------------------------------------------------------------


def test_the_confirmation_email_has_both_parts_and_a_link_that_opens_the_confirm_page(client):
    subscriber = SubscriberFactory(
        email="new@example.com",
        confirmation_sent_at=timezone.now(),
        status=Subscriber.Status.PENDING,
    )

    message = confirmation_message(subscriber)
    html = html_of(message)

    assert message.subject == "Please confirm your subscription to Run Toward Balance"
    (link,) = set(re.findall(r"https://\S+/newsletter/confirm/\S+/", message.body))
    assert f'href="{link}"' in html
    assert "7 days" in message.body
    assert "7 days" in html
    assert "new@example.com" not in message.body + html
    response = client.get(path_of(link))
    assert response.status_code == 200
    assert "Confirm my subscription" in response.content.decode()


def test_a_series_email_has_the_week_the_plan_the_body_and_the_footer(client, subscriber):
    step = STEPS[0]

    message = series_message(subscriber, step)
    html = html_of(message)

    assert message.subject == "Your first run-walk — beginner series, week 1"
    for text in (message.body, html):
        assert "week 1" in text
        assert "Jog 60 s, walk 90 s" in text
        assert "Start slower than feels necessary." in text
    assert "<style" not in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = set(re.findall(rf"{SITE_URL}/newsletter/(?:unsubscribe|preferences)/[^\s\"<]+/", html))
    assert len(links) == 2
    assert links == set(re.findall(rf"{SITE_URL}/newsletter/\w+/\S+/", message.body))
    for link in links:
        assert client.get(path_of(link)).status_code == 200


def test_issue_messages_send_through_the_mail_backend(issue, subscriber):
    render_issue(issue).message_for(subscriber).send()

    (sent,) = mail.outbox
    assert sent.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.message().is_multipart()


def test_the_editors_markdown_gets_inline_styles_and_absolute_links(subscriber):
    issue = Issue.objects.create(
        subject="Links",
        intro="See [the plan](/newsletter/) and [elsewhere](https://example.org/).\n\n> Rest.",
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )

    html = html_of(render_issue(issue).message_for(subscriber))

    link = re.search(rf'<a [^>]*href="{SITE_URL}/newsletter/"[^>]*>', html)
    assert link, "the site-relative link was not made absolute"
    assert 'style="color: #14503f;text-decoration: underline;"' in link[0]
    assert 'href="https://example.org/"' in html
    assert re.search(r'<blockquote style="[^"]*border-left: 4px solid #1d6b57;', html)


def test_the_editors_markdown_is_styled_in_place_without_a_document_of_its_own(subscriber):
    issue = Issue.objects.create(
        subject="Fragments",
        intro="## A heading\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        closing="Bye.",
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )

    html = html_of(render_issue(issue).message_for(subscriber))

    assert html.count("<html") == html.count("<head") == html.count("<body") == 1
    assert re.search(r"<h2 style=\"[^\"]*font-size: 22px;", html)
    assert re.search(r"<th style=\"[^\"]*border-bottom: 2px solid #d9d5ca;", html)
