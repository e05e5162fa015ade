"""Members' profiles: created on first use, never by a signal."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction

from runsite.images import reencode_image

from ..models import Profile

AVATAR_SIZE = 256
_REPLIES_OFF_SALT = "community.replies-off"


def get_profile(user) -> Profile:
    """The member's profile, made with a neutral display name the first time it is needed."""
    profile = getattr(user, "_profile_cache", None)
    if profile is None:
        profile, _ = Profile.objects.get_or_create(
            user=user, defaults={"display_name": f"Runner {user.pk}"}
        )
        user._profile_cache = profile
    return profile


@transaction.atomic
def update_profile(*, profile: Profile, data: dict, avatar=None) -> Profile:
    """Save the profile form's fields; a new avatar is cropped square, resized and stripped."""
    for field, value in data.items():
        setattr(profile, field, value)
    if avatar:
        # The replaced avatar's file goes once this commits (django-cleanup).
        avatar_file = reencode_image(avatar, square=AVATAR_SIZE)
        profile.avatar.save("avatar.jpg", ContentFile(avatar_file.content), save=False)
    profile.save()
    return profile


def replies_off_token(user) -> str:
    return signing.dumps(user.pk, salt=_REPLIES_OFF_SALT)


def turn_off_reply_emails(*, token: str) -> Profile | None:
    """Turn reply emails off for the member the signed token names; None if it is not valid."""
    try:
        user_pk = signing.loads(token, salt=_REPLIES_OFF_SALT, max_age=60 * 60 * 24 * 90)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None:
        return None
    profile = get_profile(user)
    profile.notify_replies = False
    profile.save(update_fields=["notify_replies"])
    return profile


def display_name(user) -> str:
    """How the site names a member everywhere, allauth's pages included (ACCOUNT_USER_DISPLAY):
    the display name they chose, never the internal username."""
    return get_profile(user).display_name
