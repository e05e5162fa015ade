"""Every XSS payload through every text field users or editors write, checked wherever that text
is shown: pages, the admin, feeds and emails.

Each test stores one object per payload (as the form or admin would, or through the ORM where a
form would refuse the text for reasons of its own) and renders every page that shows them, then
checks two things: nothing executable came out (`assert_inert`), and every payload marker that
survived the field's own sanitizing reached the page, so a test cannot pass by showing nothing.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib import admin
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles import feeds
from articles.models import Article
from articles.views import SearchView, TopicDetailView
from community.models import (
    Comment,
    Goal,
    GoalUpdate,
    Profile,
    Share,
    Status,
)
from community.services.comments import notify_reply
from community.services.goals import send_goal_reminders
from community.views import cities as city_views
from community.views import profiles as profile_views
from community.views import shares as share_views
from newsletter.models import Issue, Subscriber
from newsletter.services.emails import render_issue
from newsletter.views import IssueListView
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
    image_upload,
)
from tests.community.factories import (
    CityFactory,
    ClubFactory,
    CommentFactory,
    CommentReportFactory,
    GoalFactory,
    GoalUpdateFactory,
    MemberFactory,
    PartnerPostFactory,
    ProfileFactory,
    RouteFactory,
    ShareFactory,
)
from tests.newsletter.factories import IssueArticleFactory

from .cases import POST_ENDPOINTS, REDIRECT_CASES, URLS_WALKED
from .conftest import logged_in
from .payloads import PAYLOADS, Payload, assert_inert, bundles, fitting, markers_in

pytestmark = pytest.mark.django_db

# Where each field's text is shown; every pair below is one parametrized case.
RENDER_PLACES = {
    "comment.body": [
        "article page",
        "share page",
        "partner post page",
        "admin changelist",
        "admin change page",
        "reply email",
        "form kept on error",
    ],
    "commentreport.reason": ["admin changelist", "comment admin", "form kept on error"],
    "share.text": ["feed", "share page", "member page", "admin change page", "form kept on error"],
    "share.photo_alt": [
        "feed",
        "share page",
        "member page",
        "admin change page",
        "form kept on error",
    ],
    "partnerpost.title": ["city page", "post page", "admin changelist", "form kept on error"],
    "partnerpost.text": ["city page", "post page", "form kept on error"],
    "club.name": ["city page", "admin changelist", "form kept on error"],
    "club.description": ["city page", "form kept on error"],
    "club.meets": ["city page", "form kept on error"],
    "route.name": ["city page", "admin changelist"],
    "route.description": ["city page"],
    "route.surface": ["city page", "form kept on error"],
    "route.start_point": ["city page", "form kept on error"],
    "goal.title": [
        "goals page",
        "past goals",
        "reminder email",
        "admin change page",
        "form kept on error",
    ],
    "goal.why": ["goals page", "admin change page", "form kept on error"],
    "goalupdate.note": ["goals page", "admin change page", "form kept on error"],
    "profile.display_name": [
        "member page",
        "comments",
        "share cards",
        "city page",
        "profile page",
        "reply email",
        "reminder email",
        "admin changelist",
        "form kept on error",
    ],
    "profile.bio": ["member page", "profile page", "form kept on error"],
    "article.title": [
        "article page",
        "home cards",
        "topic cards",
        "search cards",
        "rss feed",
        "atom feed",
        "newsletter email",
        "admin",
    ],
    "article.summary": [
        "article page",
        "home cards",
        "topic cards",
        "search cards",
        "rss feed",
        "atom feed",
        "newsletter email",
    ],
    "article.body": ["article page", "admin"],
    "issue.subject": ["admin preview", "email", "web version", "issue list", "admin changelist"],
    "issue.preheader": ["admin preview", "email", "web version", "issue list"],
    "issue.intro": ["admin preview", "email", "web version"],
    "issue.closing": ["admin preview", "email", "web version"],
    # Editors' labels around the articles
    "theme.title": ["theme page", "article page"],
    "theme.intro": ["theme page"],
    "section.title": ["theme page"],
    "section.intro": ["theme page"],
    "topic.name": ["topic page", "article page"],
    "topic.description": ["topic page"],
    "author.name": ["article page", "theme page"],
    "author.bio": ["article page"],
    "image.alt_text": ["article page", "theme page"],
    "image.credit": ["article page"],
    "city.name": ["city page"],
    "city.region": ["city page"],
    "city.intro": ["city page"],
    "search.q": ["search page"],
    "subscriber.email": ["subscribe form errors"],
}
# What the security suite covers (tests/security): reported in the notes, never printed.
PAYLOAD_COUNT = len(PAYLOADS)
FIELD_PLACE_COMBINATIONS = sum(len(places) for places in RENDER_PLACES.values())
SUITE_COUNTS = {
    "payloads": PAYLOAD_COUNT,
    "field × place combinations": FIELD_PLACE_COMBINATIONS,
    "URLs walked": URLS_WALKED,
    "POST endpoints checked for CSRF": POST_ENDPOINTS,
    "redirect cases": REDIRECT_CASES,
}

SEARCH_WORD = "zebrafinch"


# --- Helpers -------------------------------------------------------------------------------------


def pages_for(field: str) -> list[str]:
    """The places a field is shown, less the form re-shown with errors (checked per form)."""
    return [place for place in RENDER_PLACES[field] if place != "form kept on error"]


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_shown(html: str, *sources: str) -> None:
    """Every marker left in `sources` (the stored text or sanitized HTML the place shows) is in
    `html`: the payloads reached the place being checked."""
    expected = set().union(*(markers_in(source) for source in sources))
    missing = expected - markers_in(html)
    assert expected, "no payload survived to be shown: the check would prove nothing"
    assert not missing, f"payloads never reached the output: {sorted(missing)}"


def assert_safe_and_shown(html: str, *sources: str) -> None:
    assert_inert(html)
    assert_shown(html, *sources)


def html_part(message: EmailMultiAlternatives) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


@pytest.fixture
def writer():
    """The member who types the payloads."""
    return MemberFactory(username="wren", profile__display_name="Wren")


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def article():
    return ArticleFactory(title="Slow miles", slug="slow-miles")


# --- The checker itself --------------------------------------------------------------------------

# Payloads that only become markup once something decodes them; the test shows the checker
# flags what a careless renderer would make of them.
_DECODED = {
    "script-split": lambda text: re.sub(r"<script>|</script>", "", text),
    "img-onerror-unclosed": lambda text: text + "</p>",
    "md-javascript": lambda text: "<a href=\"javascript:alert('{}')\">".format(*markers_in(text)),
    "md-javascript-mixed-case": lambda text: '<a href="JaVaScRiPt:{}">'.format(*markers_in(text)),
    "md-javascript-entity": lambda text: '<a href="&#106;avascript:{}">'.format(*markers_in(text)),
    "md-javascript-autolink": lambda text: f'<a href="{text[1:-1]}">x</a>',
    "md-data-html": lambda text: f'<a href="{text[4:-1]}">x</a>',
    "noscript-mxss": lambda text: text.replace('<p title="</noscript>', ""),
    "pre-escaped": lambda text: text.replace("&lt;", "<").replace("&gt;", ">"),
    "json-escaped": lambda text: json.loads(f'"{text}"'),
    "md-image-onerror": lambda text: '<img src="x" onerror="{}">'.format(*markers_in(text)),
    "md-image-javascript": lambda text: '<img src="javascript:{}">'.format(*markers_in(text)),
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_the_checker_flags_every_payload_as_a_careless_renderer_would_emit_it(payload):
    html = _DECODED.get(payload.name, lambda text: text)(payload.text)
    with pytest.raises(AssertionError, match="Executable markup"):
        assert_inert(f"<main><p>{html}</p></main>", payload.marker)


def test_the_checker_accepts_the_sites_own_kind_of_markup():
    assert_inert(
        '<script type="application/ld+json">{"headline": "\\u003Cscript\\u003E XSS01Q"}</script>'
        '<a href="https://example.org/XSS02Q" rel="nofollow">XSS03Q</a>'
        '<p>&lt;script&gt;alert(\'XSS04Q\')&lt;/script&gt;</p><img src="/media/a.jpg" alt="x">'
    )


def test_every_payload_has_its_own_marker():
    assert len({payload.marker for payload in PAYLOADS}) == PAYLOAD_COUNT >= 40


# --- Comments ------------------------------------------------------------------------------------


def _comments_on(author, payloads: list[Payload], **target) -> list[Comment]:
    return [
        CommentFactory(author=author, body=p.text, status=Status.APPROVED, **target)
        for p in payloads
    ]


@pytest.mark.parametrize("place", pages_for("comment.body"))
def test_comment_bodies_are_inert(
    place, client, editor_client, writer, member, article, leeds, mailoutbox
):
    if place == "article page":
        comments = _comments_on(writer, PAYLOADS, article=article)
        html = page(client, article.get_absolute_url())
    elif place == "share page":
        share = ShareFactory(author=member, text="My 5K", status=Status.APPROVED)
        comments = _comments_on(writer, PAYLOADS, share=share)
        html = page(client, share.get_absolute_url())
    elif place == "partner post page":
        post = PartnerPostFactory(city=leeds, author=member, title="Slow 5K?", text="Hi")
        comments = _comments_on(writer, PAYLOADS, partner_post=post)
        html = page(client, post.get_absolute_url())
    elif place == "admin changelist":
        comments = _comments_on(writer, PAYLOADS, article=article)
        html = page(editor_client, reverse("admin:community_comment_changelist"))
        # The list shows an 80-character excerpt of the Markdown source.
        assert_safe_and_shown(html, *(c.body[:80] for c in comments))
        return
    elif place == "admin change page":
        # The admin escapes every field the same way: all payloads in one comment per render.
        for body in bundles(3000):
            comment = CommentFactory(
                article=article, author=writer, body=body, status=Status.APPROVED
            )
            url = reverse("admin:community_comment_change", args=[comment.pk])
            assert_safe_and_shown(page(editor_client, url), comment.body, comment.body_html)
        return
    else:
        assert place == "reply email"
        ProfileFactory(user=member, display_name="Mira", notify_replies=True)
        for payload in PAYLOADS:
            parent = CommentFactory(
                article=article, author=member, body="Question?", status=Status.APPROVED
            )
            reply = CommentFactory(
                article=article,
                author=writer,
                parent=parent,
                body=payload.text,
                status=Status.APPROVED,
            )
            assert notify_reply(comment=reply)
            assert_safe_and_shown(html_part(mailoutbox[-1]), reply.body_html)
        return
    assert_safe_and_shown(html, *(c.body_html for c in comments))


# --- Shares --------------------------------------------------------------------------------------


def _shares_by(author, payloads: list[Payload]) -> list[Share]:
    shares = []
    for payload in payloads:
        share = Share(
            author=author,
            text=payload.text,
            photo_alt=payload.text[:200],
            status=Status.APPROVED,
        )
        share.photo.name = "shares/run.jpg"  # only its URL is shown
        share.save()
        shares.append(share)
    return shares


def _share_sources(shares: list[Share]) -> list[str]:
    return [text for share in shares for text in (share.text_html, share.photo_alt)]


@pytest.mark.parametrize("place", pages_for("share.text"))
def test_share_texts_and_photo_descriptions_are_inert(
    place, client, editor_client, writer, monkeypatch
):
    """Covers share.text and share.photo_alt at each place (both are on every share card)."""
    assert max(len(p.text) for p in PAYLOADS) <= 200  # every payload fits the photo description
    shares = _shares_by(writer, PAYLOADS)
    if place == "feed":
        monkeypatch.setattr(share_views, "FEED_PAGE_SIZE", len(shares))
        html = page(client, reverse("community:share-list"))
    elif place == "member page":
        monkeypatch.setattr(profile_views, "MEMBER_PAGE_SHARES", len(shares))
        html = page(client, writer.profile.get_absolute_url())
    elif place == "share page":
        for share in shares:
            assert_safe_and_shown(page(client, share.get_absolute_url()), *_share_sources([share]))
        return
    else:
        assert place == "admin change page"  # payloads bundled, as many as a share holds
        texts, alts = bundles(2000), bundles(200, separator=" ")
        for n, alt in enumerate(alts):
            share = ShareFactory(
                author=writer, text=texts[n] if n < len(texts) else "", photo_alt=alt, pending=True
            )
            url = reverse("admin:community_share_change", args=[share.pk])
            assert_safe_and_shown(page(editor_client, url), share.text, share.photo_alt)
        return
    assert_safe_and_shown(html, *_share_sources(shares))


# --- Partner posts -------------------------------------------------------------------------------


@pytest.mark.parametrize("place", pages_for("partnerpost.title"))
def test_partner_post_titles_and_texts_are_inert(
    place, client, editor_client, writer, leeds, monkeypatch
):
    """Covers partnerpost.title at each place and partnerpost.text where it is shown."""
    posts = [
        PartnerPostFactory(city=leeds, author=writer, title=p.text[:120], text=p.text)
        for p in PAYLOADS
    ]
    if place == "city page":
        monkeypatch.setattr(city_views, "POSTS_PER_PAGE", len(posts))
        html = page(client, leeds.get_absolute_url())
        excerpts = [Truncator(post.text_html).words(40, html=True) for post in posts]
        assert_safe_and_shown(html, *(post.title for post in posts), *excerpts)
    elif place == "post page":
        for post in posts:
            html = page(client, post.get_absolute_url())
            assert_safe_and_shown(html, post.title, post.text_html)
    else:
        assert place == "admin changelist"
        html = page(editor_client, reverse("admin:community_partnerpost_changelist"))
        assert_safe_and_shown(html, *(post.title for post in posts))


# --- Goals ---------------------------------------------------------------------------------------


def _goal(member, text: str, **fields) -> Goal:
    return GoalFactory(
        member=member,
        preset=Goal.Preset.OWN,
        title=text[:120],
        why=text,
        target_on=timezone.localdate() + timedelta(days=60),
        **fields,
    )


def _updates(goal: Goal) -> list[GoalUpdate]:
    months = [date(2000 + n // 12, n % 12 + 1, 1) for n in range(len(PAYLOADS))]
    return [
        GoalUpdateFactory(goal=goal, month=month, note=payload.text)
        for month, payload in zip(months, PAYLOADS, strict=True)
    ]


@pytest.mark.parametrize("place", pages_for("goal.title"))
def test_goal_titles_reasons_and_update_notes_are_inert(place, writer, editor_client, mailoutbox):
    """Covers goal.title, goal.why and goalupdate.note wherever each is shown."""
    client = logged_in(writer)
    if place == "goals page":
        for payload in PAYLOADS:
            Goal.objects.filter(member=writer).delete()
            goal = _goal(writer, payload.text)
            html = page(client, reverse("community:goal-detail"))
            assert_safe_and_shown(html, goal.title, goal.why)
        updates = _updates(goal)
        html = page(client, reverse("community:goal-detail"))
        assert_safe_and_shown(html, *(update.note_html for update in updates))
    elif place == "past goals":
        goals = [_goal(writer, payload.text, is_active=False) for payload in PAYLOADS]
        html = page(client, reverse("community:goal-detail"))
        assert_safe_and_shown(html, *(goal.title for goal in goals))
    elif place == "reminder email":
        Profile.objects.filter(user=writer).update(goal_reminders=True)
        for payload in PAYLOADS:
            Goal.objects.filter(member=writer).delete()
            Profile.objects.filter(user=writer).update(last_goal_reminder_on=None)
            goal = _goal(writer, payload.text)
            assert send_goal_reminders() == 1
            assert_safe_and_shown(html_part(mailoutbox[-1]), goal.title)
    else:
        assert place == "admin change page"  # fields and updates inline, payloads bundled
        notes = bundles(2000)
        for n, title in enumerate(bundles(120, separator=" ")):
            goal = _goal(writer, title, is_active=False)
            goal.why = notes[n] if n < len(notes) else ""
            goal.save()
            if n < len(notes):
                GoalUpdateFactory(goal=goal, month=date(2024, 1, 1), note=notes[n])
            html = page(editor_client, reverse("admin:community_goal_change", args=[goal.pk]))
            assert_safe_and_shown(html, goal.title, goal.why)


# --- Profiles ------------------------------------------------------------------------------------

NAME_PAYLOADS = fitting(60)


@pytest.mark.parametrize("place", pages_for("profile.display_name"))
def test_display_names_and_bios_are_inert(
    place, client, editor_client, member, article, leeds, mailoutbox, monkeypatch
):
    """Covers profile.display_name everywhere it is shown and profile.bio on its two pages."""
    assert len(NAME_PAYLOADS) >= 30
    people = [
        MemberFactory(
            username=f"runner{n}",
            profile__display_name=payload.text,
            profile__bio=payload.text,
            profile__city=leeds,
            profile__is_findable=True,
            profile__goal_reminders=True,
        )
        for n, payload in enumerate(NAME_PAYLOADS)
    ]
    names = [person.profile.display_name for person in people]
    if place in ("member page", "profile page"):
        for person in people:
            if place == "member page":
                html = page(client, person.profile.get_absolute_url())
            else:
                html = page(logged_in(person), reverse("profile"))
            assert_safe_and_shown(html, person.profile.display_name, person.profile.bio)
        return
    if place == "comments":
        for person in people:
            CommentFactory(article=article, author=person, body="Nice.", status=Status.APPROVED)
        html = page(client, article.get_absolute_url())
    elif place == "share cards":
        for person in people:
            ShareFactory(author=person, text="Ran today.", status=Status.APPROVED)
        monkeypatch.setattr(share_views, "FEED_PAGE_SIZE", len(people))
        html = page(client, reverse("community:share-list"))
    elif place == "city page":
        html = page(client, leeds.get_absolute_url())
    elif place == "admin changelist":
        html = page(editor_client, reverse("admin:community_profile_changelist"))
    elif place == "reply email":
        ProfileFactory(user=member, display_name="Mira", notify_replies=True)
        for person in people:
            parent = CommentFactory(
                article=article, author=member, body="Question?", status=Status.APPROVED
            )
            reply = CommentFactory(
                article=article, author=person, parent=parent, body="Yes.", status=Status.APPROVED
            )
            assert notify_reply(comment=reply)
            assert_safe_and_shown(html_part(mailoutbox[-1]), person.profile.display_name)
        return
    else:
        assert place == "reminder email"
        for person in people:
            _goal(person, "Run a feel-good 5K")
        assert send_goal_reminders() == len(people)
        for message in mailoutbox:
            assert_inert(html_part(message))
        assert_shown("".join(html_part(message) for message in mailoutbox), *names)
        return
    assert_safe_and_shown(html, *names)


# --- Articles ------------------------------------------------------------------------------------


def _articles(payloads: list[Payload], **fields) -> list[Article]:
    return [
        ArticleFactory(
            title=payload.text,
            slug=f"payload-{n}",
            summary=payload.text,
            body=f"{SEARCH_WORD}\n\n{payload.text}",
            **fields,
        )
        for n, payload in enumerate(payloads)
    ]


def test_the_admin_stores_an_article_exactly_as_typed_and_renders_it_safely(editor_client):
    """The other article tests create articles through the ORM; this shows the admin form saves
    the same text, through the same sanitizing save()."""
    payload = next(p for p in PAYLOADS if p.name == "img-onerror")
    author = ArticleFactory().author
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": payload.text,
            "slug": "from-the-admin",
            "kind": Article.Kind.FEATURE,
            "author": author.pk,
            "summary": payload.text,
            "body": payload.text,
            "status": Article.Status.PUBLISHED,
            "publish_at_0": "2020-01-01",
            "publish_at_1": "10:00:00",
            "comments_open": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="from-the-admin")
    assert (article.title, article.summary, article.body) == (payload.text,) * 3
    assert_inert(page(Client(), article.get_absolute_url()))


def _feed_items(xml: str, item_tag: str, description_tag: str) -> list[tuple[str, str]]:
    root = ET.fromstring(xml)  # well-formed, or this raises
    atom = "{http://www.w3.org/2005/Atom}"
    items = root.iter(f"{atom}{item_tag}" if item_tag == "entry" else item_tag)
    found = []
    for item in items:
        prefix = atom if item_tag == "entry" else ""
        found.append(
            (
                item.findtext(f"{prefix}title") or "",
                item.findtext(f"{prefix}{description_tag}") or "",
            )
        )
    return found


@pytest.mark.parametrize("place", ["rss feed", "atom feed"])
def test_article_feeds_are_well_formed_with_no_markup_in_descriptions(place, client, monkeypatch):
    """Feed readers show <description> (RSS) and <summary type="html"> (Atom) as HTML, so the
    summary, which is plain text on the site, must arrive there escaped."""
    articles = _articles(PAYLOADS)
    monkeypatch.setattr(feeds, "FEED_SIZE", len(articles))
    url, item_tag, description_tag = {
        "rss feed": (reverse("articles:feed-rss"), "item", "description"),
        "atom feed": (reverse("articles:feed-atom"), "entry", "summary"),
    }[place]
    items = _feed_items(page(client, url), item_tag, description_tag)

    assert sorted(title for title, _ in items) == sorted(a.title for a in articles)
    descriptions = "\n".join(description for _, description in items)
    assert_shown(descriptions, *(a.summary for a in articles))
    assert "<script" not in descriptions.lower()
    assert_inert(descriptions)


@pytest.mark.parametrize(
    "place",
    ["article page", "home cards", "topic cards", "search cards", "newsletter email", "admin"],
)
def test_article_titles_summaries_and_bodies_are_inert(place, client, editor_client, monkeypatch):
    """Covers article.title, .summary and .body wherever each is shown (feeds are above)."""
    if place == "article page":
        for article in _articles(PAYLOADS):
            html = page(client, article.get_absolute_url())
            assert_safe_and_shown(html, article.title, article.summary, article.body_html)
            _assert_head_is_data_only(html, article)
        return
    if place == "home cards":
        section = SectionFactory(theme=ThemeFactory())
        articles = _articles(PAYLOADS, theme=section.theme, section=section)
        html = page(client, reverse("home"))
    elif place == "topic cards":
        topic = TopicFactory()
        articles = _articles(PAYLOADS, topics=[topic])
        monkeypatch.setattr(TopicDetailView, "paginate_by", len(articles))
        html = page(client, topic.get_absolute_url())
    elif place == "search cards":
        articles = _articles(PAYLOADS)
        monkeypatch.setattr(SearchView, "paginate_by", len(articles))
        html = page(client, f"{reverse('articles:search')}?q={SEARCH_WORD}")
    elif place == "newsletter email":
        articles = _articles(PAYLOADS)
        issue = Issue.objects.create(subject="This week", intro="Hello.")
        for order, article in enumerate(articles):
            IssueArticleFactory(issue=issue, article=article, order=order)
        html = html_part(render_issue(issue).message_for(Subscriber(pk=0, email="a@example.com")))
    else:  # admin: the changelist of titles, and change pages with the payloads bundled
        articles = _articles(PAYLOADS)
        html = page(editor_client, reverse("admin:articles_article_changelist"))
        assert_safe_and_shown(html, *(article.title for article in articles))
        bodies = bundles(10_000)
        for n, title in enumerate(bundles(200, separator=" ")):
            article = ArticleFactory(
                title=title, summary=title, body=bodies[n] if n < len(bodies) else "Words."
            )
            url = reverse("admin:articles_article_change", args=[article.pk])
            assert_safe_and_shown(page(editor_client, url), article.title, article.body)
        return
    assert_safe_and_shown(html, *(a.title for a in articles), *(a.summary for a in articles))


def _assert_head_is_data_only(html: str, article: Article) -> None:
    """The JSON-LD block and the meta tags carry the title and summary as data, unchanged."""
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert (data["headline"], data["description"]) == (article.title, article.summary)
    head = html.split("</head>", 1)[0]
    contents = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', head))
    assert unescape(contents["og:title"]) == article.title
    assert unescape(contents["description"]) == article.summary
    assert unescape(contents["twitter:description"]) == article.summary


# --- Reader stories: a member's words republished by editors -----------------------------------

MEMBER_LINK = "https://club.example/saturday"
MEMBER_IMAGE = "https://tracker.example/pixel.gif"


def _member_words_kept_as_member_text(html: str, *, link_expected: bool) -> None:
    """The member's link carries rel="nofollow ugc" and their raw <img> is never a tag."""
    assert not re.search(r"<img\b[^>]*tracker\.example", html, re.I)
    links = re.findall(rf'<a\b[^>]*href="{re.escape(MEMBER_LINK)}"[^>]*>', html)
    assert links or not link_expected, "the member's link never reached the page"
    for link in links:
        rel = set(re.search(r'rel="([^"]*)"', link).group(1).split())
        assert {"nofollow", "ugc"} <= rel, link


