"""Comments on articles, shares and partner posts: posting, moderation rules, editing,
removal, reports, reply emails, and the one read that builds a thread for a page."""

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from runsite import pagecache
from runsite.markup import render_markdown
from runsite.ratelimit import check_rate

from ..models import Comment, CommentReport, Status
from .moderation import has_too_many_links, initial_status
from .profiles import get_profile, mail_off_link

# --- Reads -------------------------------------------------------------------------------------


class Thread:
    """What a page needs to show a comment thread and its form.

    The comments are read when the template first asks for them, so a page whose thread comes
    from the fragment cache (see fragment_key) does not read them at all.
    """

    def __init__(self, *, target, user, form=None):
        self.target = target
        self.user = user
        self.is_open = comments_open(target)
        if form is None and self.is_open and user.is_authenticated:
            from ..forms.comments import CommentForm

            form = CommentForm(target=target)
        self.form = form

    @cached_property
    def comments(self) -> list[Comment]:
        return _approved_thread(self.target)

    @cached_property
    def count(self) -> int:
        # approved_replies: the prefetch's to_attr (_approved_thread), unknown to the stubs.
        replies = [r for c in self.comments for r in c.approved_replies]  # type: ignore[attr-defined]
        return sum(not c.is_removed for c in [*self.comments, *replies])

    @cached_property
    def version_tag(self) -> str:
        """The versions of what the thread shows: its comments, and members' names."""
        return pagecache.version_tag("members", thread_version_name(self.target))

    @cached_property
    def fragment_key(self) -> str | None:
        """The versions the rendered thread is cached under, shared by every reader who is not
        signed in; None for a member (see for_member)."""
        return None if self.user.is_authenticated else self.version_tag

    def for_member(self, *, csrf_token: str) -> SafeString:
        """The heading and comments as this member sees them.

        A long thread took a member 100 ms and more to render, every time. The list is now
        rendered once for all members under the thread's versions, with slots where each
        member's own parts go (comment_list.html), and filled in per request: the form token,
        the reply forms' stamp, and Edit and Delete under their own comments, Report under the
        others'."""
        key = f"thread-members:{self.version_tag}:{int(self.is_open)}"
        shared = cache.get(key)
        if shared is None:
            context = {"thread": self, "user": self.user}
            shared = render_to_string("community/includes/comment_list.html", context)
            cache.set(key, shared, settings.FRAGMENT_CACHE_SECONDS)
        actions = get_template("community/includes/comment_actions.html")
        stamp = self.form.initial.get("rendered_at", "") if self.form else ""

        def fill(slot: re.Match) -> str:
            name, pk, author_id, created_at = slot.groups()
            if name == "csrf":
                return escape(csrf_token)
            if name == "stamp":
                return escape(stamp)
            comment = SimpleNamespace(
                pk=int(pk),
                author_id=int(author_id) if author_id else None,
                is_removed=False,
                created_at=datetime.fromisoformat(created_at),
            )
            is_own = comment.author_id == self.user.pk
            context = {
                "comment": comment,
                "is_own": is_own,
                # The stand-in has every field can_edit reads.
                "editable": can_edit(comment, self.user),  # type: ignore[arg-type]
            }
            return actions.render(context)

        return mark_safe(_SLOT.sub(fill, shared))  # noqa: S308 (our HTML, sanitized bodies)


# What comment_list.html leaves for each member: <!--csrf-->, <!--stamp--> and
# <!--actions PK AUTHOR_ID CREATED_AT-->. Comments and names cannot contain such a thing.
_SLOT = re.compile(r"<!--(?:(csrf|stamp)|actions (\d+) (\d*) (\S+))-->")


def thread_version_name(target) -> str:
    """The version bumped whenever a comment on `target` changes (see CommunityConfig)."""
    return f"thread:{target._meta.label_lower}:{target.pk}"


_TARGET_LABELS = (
    ("article_id", "articles.article"),
    ("share_id", "community.share"),
    ("partner_post_id", "community.partnerpost"),
)


def comment_thread_version_name(comment: Comment) -> str:
    """thread_version_name(comment.target), without reading the target."""
    for field, label in _TARGET_LABELS:
        if pk := getattr(comment, field):
            return f"thread:{label}:{pk}"
    raise ValueError("A comment without a target.")


def target_filter(target) -> dict:
    """The Comment field lookup that points at `target`."""
    from articles.models import Article

    from ..models import PartnerPost, Share

    for model, name in ((Article, "article"), (Share, "share"), (PartnerPost, "partner_post")):
        if isinstance(target, model):
            return {name: target}
    raise TypeError(f"Comments cannot be attached to {type(target).__name__}.")


def comments_open(target) -> bool:
    return getattr(target, "comments_open", True)


def thread_for(*, target, user, form=None) -> Thread:
    return Thread(target=target, user=user, form=form)


def _approved_thread(target) -> list[Comment]:
    """Approved top-level comments with their approved replies and authors' profiles, in a
    fixed number of queries however many there are; removed comments stay as placeholders only
    where they have replies."""
    # One query for the whole thread (replies carry the same target), grouped here, so the page
    # costs the same with 0 comments as with 200.
    approved = list(
        Comment.objects.approved()
        .filter(**target_filter(target))
        .select_related("author__profile")
        .order_by("created_at", "id")
    )
    replies: dict[int, list[Comment]] = {}
    for comment in approved:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    comments = []
    for comment in approved:
        if comment.parent_id:
            continue
        comment.approved_replies = replies.get(comment.pk, [])
        if not comment.is_removed or any(not r.is_removed for r in comment.approved_replies):
            comments.append(comment)
    return comments


