"""Seasonal goals and monthly updates: the writes, the goals page and the monthly reminder."""

import calendar
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from common.mail import build_email, message_id
from common.ratelimit import check_rate
from newsletter.services.suppression import exclude_suppressed

from ..models import Goal, GoalUpdate, Profile
from .profiles import mail_off_link

logger = logging.getLogger(__name__)

RATING_MIN, RATING_MAX = 1, 5
# The chart's drawing box, in SVG user units; the page scales it to the column's width.
CHART_WIDTH, CHART_HEIGHT = 640, 240
CHART_PAD_LEFT, CHART_PAD_RIGHT, CHART_PAD_TOP, CHART_PAD_BOTTOM = 40, 20, 16, 36
# More month labels than this under the chart would overlap; every other one is shown instead.
CHART_MAX_LABELS = 12
MARKER_HALF = 5


class DuplicateMonth(ValidationError):
    """The goal already has an update for that month; `existing` is the one to edit instead."""

    def __init__(self, existing: GoalUpdate):
        self.existing = existing
        super().__init__(
            {
                "month": (
                    f"You already posted an update for {existing.month:%B %Y}. "
                    "Edit that one instead, or pick another month."
                )
            },
            code="duplicate_month",
        )


# --- Months ----------------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, kept inside the target month (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recent_months(*, today: date | None = None, count: int = 12) -> list[date]:
    """The first days of this month and the `count - 1` before it, newest first."""
    start = first_of_month(today or timezone.localdate())
    return [add_months(start, -offset) for offset in range(count)]


# --- Writes ----------------------------------------------------------------------------------


def _title_for(preset: str, title: str) -> str:
    title = (title or "").strip()
    if not title and preset != Goal.Preset.OWN:
        return Goal.Preset(preset).label
    return title


def set_goal(*, member, preset: str, title: str, why: str, target_on: date) -> Goal:
    """Make a new active goal for the member; their previous active goal becomes a past one."""
    check_rate("goal", who=str(member.pk))
    with transaction.atomic():
        # Locking the member's row makes two quick submits take turns instead of colliding on
        # the one-active-goal constraint.
        get_user_model().objects.select_for_update().only("pk").get(pk=member.pk)
        Goal.objects.filter(member=member, is_active=True).update(is_active=False)
        return Goal.objects.create(
            member=member,
            preset=preset,
            title=_title_for(preset, title),
            why=why,
            target_on=target_on,
            is_active=True,
        )


def update_goal(*, goal: Goal, preset: str, title: str, why: str, target_on: date) -> Goal:
    """Change a goal's preset, title, reason or target date."""
    check_rate("goal", who=str(goal.member_id))
    goal.preset = preset
    goal.title = _title_for(preset, title)
    goal.why = why
    goal.target_on = target_on
    goal.save(update_fields=["preset", "title", "why", "target_on"])
    return goal


def _existing_update(goal: Goal, month: date, *, exclude_pk: int | None = None):
    updates = goal.updates.filter(month=month)
    if exclude_pk is not None:
        updates = updates.exclude(pk=exclude_pk)
    return updates.first()


def post_update(
    *, goal: Goal, month: date, note: str, mood: int | None, sleep: int | None
) -> GoalUpdate:
    """Add the goal's update for a month; a month that already has one raises DuplicateMonth."""
    month = first_of_month(month)
    if existing := _existing_update(goal, month):
        raise DuplicateMonth(existing)
    check_rate("goal", who=str(goal.member_id))
    update = GoalUpdate(goal=goal, month=month, note=note, mood=mood, sleep=sleep)
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        # Another request saved the same month between the check and the insert.
        existing = _existing_update(goal, month)
        if existing is None:
            raise
        raise DuplicateMonth(existing) from None
    return update