def _story_feed_description(client, story: Article) -> str:
    items = dict(_feed_items(page(client, reverse("articles:feed-rss")), "item", "description"))
    return items[story.title]


def _admin_form(story: Article, **changes) -> dict:
    local = timezone.localtime(story.publish_at)
    return {
        "title": story.title,
        "slug": story.slug,
        "kind": story.kind,
        "author": story.author_id,
        "summary": story.summary,
        "body": story.body,
        "status": story.status,
        "publish_at_0": local.strftime("%Y-%m-%d"),
        "publish_at_1": local.strftime("%H:%M:%S"),
        "comments_open": "on",
        **changes,
    }


def test_a_members_share_made_into_a_reader_story_keeps_the_member_sanitizer(
    client, editor_client, writer
):
    """Featuring a share republishes the member's words under the site's name: they keep the
    members' rules (links nofollow ugc, no images) on the page and the feed, and an editor's
    later edit in the admin does not turn them into editors' markup."""
    share = ShareFactory(
        author=writer,
        text=f'Ran with [the Saturday club]({MEMBER_LINK}) today.\n\n<img src="{MEMBER_IMAGE}">',
        status=Status.APPROVED,
        may_feature=True,
    )
    editor_client.post(
        reverse("admin:community_share_changelist"),
        {"action": "make_reader_story", "_selected_action": [share.pk]},
    )
    story = Article.objects.get(source_share=share)
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    published = _admin_form(
        story,
        status=Article.Status.PUBLISHED,
        publish_at_0="2020-01-01",
        publish_at_1="10:00:00",
    )
    response = editor_client.post(change_url, published)
    assert response.status_code == 302, response.content.decode()[:2000]

    _member_words_kept_as_member_text(page(client, story.get_absolute_url()), link_expected=True)
    _member_words_kept_as_member_text(_story_feed_description(client, story), link_expected=False)

    story.refresh_from_db()
    edited = {**published, "title": "Saturdays with the club", "body": f"Edited: {story.body}"}
    response = editor_client.post(change_url, edited)
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()

    assert story.body.startswith("Edited: ")
    _member_words_kept_as_member_text(page(client, story.get_absolute_url()), link_expected=True)
    _member_words_kept_as_member_text(_story_feed_description(client, story), link_expected=False)


