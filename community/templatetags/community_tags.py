from django import template

from ..services.comments import thread_for

register = template.Library()


@register.inclusion_tag("community/includes/thread.html", takes_context=True)
def comment_thread(context, target):
    """The comment thread of an article, share or partner post, read and rendered for this
    reader: any page shows one with `{% comment_thread target %}`."""
    request = context["request"]
    return {
        "thread": thread_for(target=target, user=request.user),
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def model_name(obj) -> str:
    return obj._meta.model_name


@register.filter
def duration_minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0
