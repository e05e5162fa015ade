"""Every cookie the site can set, and everything else it keeps in a visitor's browser, in one
registry: the privacy page and the consent banner are generated from it, so they cannot go stale.
Tests check that responses set no cookie missing here, and that the service worker's cache is
named here as the worker names it."""

from dataclasses import dataclass

from django.conf import settings

# Raise when the list of cookies or their purposes change: everyone is asked again.
POLICY_VERSION = 1
CONSENT_COOKIE = "rtb_consent"
CONSENT_MAX_AGE = 60 * 60 * 24 * 182  # about six months, then we ask again


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: str
    lifetime: str


CATEGORIES = [
    Category(
        "necessary",
        "Strictly necessary",
        "Keep forms safe, keep you signed in and remember this choice. Always on.",
        required=True,
    ),
    Category(
        "preferences",
        "Preferences",
        "Remember small choices such as a plan you built on the getting-started page.",
    ),
    Category(
        "analytics",
        "Analytics",
        "Help us see which pages are read. We count page views without cookies today, so this "
        "sets nothing yet; if that ever changes, we will ask again.",
    ),
]

COOKIES = [
    Cookie(
        settings.CSRF_COOKIE_NAME,
        "necessary",
        "Protects the forms you send from being forged by another site.",
        "1 year",
    ),
    Cookie(
        settings.SESSION_COOKIE_NAME,
        "necessary",
        "Keeps you signed in, once you sign in.",
        "2 weeks",
    ),
    Cookie(
        "messages", "necessary", "Carries a one-time confirmation to the next page.", "Until shown"
    ),
    Cookie(CONSENT_COOKIE, "necessary", "Remembers your cookie choice.", "6 months"),
]


@dataclass(frozen=True)
class Storage:
    """Something kept in the browser that is not a cookie; the same rules apply to it."""

    name: str
    kind: str
    stores: str
    purpose: str
    lifetime: str


# The start of the cache name in templates/start/sw.js; a version follows it.
TIMER_CACHE_PREFIX = "start-"
REMOVE_SITE_DATA = (
    "Clear this site's data in your browser's settings (often under “Cookies and site data”): "
    "that removes the service worker and its copies together. The timer still works online; "
    "it only stops working offline until you open it again."
)

# Both are strictly necessary: opening the timer asks for it, and a timer that stops when the
# signal drops mid-run does not do what was asked. Nothing is set before the timer is opened.
STORAGE = [
    Storage(
        "/start/sw.js",
        "Service worker",
        "A small script from this site that your browser keeps for the pages under /start/. "
        "It stores nothing about you itself; it fills the cache below.",
        "Strictly necessary: once you have opened the interval timer, it keeps the timer "
        "working offline, which is what you asked for by opening it. It only ever answers "
        "when the network does not.",
        "Until you remove it; replaced when the site updates it",
    ),
    Storage(
        f"{TIMER_CACHE_PREFIX}…",
        "Cache Storage",
        "Copies of the interval timer pages you opened (the 20 latest; their addresses hold the "
        "plan you chose) and the style sheet, script and icon they need. No name, email or "
        "account detail, and nothing is sent to us or anyone else from it.",
        "Strictly necessary, for the same reason: these copies are what the timer shows "
        "when you are offline.",
        "Until you remove it; replaced by a new one when the site's files change",
    ),
]


def by_category():
    return [
        (category, [c for c in COOKIES if c.category == category.key]) for category in CATEGORIES
    ]