# --- Newsletter issues ---------------------------------------------------------------------------


def _issue(payload: Payload, **fields) -> Issue:
    return Issue.objects.create(
        subject=payload.text[:150],
        preheader=payload.text[:150],
        intro=payload.text,
        closing=payload.text,
        **fields,
    )


@pytest.mark.parametrize("place", RENDER_PLACES["issue.subject"])
def test_issue_subjects_preheaders_intros_and_closings_are_inert(
    place, client, editor_client, monkeypatch
):
    """Covers issue.subject, .preheader, .intro and .closing wherever each is shown."""
    if place == "issue list":
        issues = [_issue(p, status=Issue.Status.SENT, sent_at=timezone.now()) for p in PAYLOADS]
        monkeypatch.setattr(IssueListView, "paginate_by", len(issues))
        html = page(client, reverse("newsletter:issue-list"))
        assert_safe_and_shown(html, *(i.subject for i in issues), *(i.preheader for i in issues))
        return
    if place == "admin changelist":
        issues = [_issue(p) for p in PAYLOADS]
        monkeypatch.setattr(admin.site.get_model_admin(Issue), "list_per_page", len(issues))
        html = page(editor_client, reverse("admin:newsletter_issue_changelist"))
        assert_safe_and_shown(html, *(issue.subject for issue in issues))
        return
    for payload in PAYLOADS:
        issue = _issue(payload)
        if place == "admin preview":
            url = reverse("admin:newsletter_issue_preview_html", args=[issue.pk])
            html = page(editor_client, url)
        elif place == "email":
            html = html_part(render_issue(issue).message_for(Subscriber(pk=0, email="a@b.example")))
        else:  # web version
            Issue.objects.filter(pk=issue.pk).update(
                status=Issue.Status.SENT, sent_at=timezone.now()
            )
            html = page(client, issue.get_absolute_url())
        assert_safe_and_shown(
            html, issue.subject, issue.preheader, issue.intro_html, issue.closing_html
        )


