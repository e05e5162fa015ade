"""The one welcome a new member gets once allauth has confirmed their address."""

from django.conf import settings
from django.urls import reverse

from common.mail import build_email
from common.welcomes import send_once
from newsletter.services.subscriptions import subscription_for_member
from newsletter.services.suppression import is_suppressed

from .profiles import get_profile


def _absolute(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def welcome_message(user):
    subscription = subscription_for_member(user)
    return build_email(
        "emails/community/welcome",
        {
            "display_name": get_profile(user).display_name,
            "subscription": subscription if subscription and subscription.is_mailable else None,
            "profile_url": _absolute("profile"),
            "plan_url": _absolute("start:plan"),
            "share_url": _absolute("community:share-create"),
            "goal_url": _absolute("community:goal-detail"),
        },
        to=[user.email],
    )


def send_member_welcome(*, user) -> bool:
    """Welcome a member whose address is confirmed, unless the address had a welcome before
    (as a member, or as a subscriber who confirmed first) or is suppressed. True if this call
    sent it."""
    from allauth.account.models import EmailAddress

    if is_suppressed(user.email):
        return False
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        return False
    return send_once(email=user.email, kind="member", send=lambda: welcome_message(user).send())
