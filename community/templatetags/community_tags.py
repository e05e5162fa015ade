from django import template
from django.utils.html import format_html

from common.jinja2 import render_fragment

from ..models import Profile
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
    return render_fragment("community/comments.html", {"thread": thread}, context["request"])


@register.simple_tag
def story_sharer(article):
    """· shared by <member>, for a reader story that grew from a member's share (one query,
    and only for stories); nothing for any other article."""
    if article.kind != article.Kind.STORY:
        return ""
    profile = Profile.objects.filter(user__shares__story=article).first()
    if profile is None:
        return ""
    return format_html(
        ' · shared by <a href="{}">{}</a>', profile.get_absolute_url(), profile.display_name
    )


@register.filter
def duration_minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0
