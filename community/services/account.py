"""A member's data rights: everything we hold about them as JSON, and deleting the account."""

from django.db import transaction
from django.utils import timezone

from common import pagecache

from ..models import Comment, CommentReport, Goal, PartnerPost, Share
from .profiles import get_profile


def _iso(value):
    return value.isoformat() if value else None


def export_member_data(user) -> dict:
    """Profile, comments, shares, cheers, goals with updates, partner posts and subscriptions."""
    from newsletter.models import Subscriber

    profile = get_profile(user)
    subscriptions = Subscriber.objects.filter(email__iexact=user.email) | Subscriber.objects.filter(
        user=user
    )
    return {
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "profile": {
            "display_name": profile.display_name,
            "city": profile.city.name if profile.city else None,
            "bio": profile.bio,
            "avatar": profile.avatar.url if profile.avatar else None,
            "show_city": profile.show_city,
            "is_findable": profile.is_findable,
            "notify_replies": profile.notify_replies,
            "goal_reminders": profile.goal_reminders,
        },
        "comments": [
            {
                "on": str(comment.target),
                "url": comment.get_absolute_url(),
                "body": comment.body,
                "status": comment.status,
                "created_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
            }
            for comment in Comment.objects.filter(author=user, is_removed=False).select_related(
                "article", "share", "partner_post"
            )
        ],
        "shares": [
            {
                "kind": share.kind,
                "text": share.text,
                "photo": share.photo.url if share.photo else None,
                "distance_km": str(share.distance_km) if share.distance_km else None,
                "duration_minutes": share.duration.total_seconds() // 60
                if share.duration
                else None,
                "status": share.status,
                "may_feature": share.may_feature,
                "feature_consent_text": share.feature_consent_text,
                "feature_consent_at": _iso(share.feature_consent_at),
                "created_at": _iso(share.created_at),
            }
            for share in Share.objects.filter(author=user)
        ],
        "cheers": [
            {"share": cheer.share_id, "created_at": _iso(cheer.created_at)}
            for cheer in user.cheers.all()
        ],
        "goals": [
            {
                "title": goal.title,
                "why": goal.why,
                "target_on": _iso(goal.target_on),
                "is_active": goal.is_active,
                "run_walk_plan": goal.plan,
                "updates": [
                    {
                        "month": _iso(update.month),
                        "note": update.note,
                        "mood": update.mood,
                        "sleep": update.sleep,
                    }
                    for update in goal.updates.all()
                ],
            }
            for goal in Goal.objects.filter(member=user).prefetch_related("updates")
        ],
        "partner_posts": [
            {
                "city": post.city.name,
                "title": post.title,
                "text": post.text,
                "created_at": _iso(post.created_at),
            }
            for post in PartnerPost.objects.filter(author=user).select_related("city")
        ],
        "subscriptions": [
            {
                "email": sub.email,
                "status": sub.status,
                "weekly_letter": sub.wants_newsletter,
                "beginner_series": sub.wants_beginner_series,
                "consent_at": _iso(sub.consent_at),
                "consent_source": sub.consent_source,
                "consent_text": sub.consent_text,
            }
            for sub in subscriptions.distinct()
        ],
    }


@transaction.atomic
def delete_account(*, user, keep_comments_anonymously: bool) -> None:
    """Delete the member. Their comments are removed, or kept without their name; shares,
    goals, posts, cheers and subscriptions end; nothing they wrote stays attributed to them."""
    from articles.models import Author
    from newsletter.models import Subscriber

    comments = Comment.objects.filter(author=user)
    if keep_comments_anonymously:
        comments.update(author=None)
    else:
        # Replies by others stay readable under a "removed" placeholder.
        with_replies = comments.filter(replies__isnull=False).distinct()
        with_replies.update(is_removed=True, body="", body_html="", author=None)
        comments.exclude(pk__in=with_replies.values("pk")).delete()
    # Photos and the avatar are deleted with their rows once this commits (django-cleanup);
    # if anything here fails, the account and its files stay as they were.
    Share.objects.filter(author=user).delete()
    CommentReport.objects.filter(reporter=user).delete()
    # Published reader stories keep their text but no longer name the member.
    Author.objects.filter(user=user).update(user=None, name="A former member", bio="")
    pagecache.bump()  # the bulk updates above send no signals
    Subscriber.objects.filter(user=user).delete()
    Subscriber.objects.filter(email__iexact=user.email).delete()
    user.delete()  # profile, goals, updates, posts, cheers and email addresses go with it