# --- Reflected input -----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_a_search_query_is_reflected_inert(client, payload):
    response = client.get(reverse("articles:search"), {"q": payload.text})

    assert response.status_code == 200
    assert_safe_and_shown(response.content.decode(), payload.text)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_a_malformed_address_is_shown_back_inert_with_the_form_errors(client, human, payload):
    response = client.post(
        reverse("newsletter:subscribe"),
        {"email": payload.text, "newsletter": "on", "source": "newsletter", **human},
    )

    assert response.status_code == 400
    assert response.context["subscribe_form"].errors["email"]
    assert_safe_and_shown(response.content.decode(), payload.text)
    assert not Subscriber.objects.exists()


# --- Clubs, routes and reports -------------------------------------------------------------------


def test_suggested_clubs_and_routes_are_inert_on_the_city_page(
    client, editor_client, writer, leeds
):
    """Covers the fields of members' suggestions once an editor approved them."""
    clubs, routes = [], []
    for payload in PAYLOADS:
        clubs.append(
            ClubFactory(city=leeds, name=payload.text, description=payload.text, meets=payload.text)
        )
        routes.append(
            RouteFactory(
                city=leeds,
                name=payload.text,
                description=payload.text,
                distance_km=5,
                surface=payload.text,
                start_point=payload.text,
                suggested_by=writer,
            )
        )

    assert_safe_and_shown(page(client, leeds.get_absolute_url()), *(p.text for p in PAYLOADS))
    for model in ("club", "route"):
        html = page(editor_client, reverse(f"admin:community_{model}_changelist"))
        assert_safe_and_shown(html, *(p.text for p in PAYLOADS))


