"""Getting started gently: the plan builder, the interval timer and the service worker that
keeps the timer working offline, and keeping a member's plan on their goal."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from common.pagecache import cache_public_page
from common.ratelimit import RateLimited
from community.models import Goal

from . import services
from .forms import PlanForm

QUERY = tuple(services.QUERY_FIELDS)
# What the service worker keeps for offline use besides the timer pages themselves.
OFFLINE_ASSETS = ("css/site.css", "js/timer.js", "img/favicon.svg")


def _share_only_canonical(request, response, canonical: str | None) -> None:
    """Keep only the addresses the site links to in the shared page cache. Any other query (a
    typo, settings in another order, a value out of range) is rendered for that visitor alone,
    so made-up addresses cannot fill the cache."""
    if request.META.get("QUERY_STRING", "") not in {"", canonical}:
        patch_cache_control(response, private=True)


def _bind(request) -> tuple[PlanForm, services.PlanParams | None]:
    form = PlanForm.from_query(request.GET)
    valid = not form.is_bound or form.is_valid()
    return form, form.params() if valid else None


@require_GET
@cache_public_page(query=QUERY)
def plan(request):
    form, params = _bind(request)
    goal = None
    if request.user.is_authenticated:
        goal = (
            Goal.objects.filter(member=request.user, is_active=True)
            .only("pk", "title", "plan")
            .first()
        )
    saved = services.read_saved_plan(goal.plan) if goal else None
    response = render(
        request,
        "start/plan.html",
        {
            "form": form,
            "plan": services.build_plan(params) if params else None,
            "goal": goal,
            "saved_here": saved is not None and saved.params == params,
            "replaces": saved is not None and saved.params != params,
        },
    )
    _share_only_canonical(request, response, params.query_string if params else None)
    return response


@require_GET
@cache_public_page(query=(*QUERY, "week"))
def timer(request):
    form, params = _bind(request)
    if params is None:
        # A mistyped or outdated link: say so, and lead back to the builder to fix it.
        fix_url = f"{reverse('start:plan')}?{urlencode(form.data)}"
        return render(
            request, "start/timer_invalid.html", {"form": form, "fix_url": fix_url}, status=400
        )
    plan = services.build_plan(params)
    number = request.GET.get("week", "1")
    if not number.isdigit() or not 1 <= int(number) <= len(plan.weeks):
        raise Http404("This plan has no such week.")
    week = plan.week(int(number))
    response = render(
        request,
        "start/timer.html",
        {"plan": plan, "week": week, "session": week.session},
    )
    _share_only_canonical(request, response, f"{params.query_string}&week={week.number}")
    return response


@require_GET
def service_worker(request):
    assets = [static(name) for name in OFFLINE_ASSETS]
    # A new cache whenever an asset's hashed name changes; the old one is dropped on activation.
    version = hashlib.md5("\n".join(assets).encode(), usedforsecurity=False).hexdigest()[:12]
    script = render_to_string(
        "start/sw.js",
        {"assets": assets, "version": version, "timer_path": reverse("start:timer")},
    )
    response = HttpResponse(script, content_type="application/javascript")
    # Browsers check for a new worker on every visit when told not to reuse their copy unasked.
    response["Cache-Control"] = "no-cache"
    return response


def _back_to_builder(data) -> str:
    query = urlencode({name: data.get(name, "") for name in QUERY})
    return f"{reverse('start:plan')}?{query}#plan-form"


@login_required
@require_POST
def goal_plan_update(request):
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Your plan wasn't saved: some of its settings need a look. They're marked below.",
        )
        return redirect(_back_to_builder(request.POST))
    params = form.params()
    try:
        goal = services.save_plan_to_goal(member=request.user, params=params)
    except services.NoActiveGoal:
        request.session[services.PENDING_SESSION_KEY] = services.pending_for_session(params)
        messages.info(
            request,
            "Set your goal first. Your plan is kept: once the goal is set, save the plan to it "
            "from your goal page.",
        )
        return redirect(f"{reverse('community:goal-create')}?preset=5k")
    except RateLimited as exc:
        messages.error(
            request,
            f"Your plan wasn't saved: that's {exc.limit} changes to your goal within the hour. "
            "Please wait a little and try again.",
        )
        return redirect(_back_to_builder(request.POST))
    request.session.pop(services.PENDING_SESSION_KEY, None)
    messages.success(request, f"Your plan is saved to your goal “{goal.title}”.")
    return redirect(f"{reverse('community:goal-detail')}#run-walk-plan")


@login_required
@require_POST
def goal_plan_delete(request):
    try:
        services.remove_plan_from_goal(member=request.user)
    except RateLimited as exc:
        messages.error(
            request,
            f"Nothing changed: that's {exc.limit} changes to your goal within the hour. "
            "Please wait a little and try again.",
        )
    else:
        messages.success(request, "The plan is off your goal. You can build another any time.")
    return redirect("community:goal-detail")
