from django import template

from community.services.comments import can_edit

register = template.Library()


@register.filter
def editable_by(comment, user) -> bool:
    """Whether `user` may still edit `comment` (their own, within the edit window)."""
    return can_edit(comment, user)


@register.simple_tag(takes_context=True)
def member_comments(context, thread):
    """A thread's heading and comments for the signed-in member (Thread.for_member)."""
    return thread.for_member(csrf_token=str(context.get("csrf_token", "")))


@register.filter
def model_name(obj) -> str:
    return obj._meta.model_name


@register.filter
def duration_minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0
