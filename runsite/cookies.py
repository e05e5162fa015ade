"""Every cookie the site can set, in one registry: the privacy page and the consent banner are
generated from it, so they cannot go stale. A test checks that responses set no cookie that is
missing here."""

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


def by_category():
    return [
        (category, [c for c in COOKIES if c.category == category.key]) for category in CATEGORIES
    ]
