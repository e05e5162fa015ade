"""Accessibility of every page template, at phone and desktop width, in a real browser.

axe-core (from the npm registry, see package.json) runs on each page, in each state that
matters (signed in or not, empty or full, with form errors, the cookie notice open or answered),
and must find no serious or critical violation; some pages are checked in the dark colour scheme
too. Around it, checks axe cannot make: one h1 and no skipped heading level, alt text, a label
on every control, the skip link, error summaries tied to their fields, contrast on gradients, a
visible and unobscured focus at every Tab stop, every action reachable by keyboard, and reduced
motion.

The pages share one set of data, built once for the module: rebuilding it for each page would
cost more than checking the page (see `transactional_db` below).
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import make_renditions
from common.cookies import CONSENT_COOKIE
from community.models import (
    City,
    Club,
    Comment,
    Goal,
    GoalUpdate,
    PartnerPost,
    Profile,
    Route,
    Share,
    Status,
)
from community.services.profiles import mail_off_token
from conftest import require
from newsletter.models import Issue, IssueArticle, Subscriber
from newsletter.services.subscriptions import confirm_token, manage_token
from tests.articles.factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
    image_upload,
)

pytestmark = [pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEMPLATES = ROOT / "templates"
BLOCKING = {"serious", "critical"}
# Images whose alt is rightly empty: they repeat what the text beside them says.
DECORATIVE_IMAGES = {"member__avatar"}


# --- The data every page is shown with -------------------------------------------------------


@dataclass
class World:
    url: str
    sessions: dict[str, str]
    consent: str  # the cookie of a visitor who has answered the cookie notice
    paths: dict[str, str]
    media: Path


def _member(username: str, display_name: str, **profile_fields):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password="a-long-test-password"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(user=user, display_name=display_name, **profile_fields)
    return user


def _build() -> dict[str, object]:
    """One of everything a page can show, so each page is checked with its content."""
    now = timezone.now()
    city = City.objects.create(
        name="Leeds", slug="leeds", region="England", intro="Canal paths and big parks."
    )
    Club.objects.create(
        city=city, name="Kirkstall Joggers", description="Friendly 5K loops.", meets="Sat 9:00"
    )
    Route.objects.create(
        city=city, name="Canal loop", description="Flat towpath.", distance_km=4.5, surface="Gravel"
    )
    mira = _member("mira", "Mira K.", city=city, show_city=True, is_findable=True)
    mira.profile.avatar = image_upload("avatar.jpg", size=(200, 200))
    mira.profile.save()
    ayo = _member("ayo", "Ayo R.", city=city)
    noah = _member("noah", "Noah B.")  # a member with no goal yet
    editor = get_user_model().objects.create_user(
        username="eddie", email="eddie@example.com", password="a-long-test-password", is_staff=True
    )
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_issue"])
    )

    theme = ThemeFactory(
        title="Run toward calm",
        intro="Why a slow run settles a busy mind.",
        hero_image=ImageFactory(alt_text="Sunrise over the hills"),
    )
    make_renditions(image=theme.hero_image)
    body_section = SectionFactory(theme=theme, title="Stronger body, healthier heart")
    mind_section = SectionFactory(theme=theme, title="Sleep, focus and daily energy")
    topic = TopicFactory(name="Heart health", slug="heart-health", description="Your heart.")
    article = ArticleFactory(
        theme=theme,
        section=body_section,
        title="Why easy runs strengthen the heart",
        body="## What changes\n\nYour resting heart rate drops.\n\n### Week by week\n\nSlowly.",
        hero_image=ImageFactory(alt_text="A path toward the sun"),
        topics=[topic],
    )
    make_renditions(image=article.hero_image)
    ArticleFactory(theme=theme, section=body_section, kind=Article.Kind.SCIENCE, topics=[topic])
    ArticleFactory(theme=theme, section=mind_section, kind=Article.Kind.GUIDE, title="Sleep well")
    for title in ("Lunch-break loops", "My first 5K at 52"):
        ArticleFactory(theme=theme, section=mind_section, kind=Article.Kind.STORY, title=title)
    draft = ArticleFactory(theme=theme, section=body_section, title="Hills, gently", draft=True)

    first = Comment.objects.create(
        article=article, author=ayo, body="This *helped* me.", status=Status.APPROVED
    )
    Comment.objects.create(
        article=article, author=mira, parent=first, body="Me too!", status=Status.APPROVED
    )
    own = Comment.objects.create(
        article=article, author=mira, body="Ten easy minutes a day.", status=Status.APPROVED
    )

    photo_share = Share.objects.create(
        author=ayo,
        kind=Share.Kind.WIN,
        text="Ran my first mile without stopping!",
        photo=image_upload("mile.jpg", size=(800, 600)),
        photo_alt="Ayo smiling at the finish of the park loop",
        photo_width=800,
        photo_height=600,
        distance_km=1.6,
        city=city,
        status=Status.APPROVED,
    )
    Comment.objects.create(
        share=photo_share, author=mira, body="Brilliant!", status=Status.APPROVED
    )
    Share.objects.create(
        author=mira, kind=Share.Kind.MILESTONE, text="Week four done.", status=Status.APPROVED
    )
    pending_share = Share.objects.create(
        author=mira, kind=Share.Kind.WIN, text="Rainy 3K, still smiling.", status=Status.PENDING
    )

    post = PartnerPost.objects.create(
        city=city, author=mira, title="Slow Saturday 5K?", text="Saturdays at 9, easy pace."
    )
    Comment.objects.create(
        partner_post=post, author=ayo, body="Count me in.", status=Status.APPROVED
    )

    goal = Goal.objects.create(
        member=mira,
        preset=Goal.Preset.FEEL_GOOD_5K,
        title="A feel-good 5K",
        why="To feel calmer at work.",
        target_on=timezone.localdate() + timedelta(days=90),
        plan={"week 1": "60 s jog, 90 s walk, 15 min"},
    )
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    GoalUpdate.objects.create(goal=goal, month=last_month, note="A slow start.", mood=3, sleep=2)
    update = GoalUpdate.objects.create(
        goal=goal, month=this_month, note="Three runs a week!", mood=4, sleep=4
    )

    issue = Issue.objects.create(
        subject="Rest is training too",
        preheader="Why easy weeks make you stronger.",
        intro="Hello!\n\nThis week: rest.",
        closing="Run gently.",
        status=Issue.Status.SENT,
        sent_at=now,
    )
    IssueArticle.objects.create(issue=issue, article=article, order=1)
    pending = Subscriber.objects.create(email="pat@example.com", wants_beginner_series=True)
    sam, lee = (
        Subscriber.objects.create(
            email=f"{name}@example.com", status=Subscriber.Status.CONFIRMED, confirmed_at=now
        )
        for name in ("sam", "lee")
    )

    newbie = get_user_model().objects.create_user(username="newbie", email="newbie@example.com")
    unverified = EmailAddress.objects.create(user=newbie, email=newbie.email, primary=True)
    reset_key = f"{user_pk_to_url_str(mira)}-{default_token_generator.make_token(mira)}"

    sessions = {}
    for name, user in {"member": mira, "runner": noah, "editor": editor}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    chooser = Client()
    chooser.post(
        "/privacy/cookies/", {"choice": "necessary"}, headers={"origin": "http://testserver"}
    )

    paths = {
        "theme": theme.get_absolute_url(),
        "article": article.get_absolute_url(),
        "draft": draft.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "city": city.get_absolute_url(),
        "share": photo_share.get_absolute_url(),
        "share-delete": f"/community/shares/{pending_share.pk}/delete/",
        "post": post.get_absolute_url(),
        "post-delete": f"/community/posts/{post.pk}/delete/",
        "member": mira.profile.get_absolute_url(),
        "goalupdate-delete": f"/community/goals/updates/{update.pk}/delete/",
        "comment-update": f"/community/comments/{own.pk}/update/",
        "comment-delete": f"/community/comments/{own.pk}/delete/",
        "comment-report": f"/community/comments/{first.pk}/report/",
        "replies-off": reverse(
            "community:mail-off", args=["replies", mail_off_token(mira, kind="replies")]
        ),
        "issue": issue.get_absolute_url(),
        "confirm": f"/newsletter/confirm/{confirm_token(pending)}/",
        "preferences": f"/newsletter/preferences/{manage_token(sam)}/",
        "unsubscribe": f"/newsletter/unsubscribe/{manage_token(lee)}/",
        "confirm-email": f"/accounts/confirm-email/{EmailConfirmationHMAC(unverified).key}/",
        "reset-key": f"/accounts/password/reset/key/{reset_key}/",
    }
    return {"sessions": sessions, "consent": chooser.cookies[CONSENT_COOKIE].value, "paths": paths}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, live_server, tmp_path_factory):
    media = tmp_path_factory.mktemp("a11y-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        try:
            yield World(url=live_server.url, media=media, **_build())
        finally:
            # Leave the database empty, as a transactional test does, for the modules after.
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def transactional_db(site, django_db_blocker):
    """Overrides pytest-django's, which live_server requests for every test: that one empties
    the database after each test, and the module's data would be built for each of ~130 tests
    (the module-scoped `site` empties it once, at the end)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def _isolated_media(site, settings):
    """Overrides the root conftest's: the module's uploads stay in the module's own folder."""
    settings.MEDIA_ROOT = site.media


