from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def thread_comments(context, thread):
    """A thread's comments, rendered by Jinja2 (community/jinja2/community/comments.html)."""
    html = get_template("community/comments.html", using="jinja2").render(
        {"thread": thread}, request=context["request"]
    )
    return mark_safe(html)  # noqa: S308 (Jinja2 escaped it; the bodies were sanitized when saved)


@register.filter
def duration_minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0
