"""A member's seasonal goal and monthly updates; every page here is the member's own."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from common.ratelimit import RateLimited

from ..forms.goals import GoalForm, GoalUpdateForm
from ..models import Goal, GoalUpdate
from ..panels import goal_panels
from ..services import goals
from ..services.goals import DuplicateMonth

PRESET_IDEAS = [
    (
        Goal.Preset.FEEL_GOOD_5K,
        "Run-walk your way to 5 kilometres that leave you smiling, not spent.",
    ),
    (Goal.Preset.CALMER_MORNINGS, "A short, easy run or walk to start the day steadier."),
    (Goal.Preset.BETTER_SLEEP, "Regular gentle movement to help you wind down and sleep deeper."),
]


def _save_update(form, save) -> tuple[bool, GoalUpdate | None]:
    """Validate and save a monthly update; on failure the form carries the reason. Returns
    (saved, the update already posted for that month, if that is what stopped it)."""
    if not form.is_valid():
        return False, None
    try:
        save(**_update_fields(form))
    except DuplicateMonth as exc:
        form.add_error(None, exc)
        return False, exc.existing
    except RateLimited as exc:
        form.add_error(None, str(exc))
        return False, None
    return True, None


def _free_month(updates: list[GoalUpdate]):
    """The newest of the last 12 months with no update yet, or None when all have one."""
    taken = {update.month for update in updates}
    return next((month for month in goals.recent_months() if month not in taken), None)


@login_required
@require_GET
def goal_detail(request):
    page = goals.goal_page(member=request.user)
    free_month = _free_month(page.updates) if page.goal else None
    update_form = GoalUpdateForm(initial={"month": free_month}) if free_month else None
    return render(
        request,
        "community/goal_detail.html",
        {
            "page": page,
            "update_form": update_form,
            "preset_ideas": PRESET_IDEAS,
            "goal_panels": goal_panels(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request):
    active = Goal.objects.filter(member=request.user, is_active=True).first()
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                goals.set_goal(member=request.user, **_goal_fields(form))
            except RateLimited as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, "Your goal is set. Come back each month to note how it goes."
                )
                return redirect("community:goal-detail")
    else:
        preset = request.GET.get("preset")
        form = GoalForm(initial={"preset": preset} if preset in Goal.Preset.values else None)
    return render(request, "community/goal_form.html", {"form": form, "replaces": active})


@login_required
@require_http_methods(["GET", "POST"])
def goal_update(request, pk):
    goal = get_object_or_404(Goal, pk=pk, member=request.user)
    if request.method == "POST":
        form = GoalForm(request.POST, instance=goal)
        if form.is_valid():
            try:
                goals.update_goal(goal=goal, **_goal_fields(form))
            except RateLimited as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your goal is updated.")
                return redirect("community:goal-detail")
    else:
        form = GoalForm(instance=goal)
    return render(request, "community/goal_form.html", {"form": form, "goal": goal})


def _goal_fields(form: GoalForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("preset", "title", "why", "target_on")}


def _update_fields(form: GoalUpdateForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("month", "note", "mood", "sleep")}


@login_required
@require_http_methods(["GET", "POST"])
def goalupdate_create(request):
    goal = Goal.objects.filter(member=request.user, is_active=True).first()
    if goal is None:
        messages.info(request, "Set a goal first; then you can post monthly updates on it.")
        return redirect("community:goal-create")
    existing = None
    if request.method == "POST":
        form = GoalUpdateForm(request.POST)
        saved, existing = _save_update(
            form, lambda **fields: goals.post_update(goal=goal, **fields)
        )
        if saved:
            messages.success(request, "Your update is posted.")
            return redirect("community:goal-detail")
    else:
        form = GoalUpdateForm(initial={"month": _free_month(list(goal.updates.all()))})
    return render(
        request,
        "community/goalupdate_form.html",
        {"form": form, "goal": goal, "existing": existing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def goalupdate_update(request, pk):
    update = get_object_or_404(
        GoalUpdate.objects.select_related("goal"), pk=pk, goal__member=request.user
    )
    existing = None
    if request.method == "POST":
        # The form fills a copy: the page about a refused edit still names the stored month.
        form = GoalUpdateForm(request.POST, instance=copy(update))
        saved, existing = _save_update(
            form, lambda **fields: goals.edit_update(update=update, **fields)
        )
        if saved:
            messages.success(request, "Your update is saved.")
            return redirect("community:goal-detail")
    else:
        form = GoalUpdateForm(instance=update)
    return render(
        request,
        "community/goalupdate_form.html",
        {"form": form, "goal": update.goal, "update": update, "existing": existing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def goalupdate_delete(request, pk):
    update = get_object_or_404(
        GoalUpdate.objects.select_related("goal"), pk=pk, goal__member=request.user
    )
    if request.method == "POST":
        goals.delete_update(update=update)
        messages.success(request, f"Your update for {update.month:%B %Y} is deleted.")
        return redirect("community:goal-detail")
    return render(request, "community/goalupdate_confirm_delete.html", {"update": update})
