from django import template

from .. import services

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as people say them: "45 s", "2 min", "1 min 30 s"."""
    return services.format_duration(seconds)


@register.simple_tag
def goal_plan_for(goal, request):
    """The goal's run-walk plan as of today, and any plan waiting in the member's session."""
    pending = request.session.get(services.PENDING_SESSION_KEY) if request else None
    return services.goal_plan(goal=goal, pending=pending)


@register.filter
def clock(seconds) -> str:
    """Seconds as a timer shows them: "5:00", "1:05"."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"
