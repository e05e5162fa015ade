from django import template

from community.services.comments import can_edit

register = template.Library()


@register.filter
def editable_by(comment, user) -> bool:
    """Whether `user` may still edit `comment` (their own, within the edit window)."""
    return can_edit(comment, user)


@register.filter
def model_name(obj) -> str:
    return obj._meta.model_name


@register.filter
def duration_minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0
