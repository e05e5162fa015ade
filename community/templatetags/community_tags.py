from django import template

register = template.Library()


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
