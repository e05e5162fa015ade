"""Members' profiles: created on first use, never by a signal."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from common.images import reencode_image
from common.mail import one_click_headers

from ..models import Profile

AVATAR_SIZE = 256
# Each recurring kind of mail a member can stop in one click, and the profile field that
# stops it. The kind names the URL, the List-Id and the mailed unsubscribe's subject.
MAIL_KINDS = {"replies": "notify_replies", "goal-reminders": "goal_reminders"}


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


def mail_off_token(user, *, kind: str) -> str:
    """The signed token in a kind of mail's one-click stop link. It does not expire: all it can
    do is stop that mail, and the link in a January email must still work in April."""
    return signing.dumps(user.pk, salt=_mail_off_salt(kind))


def mail_off_link(user, *, kind: str) -> tuple[str, dict[str, str]]:
    """The one-click stop URL for `kind` of mail to `user`, and the List-Unsubscribe headers
    that carry it (https, and mailto while the unsubscribe mailbox is read)."""
    token = mail_off_token(user, kind=kind)
    url = settings.SITE_URL + reverse("community:mail-off", kwargs={"kind": kind, "token": token})
    return url, one_click_headers(kind=kind, token=token, url=url)


def _mail_off_salt(kind: str) -> str:
    # "community.replies-off" is the salt reply emails have always been sent with.
    return f"community.{kind}-off"


def member_from_mail_off_token(*, kind: str, token: str):
    """The member a stop link names, or None for an unknown kind or a token not valid for it."""
    if kind not in MAIL_KINDS:
        return None
    try:
        user_pk = signing.loads(token, salt=_mail_off_salt(kind))
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_pk).first()


def turn_off_mail(*, kind: str, token: str) -> Profile | None:
    """Stop `kind` of mail for the member the signed token names; None if it is not valid."""
    user = member_from_mail_off_token(kind=kind, token=token)
    if user is None:
        return None
    profile = get_profile(user)
    field = MAIL_KINDS[kind]
    setattr(profile, field, False)
    profile.save(update_fields=[field])
    return profile


def display_name(user) -> str:
    """How the site names a member everywhere, allauth's pages included (ACCOUNT_USER_DISPLAY):
    the display name they chose, never the internal username."""
    return get_profile(user).display_name