def edit_update(
    *, update: GoalUpdate, month: date, note: str, mood: int | None, sleep: int | None
) -> GoalUpdate:
    """Change an update's month, note or ratings; moving onto a month already taken raises."""
    month = first_of_month(month)
    if existing := _existing_update(update.goal, month, exclude_pk=update.pk):
        raise DuplicateMonth(existing)
    check_rate("goal", who=str(update.goal.member_id))
    update.month, update.note, update.mood, update.sleep = month, note, mood, sleep
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        existing = _existing_update(update.goal, month, exclude_pk=update.pk)
        if existing is None:
            raise
        raise DuplicateMonth(existing) from None
    return update


def delete_update(*, update: GoalUpdate) -> None:
    """Remove a monthly update."""
    update.delete()


# --- The goals page ----------------------------------------------------------------------------


@dataclass
class GoalPage:
    goal: Goal | None
    updates: list[GoalUpdate] = field(default_factory=list)  # newest first
    past_goals: Sequence[Goal] = field(default_factory=list)
    reminders_on: bool = False
    days_left: int | None = None
    chart: dict = field(default_factory=dict)


def goal_page(*, member) -> GoalPage:
    """The active goal with its updates and chart, past goals, reminder setting: 4 queries."""
    goals = Goal.objects.filter(member=member)
    goal = (
        goals.filter(is_active=True)
        .prefetch_related(
            Prefetch("updates", queryset=GoalUpdate.objects.order_by("-month"), to_attr="timeline")
        )
        .first()
    )
    past_goals = list(
        goals.filter(is_active=False)
        .annotate(update_count=Count("updates"))
        .order_by("-created_at")
    )
    reminders_on = bool(
        Profile.objects.filter(user=member).values_list("goal_reminders", flat=True).first()
    )
    if goal is None:
        return GoalPage(goal=None, past_goals=past_goals, reminders_on=reminders_on)
    return GoalPage(
        goal=goal,
        updates=goal.timeline,
        past_goals=past_goals,
        reminders_on=reminders_on,
        days_left=(goal.target_on - timezone.localdate()).days,
        chart=ratings_chart(list(reversed(goal.timeline))),
    )


def ratings_chart(updates) -> dict:
    """Geometry of the mood and sleep chart for `updates` (oldest first), for the template."""
    updates = sorted(updates, key=lambda update: update.month)
    plot_left, plot_right = CHART_PAD_LEFT, CHART_WIDTH - CHART_PAD_RIGHT
    plot_top, plot_bottom = CHART_PAD_TOP, CHART_HEIGHT - CHART_PAD_BOTTOM

    def y_for(value: int) -> float:
        share = (value - RATING_MIN) / (RATING_MAX - RATING_MIN)
        return round(plot_bottom - share * (plot_bottom - plot_top), 1)

    # Points sit at their month's place in time, so a skipped month leaves a visible gap.
    months = [_months_between(updates[0].month, update.month) for update in updates]
    span = max(1, months[-1]) if months else 1
    xs = [
        round(plot_left + month / span * (plot_right - plot_left), 1)
        if len(updates) > 1
        else round((plot_left + plot_right) / 2, 1)
        for month in months
    ]

    series = []
    for key, label in (("mood", "Mood"), ("sleep", "Sleep")):
        points = []
        for x, update in zip(xs, updates, strict=True):
            value = getattr(update, key)
            if value is None:
                continue
            y = y_for(value)
            # corner_x/corner_y place the square marker that sleep uses, centred on the point.
            points.append(
                {
                    "x": x,
                    "y": y,
                    "corner_x": round(x - MARKER_HALF, 1),
                    "corner_y": round(y - MARKER_HALF, 1),
                    "value": value,
                    "month": update.month,
                }
            )
        series.append(
            {
                "key": key,
                "label": label,
                "points": points,
                "polyline": " ".join(f"{point['x']},{point['y']}" for point in points),
            }
        )

    step = 1 if len(updates) <= CHART_MAX_LABELS else 2
    labels = [
        {
            "x": x,
            "y": round(CHART_HEIGHT - CHART_PAD_BOTTOM / 3, 1),
            "text": _month_label(update.month, i),
        }
        for i, (x, update) in enumerate(zip(xs, updates, strict=True))
        if i % step == 0 or i == len(updates) - 1
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": plot_left,
        "right": plot_right,
        "top": plot_top,
        "bottom": plot_bottom,
        "tick_x": plot_left - 12,
        "ticks": [
            {"value": value, "y": y_for(value)} for value in range(RATING_MIN, RATING_MAX + 1)
        ],
        "labels": labels,
        "series": series,
        "rows": [{"month": u.month, "mood": u.mood, "sleep": u.sleep} for u in updates],
        "has_ratings": any(entry["points"] for entry in series),
        "summary": _chart_summary(series),
    }


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _month_label(month: date, index: int) -> str:
    # The year is shown where it starts or changes, so a long goal still reads unambiguously.
    return f"{month:%b %Y}" if index == 0 or month.month == 1 else f"{month:%b}"