@pytest.fixture(scope="module")
def axe_source():
    require(AXE.exists(), f"axe-core is not installed ({AXE}): run `make node`")
    return AXE.read_text()


@pytest.fixture
def rendered():
    """Names of the templates Django rendered during the test (the live server's thread too)."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


# --- Helpers ---------------------------------------------------------------------------------


def set_cookie(page, site: World, name: str, value: str) -> None:
    page.context.add_cookies([{"name": name, "value": value, "url": site.url}])


def submit_unchecked(page, form_selector: str) -> None:
    """Send a form past the browser's own checks, to see the server's error messages."""
    form = page.locator(form_selector)
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


def serve_as_ok(page) -> list[int]:
    """Pages that answer 4xx or 5xx on purpose (a form with errors, not found) reach the browser
    as 200, after their real status is noted in the list returned: Chrome logs a console error
    for every such page, and the `page` fixture rightly fails a test on any console error."""
    statuses = []

    def handle(route):
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        statuses.append(response.status)
        route.fulfill(response=response, status=200 if response.status >= 400 else None)

    page.route("**/*", handle)
    return statuses


def run_axe(page, axe_source: str) -> tuple[list[dict], list[str]]:
    """Serious and critical violations, and what axe could not judge for contrast because the
    text sits on a gradient (checked here instead, against each of the gradient's colours)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not add_script_tag: the site's CSP refuses inline scripts; evaluate is not subject to it.
        page.evaluate(axe_source)
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations', 'incomplete'],"
        " rules: {'target-size': {enabled: true}}})"
    )
    violations = [v for v in results["violations"] if v["impact"] in BLOCKING]
    on_gradients = [
        node["target"][0]
        for result in results["incomplete"]
        if result["id"] == "color-contrast"
        for node in result["nodes"]
        if any(check["data"] and check["data"].get("messageKey") == "bgGradient"
               for check in node["any"])
    ]  # fmt: skip
    return violations, gradient_problems(page, on_gradients)


