"""Reading and recording the cookie choice. The choice itself lives in a strictly-necessary,
signed cookie; every choice is also recorded as proof (ConsentRecord)."""

import uuid
from dataclasses import dataclass

from django.core import signing

from .cookies import CONSENT_COOKIE, CONSENT_MAX_AGE, POLICY_VERSION
from .models import ConsentRecord

# The salt from before the module left runsite: a new one would void every cookie choice.
_SALT = "runsite.consent"


@dataclass(frozen=True)
class Consent:
    anonymous_id: str
    preferences: bool
    analytics: bool
    version: int

    @property
    def is_current(self) -> bool:
        return self.version == POLICY_VERSION


def read(request) -> Consent | None:
    """The visitor's choice under the current policy, or None (then the banner asks)."""
    raw = request.COOKIES.get(CONSENT_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT)
        consent = Consent(
            anonymous_id=str(data["id"]),
            preferences=bool(data["p"]),
            analytics=bool(data["a"]),
            version=int(data["v"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return consent if consent.is_current else None


def record(*, response, request, preferences: bool, analytics: bool) -> Consent:
    """Store the choice in the consent cookie and as a ConsentRecord."""
    previous = read(request)
    anonymous_id = previous.anonymous_id if previous else str(uuid.uuid4())
    ConsentRecord.objects.create(
        anonymous_id=anonymous_id,
        preferences=preferences,
        analytics=analytics,
        policy_version=POLICY_VERSION,
    )
    value = signing.dumps(
        {"id": anonymous_id, "p": preferences, "a": analytics, "v": POLICY_VERSION}, salt=_SALT
    )
    response.set_cookie(
        CONSENT_COOKIE,
        value,
        max_age=CONSENT_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return Consent(anonymous_id, preferences, analytics, POLICY_VERSION)