def test_report_reasons_are_inert_for_the_editors(editor_client, writer, article):
    comment = CommentFactory(article=article, author=writer, body="Rude.", status=Status.APPROVED)
    reasons = bundles(300, separator=" ")
    for n, reason in enumerate(reasons):
        reporter = MemberFactory(username=f"reporter{n}")
        CommentReportFactory(comment=comment, reporter=reporter, reason=reason)

    changelist = page(editor_client, reverse("admin:community_commentreport_changelist"))
    change = page(editor_client, reverse("admin:community_comment_change", args=[comment.pk]))

    assert_safe_and_shown(changelist, *reasons)
    assert_safe_and_shown(change, *reasons)


# --- Forms shown again with the visitor's text --------------------------------------------------

ALL_TEXT = "\n\n".join(payload.text for payload in PAYLOADS)
# Each form with its text fields all holding every payload at once, and what makes it fail: the
# honeypot, or a choice that does not exist. A bound form shows its input back whatever its
# length, so one post per form covers the corpus.
FORMS_KEPT_ON_ERROR = {
    "comment": ("community:comment-create", ["body"]),
    "report": ("community:comment-report", ["reason"]),
    "share": ("community:share-create", ["text", "photo_alt"]),
    "partner post": ("community:post-create", ["title", "text"]),
    "suggestion": ("community:suggestion-create", ["name", "description", "meets", "surface",
                                                   "start_point"]),
    "goal": ("community:goal-create", ["title", "why"]),
    "goal update": ("community:goalupdate-create", ["note"]),
    "profile": ("profile", ["display_name", "bio"]),
}  # fmt: skip