GRADIENT_JS = """selectors => selectors.map(selector => {
  const el = document.querySelector(selector), style = getComputedStyle(el);
  let node = el;
  while (node && !getComputedStyle(node).backgroundImage.includes('gradient')) {
    node = node.parentElement;
  }
  const stops = node ? getComputedStyle(node).backgroundImage.match(/rgba?\\([^)]*\\)/g) : [];
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  return {selector, colour: style.color, stops: stops || [],
          large: size >= 24 || (bold && size >= 18.66)};
})"""


def gradient_problems(page, selectors: list[str]) -> list[str]:
    problems = []
    for found in page.evaluate(GRADIENT_JS, selectors) if selectors else []:
        needed = 3 if found["large"] else 4.5
        for stop in found["stops"]:
            ratio = _contrast(_rgb(found["colour"]), _rgb(stop))
            if ratio < needed:
                problems.append(
                    f"{found['selector']}: {ratio:.2f}:1 on {stop} of the gradient behind it, "
                    f"{needed}:1 needed"
                )
    return problems


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"— {violation['helpUrl']}"
        )
        for node in violation["nodes"][:6]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


STRUCTURE_JS = """() => {
  const shown = el => getComputedStyle(el).display !== 'none' && !el.closest('[hidden]');
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(shown)
    .map(h => [Number(h.tagName[1]), h.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60)]);
  const images = [...document.images].map(img => ({
    alt: img.getAttribute('alt'), className: img.className, src: img.getAttribute('src'),
  }));
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter(c => !['hidden', 'submit', 'button', 'reset'].includes(c.type))
    .filter(c => !(c.labels && [...c.labels].some(l => l.textContent.trim())))
    .filter(c => !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
    .map(c => c.outerHTML.slice(0, 120));
  return {headings, images, unlabelled};
}"""


