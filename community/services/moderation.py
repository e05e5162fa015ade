"""The moderation rule shared by comments and shares."""

import re

from ..models import Comment, Share, Status

MAX_LINKS_WITHOUT_MODERATION = 2
_LINK = re.compile(r"<a\s", re.IGNORECASE)


def link_count(html: str) -> int:
    return len(_LINK.findall(html))


def initial_status(*, author, html: str) -> str:
    """A new member's first contribution, and anything with more than two links, waits for an
    editor; a member with an approved comment or share is trusted to appear at once."""
    if link_count(html) > MAX_LINKS_WITHOUT_MODERATION:
        return Status.PENDING
    trusted = (
        Comment.objects.filter(author=author, status=Status.APPROVED).exists()
        or Share.objects.filter(author=author, status=Status.APPROVED).exists()
    )
    return Status.APPROVED if trusted else Status.PENDING