@pytest.mark.parametrize("form", FORMS_KEPT_ON_ERROR)
def test_forms_shown_again_with_errors_keep_the_text_inert(
    form, writer, member, article, leeds, human
):
    name, fields = FORMS_KEPT_ON_ERROR[form]
    client = logged_in(writer)
    data = dict.fromkeys(fields, ALL_TEXT)
    args = []
    if form == "comment":
        data.update(target_type="article", target_id=article.pk)
    elif form == "report":
        other = CommentFactory(article=article, author=member, body="Hi", status=Status.APPROVED)
        args = [other.pk]
    elif form in ("partner post", "suggestion"):
        args = [leeds.slug]
        data.update(kind="club")
    elif form == "share":
        data.update(kind="win")
    elif form == "goal":
        data.update(preset=Goal.Preset.OWN, target_on="2000-01-01")
    elif form == "goal update":
        _goal(writer, "Run a 5K")
        data.update(month="1999-01-01")
    if form == "profile":
        data.update(city="999999")  # no such city
    else:
        data.update(human, website="I am a bot")

    response = client.post(reverse(name, args=args), data)

    assert response.status_code in (200, 400)
    assert response.context["form"].errors
    assert_safe_and_shown(response.content.decode(), ALL_TEXT)


# --- Editors' labels ----------------------------------------------------------------------------