def structure_problems(page) -> list[str]:
    """One h1, no skipped heading level, alt text on every image, a label on every control."""
    found = page.evaluate(STRUCTURE_JS)
    problems = []
    levels = [level for level, _ in found["headings"]]
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 elements, not one")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is h{levels[0]}, not the h1")
    for (before, _), (level, text) in zip(found["headings"], found["headings"][1:], strict=False):
        if level > before + 1:
            problems.append(f"h{level} “{text}” follows an h{before}: a level is skipped")
    for image in found["images"]:
        if image["alt"] is None:
            problems.append(f"an image has no alt attribute: {image['src']}")
        elif not image["alt"].strip() and not set(image["className"].split()) & DECORATIVE_IMAGES:
            problems.append(f"a content image has an empty alt: {image['src']}")
    problems += [f"a form control has no label: {html}" for html in found["unlabelled"]]
    return problems


SKIP_LINK_JS = """() => {
  const focusable = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter(el => el.tabIndex >= 0 && !el.disabled && !el.closest('[aria-hidden=true]'));
  const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
  return {first: focusable[0] && focusable[0].className, active: el.className,
          text: el.textContent.trim(), top: box.top, height: box.height,
          colours: [style.color, style.backgroundColor]};
}"""


def skip_link_problems(page) -> list[str]:
    """The first Tab lands on a visible “Skip to content”, and Enter moves focus to <main>."""
    page.keyboard.press("Tab")
    found = page.evaluate(SKIP_LINK_JS)
    if found["first"] != "skip-link":
        return [f"the first focusable element is “{found['first']}”, not the skip link"]
    if found["active"] != "skip-link" or found["text"] != "Skip to content":
        return [f"the first Tab lands on “{found['active']}”, not the skip link"]
    if found["top"] < 0 or found["height"] == 0:
        return ["the focused skip link stays off screen"]
    # Off screen until focused, so axe never sees it: its contrast is checked here.
    text, background = (_rgb(colour) for colour in found["colours"])
    if _contrast(text, background) < 4.5:
        return [f"the skip link's contrast is under 4.5:1: {found['colours']}"]
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement.id") != "main":
        return ["the skip link does not move focus to <main>"]
    return []


ERRORS_JS = """() => {
  const alert = document.querySelector('main [role=alert]');
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')].map(control => {
    // A radio or checkbox group is described by its fieldset, as one question.
    const described = control.hasAttribute('aria-describedby') ? control
      : control.closest('fieldset[aria-describedby]');
    const ids = described ? described.getAttribute('aria-describedby').split(/\\s+/) : [];
    const texts = ids.map(id => document.getElementById(id)).map(el => el && el.textContent.trim());
    return {name: control.name, ids, texts};
  });
  const unmarked = [...document.querySelectorAll('.field--error')]
    .filter(field => field.querySelector('[aria-invalid=true]') === null)
    .map(field => field.textContent.trim().slice(0, 60));
  const links = alert ? [...alert.querySelectorAll('a')].map(a => a.getAttribute('href')) : [];
  const broken = links.filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1)));
  return {alert: alert && alert.textContent.trim(), invalid, unmarked, links, broken};
}"""


def error_problems(page) -> list[str]:
    """A summary with role=alert; each field in error is aria-invalid and described by its
    error text; each link in the summary leads to a field."""
    found = page.evaluate(ERRORS_JS)
    problems = []
    if not found["alert"]:
        problems.append("no error summary with role=alert in <main>")
    if not found["invalid"]:
        problems.append("no field is marked aria-invalid")
    for control in found["invalid"]:
        if not any(id_.endswith("_error") for id_ in control["ids"]):
            problems.append(f"{control['name']} is not described by its error: {control['ids']}")
        if not all(control["texts"]):
            problems.append(f"{control['name']} is described by missing or empty text")
    problems += [
        f"a field shown in error is not aria-invalid: {text}" for text in found["unmarked"]
    ]
    problems += [f"an error summary link leads nowhere: {href}" for href in found["broken"]]
    return problems


