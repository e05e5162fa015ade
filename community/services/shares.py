"""Run wins, first milestones and rituals: posting, cheering, the feed, and reader stories."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.images import reencode_image
from common.markup import render_markdown
from common.ratelimit import check_rate

from ..models import Cheer, Share, Status
from .comments import with_comment_counts
from .moderation import has_too_many_links, initial_status
from .profiles import get_profile

PHOTO_MAX_SIDE = 1600
FEATURE_CONSENT_TEXT = (
    "You may feature this as a reader story on Run Toward Balance, edited for length, "
    "with my display name."
)


# --- Reads -------------------------------------------------------------------------------------


def feed(*, user, kind: str = "", city_slug: str = "") -> QuerySet:
    """Approved shares, newest first, with cheer and comment counts, the author's profile and
    whether `user` cheered, all in one query."""
    # Counting groups rows, and Django drops Meta.ordering from grouped queries: keep it.
    shares = (
        Share.objects.approved()
        .select_related("author__profile", "city")
        .order_by("-created_at", "-id")
    )
    if kind:
        shares = shares.filter(kind=kind)
    if city_slug:
        shares = shares.filter(city__slug=city_slug)
    return annotate_for_cards(shares, user=user)


def annotate_for_cards(shares: QuerySet, *, user) -> QuerySet:
    cheers = (
        Cheer.objects.filter(share=OuterRef("pk"))
        .order_by()
        .values("share")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # Counted in subqueries, as comments are: no grouping of the feed's rows (with_comment_counts).
    shares = with_comment_counts(shares).annotate(
        cheer_count=Coalesce(Subquery(cheers, output_field=IntegerField()), Value(0))
    )
    if user.is_authenticated:
        return shares.annotate(
            has_cheered=Exists(Cheer.objects.filter(share=OuterRef("pk"), member=user))
        )
    return shares.annotate(has_cheered=Value(False))


def share_for_page(*, pk: int, user) -> Share | None:
    """An approved share, or the author's own share while it waits for moderation."""
    shares = Share.objects.select_related("author__profile", "city")
    share = annotate_for_cards(shares, user=user).filter(pk=pk).first()
    if share is None:
        return None
    if share.status == Status.APPROVED or share.author_id == user.pk:
        return share
    return None


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def create_share(
    *,
    author,
    kind: str,
    text: str,
    photo=None,
    photo_alt: str = "",
    distance_km=None,
    duration=None,
    may_feature: bool = False,
) -> Share:
    """Post a share; a new member's first one waits for moderation, like comments."""
    check_rate("share", str(author.pk))
    profile = get_profile(author)
    share = Share(
        author=author,
        kind=kind,
        text=text,
        photo_alt=photo_alt,
        distance_km=distance_km,
        duration=duration,
        # A share is placed in a city only when its author shows their city.
        city=profile.city if profile.show_city else None,
        status=initial_status(author=author, html=render_markdown(text, for_members=True)),
    )
    _record_consent(share, may_feature)
    if photo:
        _store_photo(share, photo)
    share.save()
    return share


@transaction.atomic
def update_share(*, share: Share, user, data: dict, photo=None) -> Share:
    """Edit your own share; adding many links sends it back to moderation."""
    if share.author_id != user.pk:
        raise PermissionDenied
    # A bound ModelForm has already copied its input onto `share`: what was saved before is read
    # from the database.
    saved = Share.objects.filter(pk=share.pk).values("may_feature").get()
    share.may_feature = saved["may_feature"]
    may_feature = data.pop("may_feature", saved["may_feature"])
    for field, value in data.items():
        setattr(share, field, value)
    _record_consent(share, may_feature)
    if photo:
        _store_photo(share, photo)  # the replaced file goes once this commits (django-cleanup)
    if has_too_many_links(render_markdown(share.text, for_members=True)):
        share.status = Status.PENDING
    share.save()
    return share


def delete_share(*, share: Share, user) -> None:
    if share.author_id != user.pk:
        raise PermissionDenied
    share.delete()  # its photo goes once the deletion commits (django-cleanup)


def set_cheer(*, share: Share, member, cheer: bool | None = None) -> bool:
    """Cheer a share (`cheer=True`) or take the cheer back (`False`); `None` toggles. One cheer
    per member and share whatever the number of clicks or tabs. Returns whether the member now
    cheers it."""
    if share.status != Status.APPROVED:
        raise ValidationError("Only published shares can be cheered.")
    if share.author_id == member.pk:
        # A cheer is what others give: the count says how many runners were glad for you.
        raise ValidationError("Cheers come from other runners: you can't cheer your own share.")
    check_rate("cheer", str(member.pk))
    existing = Cheer.objects.filter(share=share, member=member)
    if cheer is None:
        cheer = not existing.exists()
    if not cheer:
        existing.delete()
        return False
    try:
        with transaction.atomic():
            Cheer.objects.create(share=share, member=member)
    except IntegrityError:  # a double click raced us: the cheer exists, which is what was asked
        pass
    return True


@transaction.atomic
def feature_as_story(*, share: Share):
    """Turn a share whose author agreed to it into a draft reader story, linked to the share."""
    from articles.models import Article, Author

    if not share.may_feature:
        raise ValidationError("The member did not agree to have this share featured.")
    if share.story_id:
        return share.story
    profile = get_profile(share.author)
    author, _ = Author.objects.get_or_create(
        user=share.author,
        defaults={"name": profile.display_name, "slug": f"member-{share.author_id}"},
    )
    # A working title for the editor to rewrite; the member is credited through share.story,
    # so deleting the account (and its shares) later removes the credit everywhere.
    title = f"A reader's {share.get_kind_display().lower()}"
    share.story = Article.objects.create(
        title=title,
        slug=f"reader-story-{share.pk}",
        kind=Article.Kind.STORY,
        author=author,
        summary=share.text[:240],
        body=share.text,
        body_markup=Article.Markup.MEMBER,  # the member's words keep the members' rules
        status=Article.Status.DRAFT,
    )
    share.save(update_fields=["story"])
    return share.story


def _record_consent(share: Share, may_feature: bool) -> None:
    if may_feature and not share.may_feature:
        share.feature_consent_text = FEATURE_CONSENT_TEXT
        share.feature_consent_at = timezone.now()
    elif not may_feature:
        share.feature_consent_text = ""
        share.feature_consent_at = None
    share.may_feature = may_feature


def _store_photo(share: Share, photo) -> None:
    photo_file = reencode_image(photo, max_side=PHOTO_MAX_SIDE)
    share.photo_width, share.photo_height = photo_file.width, photo_file.height
    share.photo.save("share.jpg", ContentFile(photo_file.content), save=False)