def with_comment_counts(queryset: QuerySet, *, relation: str = "comments") -> QuerySet:
    """Annotate `comment_count` (approved, not removed) for cards and feeds, in the same query."""
    from django.db.models import Count, Q

    return queryset.annotate(
        comment_count=Count(
            relation,
            filter=Q(**{f"{relation}__status": Status.APPROVED, f"{relation}__is_removed": False}),
            distinct=True,
        )
    )


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def post_comment(*, author, target, body: str, parent: Comment | None = None) -> Comment:
    """Post a comment or a reply (one level: a reply to a reply joins its thread)."""
    if not comments_open(target):
        raise ValidationError("Comments are closed here.")
    if parent is not None:
        if parent.target != target or parent.status != Status.APPROVED:
            raise ValidationError("You can only reply to a comment shown on this page.")
        parent = parent.parent or parent
    check_rate("comment", str(author.pk))
    get_profile(author)  # a first-time commenter gets the profile their name is shown from
    comment = Comment.objects.create(
        author=author,
        parent=parent,
        body=body,
        status=initial_status(author=author, html=render_markdown(body, for_members=True)),
        **target_filter(target),
    )
    if comment.status == Status.APPROVED and parent is not None:
        _queue_reply_email(comment)
    return comment


def can_edit(comment: Comment, user) -> bool:
    window = timedelta(minutes=settings.COMMENT_EDIT_MINUTES)
    return (
        comment.author_id == user.pk
        and not comment.is_removed
        and timezone.now() - comment.created_at <= window
    )


@transaction.atomic
def edit_comment(*, comment: Comment, user, body: str) -> Comment:
    """Edit your own comment within the edit window; links added may send it to moderation."""
    if comment.author_id != user.pk:
        raise PermissionDenied
    if not can_edit(comment, user):
        raise ValidationError(
            f"Comments can be edited for {settings.COMMENT_EDIT_MINUTES} minutes after posting."
        )
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save()
    if has_too_many_links(comment.body_html):
        comment.status = Status.PENDING
        comment.save(update_fields=["status"])
    return comment


@transaction.atomic
def remove_comment(*, comment: Comment, user) -> None:
    """Delete your own comment; one with replies stays as a "removed" placeholder."""
    if comment.author_id != user.pk:
        raise PermissionDenied
    if comment.replies.exists():
        comment.is_removed = True
        comment.body = ""
        comment.save()
    else:
        comment.delete()


def report_comment(*, comment: Comment, reporter, reason: str) -> CommentReport:
    """Record a member's report for editors; reporting twice updates the reason."""
    check_rate("report", str(reporter.pk))
    report, _ = CommentReport.objects.update_or_create(
        comment=comment, reporter=reporter, defaults={"reason": reason, "is_resolved": False}
    )
    return report


def set_status(*, comments: QuerySet, status: str) -> int:
    """Moderate in bulk (approve, reject, spam); approving a reply sends its email."""
    changed = list(comments.exclude(status=status).select_related("parent"))
    for comment in changed:
        comment.status = status
    Comment.objects.bulk_update(changed, ["status"])
    # bulk_update sends no signals
    pagecache.bump("comments", *{comment_thread_version_name(c) for c in changed})
    if status == Status.APPROVED:
        for comment in changed:
            if comment.parent_id:
                _queue_reply_email(comment)
    if status in (Status.APPROVED, Status.REJECTED, Status.SPAM):
        CommentReport.objects.filter(comment__in=changed).update(is_resolved=True)
    return len(changed)


def _queue_reply_email(comment: Comment) -> None:
    from ..tasks import send_reply_notification

    transaction.on_commit(lambda: send_reply_notification.delay(comment.pk))


def notify_reply(*, comment: Comment) -> bool:
    """Email the parent comment's author about an approved reply, if they want such emails."""
    from django.urls import reverse

    from runsite.mail import build_email, message_id

    parent = comment.parent
    if (
        parent is None
        or comment.status != Status.APPROVED
        or parent.author is None
        or parent.author_id == comment.author_id
        or not parent.author.email
    ):
        return False
    recipient = parent.author
    if not get_profile(recipient).notify_replies:
        return False
    off_url, stop_headers = mail_off_link(recipient, kind="replies")
    context = {
        "recipient_name": get_profile(recipient).display_name,
        "replier_name": get_profile(comment.author).display_name if comment.author else "Someone",
        "reply": comment,
        "url": settings.SITE_URL + comment.get_absolute_url(),
        "off_url": off_url,
        "profile_url": settings.SITE_URL + reverse("profile"),
    }
    build_email(
        "emails/community/reply",
        context,
        to=[recipient.email],
        headers={
            # One notice per reply and recipient: a retried task sends the same message.
            "Message-ID": message_id("reply", comment.pk, recipient.pk),
            **stop_headers,
        },
    ).send()
    return True
