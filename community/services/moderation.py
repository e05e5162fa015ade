"""The moderation rule shared by comments, shares and partner posts."""

import re

from ..models import Comment, PartnerPost, Share, Status

# One link is a route or a race page; two or more in one post is how link spam starts.
MAX_LINKS_WITHOUT_MODERATION = 1
_LINK = re.compile(r"<a\s", re.IGNORECASE)


def link_count(html: str) -> int:
    return len(_LINK.findall(html))


def has_too_many_links(html: str) -> bool:
    """Whether sanitized member HTML carries two or more links, which an editor checks first."""
    return link_count(html) > MAX_LINKS_WITHOUT_MODERATION


def initial_status(*, author, html: str) -> str:
    """A new member's first contribution, and anything with two or more links, waits for an
    editor; a member with an approved comment, share or partner post is trusted to appear at
    once."""
    if has_too_many_links(html):
        return Status.PENDING
    trusted = (
        Comment.objects.filter(author=author, status=Status.APPROVED).exists()
        or Share.objects.filter(author=author, status=Status.APPROVED).exists()
        or PartnerPost.objects.filter(author=author, status=Status.APPROVED).exists()
    )
    return Status.APPROVED if trusted else Status.PENDING