def _chart_summary(series: list[dict]) -> str:
    parts = []
    for entry in series:
        if entry["points"]:
            values = "; ".join(
                f"{point['month']:%B %Y}: {point['value']}" for point in entry["points"]
            )
            parts.append(f"{entry['label']} out of 5 — {values}.")
        else:
            parts.append(f"No {entry['label'].lower()} ratings yet.")
    return " ".join(parts)


# --- Reminders -------------------------------------------------------------------------------


def send_goal_reminders(*, today: date | None = None) -> int:
    """Email each opted-in member with an active goal, at most once a calendar month, unless
    the address is suppressed (it bounced, or its owner reported our mail as spam)."""
    today = today or timezone.localdate()
    month_start = first_of_month(today)
    not_reminded = Q(member__profile__last_goal_reminder_on__isnull=True) | Q(
        member__profile__last_goal_reminder_on__lt=month_start
    )
    due = exclude_suppressed(
        Goal.objects.filter(
            not_reminded,
            is_active=True,
            member__is_active=True,
            member__profile__goal_reminders=True,
        )
        .exclude(member__email="")
        .select_related("member__profile")
        .order_by("pk"),
        email_field="member__email",
    )
    sent = 0
    for goal in due.iterator(chunk_size=500):
        profile = goal.member.profile
        previous = profile.last_goal_reminder_on
        # Claim the month first: a second run, even a concurrent one, finds nothing to claim.
        claimed = (
            Profile.objects.filter(pk=profile.pk)
            .filter(
                Q(last_goal_reminder_on__isnull=True) | Q(last_goal_reminder_on__lt=month_start)
            )
            .update(last_goal_reminder_on=today)
        )
        if not claimed:
            continue
        try:
            _send_reminder(goal=goal, profile=profile, today=today)
        except Exception:
            # Give the month back so the next run tries this member again.
            Profile.objects.filter(pk=profile.pk).update(last_goal_reminder_on=previous)
            logger.exception("Goal reminder to member %s failed", goal.member_id)
            continue
        sent += 1
    return sent


def _send_reminder(*, goal: Goal, profile: Profile, today: date) -> None:
    off_url, stop_headers = mail_off_link(goal.member, kind="goal-reminders")
    context = {
        "display_name": profile.display_name,
        "goal": goal,
        "month": today,
        "days_left": (goal.target_on - today).days,
        "goals_url": settings.SITE_URL + reverse("community:goal-detail"),
        "profile_url": settings.SITE_URL + reverse("profile"),
        "off_url": off_url,
    }
    build_email(
        "emails/community/goal_reminder",
        context,
        to=[goal.member.email],
        headers={
            # The same member and month is the same reminder, should a retry send it again.
            "Message-ID": message_id("goal-reminder", goal.member_id, today.year, today.month),
            **stop_headers,
        },
    ).send()