LABELS = bundles(80, separator=" ")  # the shortest of these fields holds 80 characters


def _labelled_article(label: str) -> Article:
    """An article whose theme, section, topic, author and image are all named `label`."""
    theme = ThemeFactory(title=label, intro=label)
    section = SectionFactory(theme=theme, title=label, intro=label)
    return ArticleFactory(
        title="Easy miles",
        theme=theme,
        section=section,
        topics=[TopicFactory(name=label, description=label)],
        author=AuthorFactory(name=label, bio=label),
        hero_image=ImageFactory(file=image_upload(size=(40, 30)), alt_text=label, credit=label),
    )


@pytest.mark.parametrize("place", ["article page", "theme page", "topic page", "city page"])
def test_editors_labels_are_inert_where_they_name_things(place, client):
    """Covers theme, section, topic, author, image and city fields: one set per label bundle."""
    for n, label in enumerate(LABELS):
        if place == "city page":
            city = CityFactory(name=label, slug=f"city-{n}", region=label, intro=label)
            url = city.get_absolute_url()
        else:
            article = _labelled_article(label)
            url = {
                "article page": article.get_absolute_url(),
                "theme page": article.theme.get_absolute_url(),
                "topic page": article.topics.get().get_absolute_url(),
            }[place]
        assert_safe_and_shown(page(client, url), label)