def contrast_problems(page) -> list[str]:
    """In the dark scheme the page is dark, and its text keeps AA contrast on it."""
    colours = page.evaluate(
        """() => { const style = getComputedStyle(document.body);
                   return [style.backgroundColor, style.color]; }"""
    )
    background, text = (_rgb(colour) for colour in colours)
    problems = []
    if _luminance(background) > 0.05:
        problems.append(f"the dark scheme's body is not dark: {colours[0]}")
    if _contrast(text, background) < 4.5:
        problems.append(f"the dark scheme's body text contrast is under 4.5:1: {colours}")
    return problems


def _rgb(colour: str) -> tuple[float, float, float]:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one, other) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- The pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """A page in one state: its template, where it is, who looks and what they do first, the
    status it answers with, whether it shows form errors, whether it is checked in the dark
    scheme too, and whether the cookie notice is still open."""

    name: str
    template: str
    path: str | Callable[[World], str]
    who: str | None = None  # "member", "runner" (no goal yet), "editor"; None: a visitor
    act: Callable | None = None
    status: int = 200
    errors: bool = False
    dark: bool = False
    banner: bool = False  # a first visit, with the cookie notice; else the choice is made

    def url(self, site: World) -> str:
        path = self.path(site) if callable(self.path) else self.path
        return site.url + path


def _at(key: str) -> Callable[[World], str]:
    return lambda site: site.paths[key]


def _fresh_subscriber(site: World) -> str:
    """Unsubscribing changes the subscriber, so each visit has one of its own."""
    subscriber = Subscriber.objects.create(
        email=f"leaving-{uuid.uuid4().hex[:8]}@example.com",
        status=Subscriber.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    return f"/newsletter/unsubscribe/{manage_token(subscriber)}/"


def _press(name: str) -> Callable:
    def act(page) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name=name).click()

    return act


def _comment_blank(page) -> None:
    page.get_by_label("Your comment").fill("   ")
    _press("Post comment")(page)


def _share_blank(page) -> None:
    page.get_by_label("Tell us about it").fill("   ")
    page.get_by_label("Distance in km (optional)").fill("900")
    submit_unchecked(page, "main form")


def _subscribe_wrong(page) -> None:
    page.get_by_label("Your email address").fill("not-an-address")
    page.get_by_role("checkbox", name="The weekly letter").uncheck()
    submit_unchecked(page, "form.subscribe-form")


def _signup_wrong(page) -> None:
    page.get_by_label("Email").fill("new.runner@example.com")
    page.get_by_label("Password:", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("different")
    submit_unchecked(page, "main form")


def _goal_own_untitled(page) -> None:
    page.get_by_label("Choose a goal").select_option("own")
    page.get_by_label("Target date").fill("2001-01-01")
    _press("Set my goal")(page)


def _save_cookie_choice(page) -> None:
    _press("Save my choice")(page)


def _expire_form(page) -> None:
    """A form sent without its CSRF token, as when cookies are blocked: the 403 page."""
    page.context.clear_cookies()
    page.locator("main form input[name=csrfmiddlewaretoken]").evaluate("input => input.remove()")
    page.get_by_label("Email").fill("mira@example.com")
    page.get_by_label("Password").fill("a-long-test-password")
    _press("Sign In")(page)


def _server_error(page, site: World) -> None:
    """500.html is served when Django itself fails, so no URL renders it on purpose: the browser
    gets it, as rendered, at a URL of the live server (as 200, see serve_as_ok)."""
    html = render_to_string("500.html")
    page.route(f"{site.url}/server-error/", lambda route: route.fulfill(body=html))


VISITS = [
    # Reading
    Visit("home", "runsite/home.html", "/", dark=True),
    Visit("themes", "articles/theme_list.html", "/themes/"),
    Visit("theme", "articles/theme_detail.html", _at("theme"), banner=True, dark=True),
    Visit("article", "articles/article_detail.html", _at("article"), "member", dark=True),
    Visit("article-preview", "articles/article_detail.html", _at("draft"), "editor", dark=True),
    Visit("stories", "articles/story_list.html", "/stories/"),
    Visit("topic", "articles/topic_detail.html", _at("topic")),
    Visit("search-results", "articles/search.html", "/search/?q=heart"),
    Visit("search-nothing", "articles/search.html", "/search/?q=xylophone"),
    # The choice saved: the page shows its message and no banner.
    Visit("privacy", "runsite/privacy.html", "/privacy/", act=_save_cookie_choice, dark=True),
    Visit("not-found", "404.html", "/no-such-page/", status=404, banner=True),
    Visit("csrf-failure", "403_csrf.html", "/accounts/login/", act=_expire_form, status=403),
    Visit("server-error", "500.html", "/server-error/"),
    Visit("bad-request", "400.html", "/search/?q=%00", status=400),
    # Community
    Visit("community", "community/share_list.html", "/community/", dark=True),
    Visit("community-empty", "community/share_list.html", "/community/?kind=ritual"),
    Visit("share", "community/share_detail.html", _at("share"), "member"),
    Visit("share-form", "community/share_form.html", "/community/share/", "member"),
    Visit(
        "share-form-errors",
        "community/share_form.html",
        "/community/share/",
        "member",
        act=_share_blank,
        status=400,
        errors=True,
        dark=True,
    ),
    Visit("share-delete", "community/share_confirm_delete.html", _at("share-delete"), "member"),
    Visit(
        "comment-errors",
        "community/comment_form.html",
        _at("article"),
        "member",
        act=_comment_blank,
        status=400,
        errors=True,
    ),
    Visit("comment-update", "community/comment_update.html", _at("comment-update"), "member"),
    Visit(
        "comment-delete", "community/comment_confirm_delete.html", _at("comment-delete"), "member"
    ),
    Visit("comment-report", "community/comment_report.html", _at("comment-report"), "member"),
    Visit("cities", "community/city_list.html", "/community/cities/"),
    Visit("city", "community/city_detail.html", _at("city"), "member", dark=True),
    Visit(
        "suggestion-errors",
        "community/suggestion_form.html",
        "/community/cities/leeds/suggest/",
        "member",
        act=lambda page: submit_unchecked(page, "form.suggestion-form"),
        status=400,
        errors=True,
    ),
    Visit("partner-post", "community/partnerpost_detail.html", _at("post"), banner=True),
    Visit(
        "partner-post-errors",
        "community/partnerpost_form.html",
        "/community/cities/leeds/posts/create/",
        "member",
        act=lambda page: submit_unchecked(page, "main form"),
        status=400,
        errors=True,
    ),
    Visit(
        "partner-post-delete",
        "community/partnerpost_confirm_delete.html",
        _at("post-delete"),
        "member",
    ),
    Visit("member", "community/member_detail.html", _at("member")),
    Visit("profile", "community/profile_form.html", "/accounts/profile/", "member"),
    Visit("account-delete", "community/account_delete.html", "/accounts/profile/delete/", "member"),
    Visit("replies-off", "community/mail_off.html", _at("replies-off")),
    Visit("goal-none", "community/goal_detail.html", "/community/goals/", "runner"),
    Visit("goal", "community/goal_detail.html", "/community/goals/", "member", dark=True),
    Visit(
        "goal-create-errors",
        "community/goal_form.html",
        "/community/goals/create/",
        "member",
        act=_goal_own_untitled,
        errors=True,
    ),
    Visit(
        "goalupdate-create",
        "community/goalupdate_form.html",
        "/community/goals/updates/create/",
        "member",
    ),
    Visit(
        "goalupdate-delete",
        "community/goalupdate_confirm_delete.html",
        _at("goalupdate-delete"),
        "member",
    ),
    # Newsletter
    Visit("subscribe", "newsletter/subscribe.html", "/newsletter/", banner=True),
    Visit(
        "subscribe-errors",
        "newsletter/subscribe.html",
        "/newsletter/",
        act=_subscribe_wrong,
        status=400,
        errors=True,
        dark=True,
    ),
    Visit("check-your-inbox", "newsletter/subscribe_done.html", "/newsletter/check-your-inbox/"),
    Visit("confirm", "newsletter/confirm.html", _at("confirm")),
    Visit("welcome", "newsletter/welcome.html", _at("confirm"), act=_press("Confirm my")),
    Visit("preferences", "newsletter/preferences.html", _at("preferences")),
    Visit("unsubscribe", "newsletter/unsubscribe.html", _at("unsubscribe")),
    Visit(
        "unsubscribed",
        "newsletter/unsubscribed.html",
        _fresh_subscriber,
        act=_press("Unsubscribe"),
    ),
    Visit(
        "link-invalid",
        "newsletter/link_invalid.html",
        "/newsletter/confirm/not-a-token/",
        status=404,
    ),
    Visit("issues", "newsletter/issue_list.html", "/newsletter/issues/"),
    Visit("issue", "newsletter/issue_detail.html", _at("issue")),
    # Accounts: allauth's templates inside our layout
    Visit("login", "account/login.html", "/accounts/login/", banner=True),
    Visit("signup", "account/signup.html", "/accounts/signup/"),
    Visit(
        "signup-errors",
        "account/signup.html",
        "/accounts/signup/",
        act=_signup_wrong,
        errors=True,
        dark=True,
    ),
    Visit("verification-sent", "account/verification_sent.html", "/accounts/confirm-email/"),
    Visit("confirm-email", "account/email_confirm.html", _at("confirm-email")),
    Visit("password-reset", "account/password_reset.html", "/accounts/password/reset/"),
    Visit(
        "password-reset-done", "account/password_reset_done.html", "/accounts/password/reset/done/"
    ),
    Visit("password-reset-key", "account/password_reset_from_key.html", _at("reset-key")),
    Visit("logout", "account/logout.html", "/accounts/logout/", "member"),
    Visit("email", "account/email_change.html", "/accounts/email/", "member"),
    Visit(
        "password-change", "account/password_change.html", "/accounts/password/change/", "member"
    ),
    Visit("start-plan", "start/plan.html", "/start/"),
    Visit("start-timer", "start/timer.html", "/start/timer/"),
    Visit("start-timer-invalid", "start/timer_invalid.html", "/start/timer/?jog=0", status=400),
]
BY_NAME = {visit.name: visit for visit in VISITS}


def open_visit(page, site: World, visit: Visit) -> list[int]:
    """Open the page as the visit says; the statuses of the documents, if not all 200."""
    if visit.who:
        set_cookie(page, site, settings.SESSION_COOKIE_NAME, site.sessions[visit.who])
    # The notice sticks over the foot of the screen, and axe cannot judge the contrast of what
    # is under it: it is checked open on a few pages, and answered on the others.
    if not visit.banner:
        set_cookie(page, site, CONSENT_COOKIE, site.consent)
    statuses = serve_as_ok(page) if visit.status != 200 else []
    if visit.name == "server-error":
        _server_error(page, site)
    page.goto(visit.url(site))
    if visit.act:
        visit.act(page)
    return statuses


# --- The checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BY_NAME))
def test_page_passes_axe_and_the_structure_checks(page, site, axe_source, rendered, name):
    visit = BY_NAME[name]
    statuses = open_visit(page, site, visit)
    if visit.status != 200:
        assert statuses[-1:] == [visit.status], f"statuses {statuses}, not {visit.status}"
    if visit.template:
        assert visit.template in rendered, f"{visit.template} was not rendered: {rendered[:8]}"

    violations, on_gradients = run_axe(page, axe_source)
    failures = list(on_gradients)
    if violations:
        failures.append(f"axe:\n{describe(violations)}")
    failures += structure_problems(page)
    if visit.errors:
        failures += error_problems(page)
    if visit.dark:
        page.emulate_media(color_scheme="dark")
        # Colours fade to the new scheme (see site.css): check them once the fade has ended.
        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        violations, on_gradients = run_axe(page, axe_source)
        failures += on_gradients
        if violations:
            failures.append(f"axe, dark colour scheme:\n{describe(violations)}")
        failures += contrast_problems(page)
    if visit.name not in ("server-error", "bad-request"):  # bare pages: no links to skip
        failures += skip_link_problems(page)  # in the dark scheme, on the pages checked dark
    if failures:
        page.shot(name)
    assert not failures, f"{page.url}:\n" + "\n".join(failures)


def test_every_page_template_of_ours_is_visited():
    """Whole-page templates, not layouts, partials, emails or the admin's."""
    pages = set()
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(
            ("emails/", "account/email/", "admin/", "allauth/", "includes/")
        ) and (name != "base.html" and "/includes/" not in name):
            pages.add(name)
    assert pages - {visit.template for visit in VISITS} == set()


FOCUS_LOOK_JS = """el => {
  const looks = [];
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const s = getComputedStyle(node);
    looks.push([s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' '));
  }
  return looks.join(' / ');
}"""

TAB_STOP_JS = """() => {
  const el = document.activeElement;
  const label = el.getAttribute('aria-label') || el.textContent.trim() || el.name || el.id;
  // Hidden behind the cookie notice that sticks to the bottom of the screen (WCAG 2.4.11)?
  const banner = document.querySelector('.cookie-banner');
  let obscured = false;
  if (banner && !banner.contains(el)) {
    const box = el.getBoundingClientRect(), cover = banner.getBoundingClientRect();
    obscured = box.top >= cover.top - 1 && box.bottom <= cover.bottom + 1;
  }
  return {tag: el.tagName.toLowerCase(), type: el.type || '', label: label.slice(0, 40),
          inNav: !!el.closest('.site-nav'), inSearch: !!el.closest('.site-search'),
          inBanner: !!el.closest('.cookie-banner'), inMain: !!el.closest('main'), obscured};
}"""


def tab_through(page, limit: int = 150) -> list[dict]:
    """Press Tab until focus leaves the page; for each stop, whether focusing it changed how it
    (or a box around it, such as a card) is outlined."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP_JS)
        if stop["tag"] == "body":
            break
        # Focused again by script right after a key press, it still matches :focus-visible.
        stop["visible_focus"] = page.evaluate(
            f"""() => {{ const el = document.activeElement, look = {FOCUS_LOOK_JS};
                        const focused = look(el); el.blur(); const unfocused = look(el);
                        el.focus(); return focused !== unfocused; }}"""
        )
        stops.append(stop)
    return stops


@pytest.mark.parametrize("name", ["home", "share-form"])
def test_every_tab_stop_shows_focus_and_every_action_is_reachable(page, site, name):
    # With the cookie notice open: its buttons are actions too, and it covers the screen's foot.
    open_visit(page, site, replace(BY_NAME[name], banner=True))
    stops = tab_through(page)

    unseen = [stop for stop in stops if not stop["visible_focus"]]
    assert not unseen, f"focus is not visible on: {unseen}"
    hidden = [stop["label"] for stop in stops if stop["obscured"]]
    assert not hidden, f"focus lands behind the cookie notice on: {hidden}"
    nav = {stop["label"] for stop in stops if stop["inNav"]}
    assert {"Today", "Themes", "Reader stories", "Community"} <= nav
    search = [(stop["tag"], stop["type"]) for stop in stops if stop["inSearch"]]
    assert search == [("input", "search"), ("button", "submit")]
    banner = [stop["label"] for stop in stops if stop["inBanner"]]
    assert {"Accept all", "Reject non-essential", "Choose"} <= set(banner)
    sends = [s for s in stops if s["inMain"] and s["tag"] == "button" and s["type"] == "submit"]
    assert sends, "no form in <main> can be sent from the keyboard"


def test_a_focused_link_is_outlined_and_an_unfocused_one_is_not(page, site):
    open_visit(page, site, BY_NAME["home"])
    link = page.locator(".site-nav a").first
    outline = "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    unfocused = link.evaluate(outline)
    for _ in range(3):  # the skip link, the site's name, the first link of the main navigation
        page.keyboard.press("Tab")
    assert link.evaluate("el => el === document.activeElement")
    focused = link.evaluate(outline)
    page.shot("focused-nav-link")
    assert unfocused[0] == "none"
    assert focused[0] == "solid" and float(focused[1].removesuffix("px")) >= 2


def test_reduced_motion_stops_every_transition_and_animation(page, site):
    moving_js = """() => [...document.querySelectorAll('*')].flatMap(el => {
      const s = getComputedStyle(el);
      const longest = value => Math.max(...value.split(',').map(parseFloat));
      return longest(s.transitionDuration) > 0.01 || longest(s.animationDuration) > 0.01
        ? [el.tagName.toLowerCase() + '.' + el.className] : [];
    })"""
    open_visit(page, site, BY_NAME["home"])
    assert page.evaluate(moving_js), "nothing moves without the preference: the check is idle"

    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(moving_js) == []
