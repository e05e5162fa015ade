import html
import json
import re
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Goal
from start.services import PENDING_SESSION_KEY, PlanParams
from tests.community.factories import GoalFactory

pytestmark = pytest.mark.django_db

PLAN = reverse("start:plan")
TIMER = reverse("start:timer")
SAVE = reverse("start:goal-plan-update")
REMOVE = reverse("start:goal-plan-delete")
GOAL_PAGE = reverse("community:goal-detail")
DEFAULT = PlanParams()
QUERY = DEFAULT.query_string  # jog=60&walk=120&minutes=30&weeks=8&sessions=3&increase=10


def text_of(response) -> str:
    """The page's main content as text, in one line."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The plan builder ----------------------------------------------------------------------------


def test_the_builder_shows_a_beginners_plan_before_any_choice(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(PLAN)

    page = text_of(response)
    assert response.status_code == 200
    assert "Why start gently" in page
    assert "check with your doctor" in page
    assert "Your 8-week run-walk plan" in page
    assert "Week 1 Warm-up walk 5 min Jog 1 min, 7 times, with 2 min walks between" in page
    body = response.content.decode()
    assert '<option value="60" selected>1 min</option>' in body
    assert 'name="minutes" value="30"' in body


def test_a_chosen_plan_is_rendered_week_by_week_from_its_address(client):
    response = client.get(f"{PLAN}?jog=90&walk=60&minutes=25&weeks=6&sessions=2&increase=15")

    body = response.content.decode()
    page = text_of(response)
    assert len(re.findall(r'<li class="plan-week[ "]', body)) == 6
    assert "Your 6-week run-walk plan" in page
    assert "2 sessions a week of up to 25 minutes" in page
    assert "Jog 1 min 30 s, 6 times, with 1 min walks between" in page
    assert "at most 15% from one week to the next" in page
    assert (
        f"{TIMER}?jog=90&amp;walk=60&amp;minutes=25&amp;weeks=6&amp;sessions=2&amp;increase=15&amp;week=6"
        in body
    )


def test_settings_left_out_of_the_address_take_the_defaults(client):
    page = text_of(client.get(f"{PLAN}?weeks=4"))

    assert "Your 4-week run-walk plan" in page
    assert "Jog 1 min, 7 times, with 2 min walks between" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("minutes=99", "minutes", "Choose a session of 20 to 60 minutes"),
        ("minutes=abc", "minutes", "Choose a session of 20 to 60 minutes"),
        ("minutes=", "minutes", "Choose a session of 20 to 60 minutes"),
        ("weeks=2", "weeks", "Plan for 4 to 16 weeks."),
        ("sessions=7", "sessions", "Choose 2 to 4 sessions a week"),
        ("jog=61", "jog", "Choose a jog from the list"),
        ("walk=1000", "walk", "Choose a walk from the list"),
        ("increase=50", "increase", "more than 20 percent a week isn't gentle"),
    ],
)
def test_a_bad_setting_is_explained_at_its_field_with_the_input_kept(client, query, field, message):
    response = client.get(f"{PLAN}?{query}")

    body = response.content.decode()
    value = query.split("=", 1)[1]
    assert response.status_code == 200
    errors = re.search(rf'<div class="field__errors" id="id_{field}_error">(.*?)</div>', body, re.S)
    assert errors, f"no errors shown for {field}"
    assert message in html.unescape(errors.group(1))
    widget = re.search(rf"<(input|select)[^>]*name=\"{field}\"[^>]*>", body).group(0)
    assert 'aria-invalid="true"' in widget
    assert f"id_{field}_error" in widget
    if field in ("minutes", "weeks", "sessions"):
        assert f'value="{value}"' in widget or value == ""
    assert 'id="plan"' not in body  # no plan from settings that don't work


def test_a_plan_page_is_served_from_the_page_cache_only_at_its_own_address(client):
    canonical = f"{PLAN}?{QUERY}"
    reordered = f"{PLAN}?walk=120&jog=60&minutes=30&weeks=8&sessions=3&increase=10"

    assert client.get(canonical)["X-Page-Cache"] == "miss"
    assert client.get(canonical)["X-Page-Cache"] == "hit"
    # The same plan at another address, or a broken one, is rendered for that visitor alone:
    # made-up addresses never fill the shared cache.
    for address in (reordered, f"{PLAN}?minutes=abc", f"{PLAN}?{QUERY}&utm_source=x"):
        first, again = client.get(address), client.get(address)
        assert "private" in again["Cache-Control"]
        assert "X-Page-Cache" not in again
        assert first.status_code == again.status_code == 200


def test_the_printed_page_is_just_the_plan_with_or_without_javascript(client):
    response = client.get(PLAN)
    body = response.content.decode()

    # The button appears only where the script can make it work...
    assert re.search(r'<button type="button" class="button--quiet" data-print hidden>', body)
    assert re.search(r'<script src="/static/js/print\.js" defer></script>', body)
    # ...and the print styles, in the one stylesheet, leave out all but the plan.
    assert '<link rel="stylesheet" href="/static/css/site.css">' in body
    css = Path(finders.find("css/site.css")).read_text()
    block = css[css.index("/* --- /start/: plan builder and timer --- */") :]
    print_rules = block[block.index("@media print") :]
    for hidden in (".page-start .site-header", ".start-form", ".plan-save", ".plan__actions"):
        assert hidden in print_rules
    assert "break-inside: avoid" in print_rules


def test_pages_carry_no_inline_script_or_style(client, member):
    GoalFactory(member=member)
    client.force_login(member)
    for address in (PLAN, f"{TIMER}?{QUERY}&week=3", GOAL_PAGE):
        body = client.get(address).content.decode()
        assert " style=" not in body
        assert "<style" not in body
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag or 'type="application/ld+json"' in tag, tag


def test_the_main_navigation_leads_to_the_builder(client):
    body = client.get(reverse("home")).content.decode()
    here = client.get(PLAN).content.decode()

    assert f'<a href="{PLAN}">Start gently</a>' in body
    assert f'<a href="{PLAN}" aria-current="page">Start gently</a>' in here


# --- The timer -----------------------------------------------------------------------------------


def test_the_timer_page_lists_the_weeks_intervals_readable_without_javascript(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(f"{TIMER}?{QUERY}&week=2")

    body = response.content.decode()
    items = re.findall(
        r'<li class="interval interval--([\w-]+)" data-kind="\1" data-seconds="(\d+)"', body
    )
    assert response.status_code == 200
    assert [kind for kind, _ in items] == ["warm-up"] + ["jog", "walk"] * 6 + ["jog", "cool-down"]
    assert [int(seconds) for kind, seconds in items if kind == "jog"] == [65] * 7
    assert "Warm-up walk 5 min" in text_of(response)
    assert '<meta name="robots" content="noindex">' in body
    # The controls show only once the script runs; the list reads fine without it.
    assert re.search(r'<div class="timer__panel" data-timer-panel hidden>', body)
    assert re.search(r'<button type="button" data-timer-toggle>Start</button>', body)
    assert 'role="status" data-timer-now' in body
    assert '<script src="/static/js/timer.js" defer></script>' in body
    assert f'data-sw="{reverse("start:service-worker")}"' in body
    assert 'week=2" aria-current="page">Week 2</a>' in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_timer_is_cached_for_visitors_at_its_own_address(client):
    address = f"{TIMER}?{QUERY}&week=1"

    assert client.get(address)["X-Page-Cache"] == "miss"
    assert client.get(address)["X-Page-Cache"] == "hit"
    assert "private" in client.get(f"{TIMER}?{QUERY}")["Cache-Control"]


@pytest.mark.parametrize("week", ["0", "9", "x", "-1"])
def test_a_week_the_plan_does_not_have_is_not_found(client, week):
    assert client.get(f"{TIMER}?{QUERY}&week={week}").status_code == 404


def test_a_broken_timer_link_says_so_and_leads_back_to_the_builder(client):
    response = client.get(f"{TIMER}?jog=60&walk=120&minutes=5&weeks=8&sessions=3&increase=10")

    assert response.status_code == 400
    assert "Choose a session of 20 to 60 minutes" in text_of(response)
    fix = re.search(r'href="([^"]+)#plan-form">Fix the settings', response.content.decode())
    assert parse_qs(urlsplit(fix.group(1).replace("&amp;", "&")).query)["minutes"] == ["5"]


def test_the_service_worker_is_served_from_start_with_its_scope_and_headers(client):
    response = client.get(reverse("start:service-worker"))

    script = response.content.decode()
    assert reverse("start:service-worker") == "/start/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert '"/static/css/site.css"' in script
    assert '"/static/js/timer.js"' in script
    assert f'const TIMER = "{TIMER}";' in script
    assert "caches.match(request" in script


def test_the_service_worker_names_the_hashed_assets_production_serves(
    client, settings, collected_static
):
    settings.STATIC_ROOT, settings.STORAGES = collected_static
    manifest = json.loads((collected_static[0] / "staticfiles.json").read_text())["paths"]

    script = client.get(reverse("start:service-worker")).content.decode()

    for name in ("js/timer.js", "css/site.css", "img/favicon.svg"):
        assert manifest[name] != name
        assert f'"/static/{manifest[name]}"' in script


# --- Saving a plan to a goal ---------------------------------------------------------------------


def test_visitors_are_invited_to_sign_in_to_save_the_plan(client):
    body = client.get(f"{PLAN}?{QUERY}").content.decode()

    link = re.search(r'<a href="([^"]+)">Sign in to save this plan to your goal</a>', body)
    assert link
    assert urlsplit(link.group(1)).path == reverse("account_login")
    assert parse_qs(urlsplit(link.group(1)).query)["next"] == [f"{PLAN}?{QUERY}"]
    assert "csrfmiddlewaretoken" not in body  # nothing personal on a page others are served


def test_a_visitor_posting_a_plan_is_sent_to_sign_in_and_nothing_is_saved(client, member):
    goal = GoalFactory(member=member)

    response = client.post(SAVE, DEFAULT.as_query())

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    goal.refresh_from_db()
    assert goal.plan is None


def test_a_member_saves_the_plan_to_their_goal_and_sees_this_weeks_session(client, member):
    goal = GoalFactory(member=member)
    client.force_login(member)
    params = PlanParams(jog_seconds=90, walk_seconds=90, weeks=10)

    page = text_of(client.get(f"{PLAN}?{params.query_string}"))
    assert "Save it to your goal “A feel-good 5K”" in page
    response = client.post(SAVE, params.as_query())

    assert response.status_code == 302
    assert response["Location"] == f"{GOAL_PAGE}#run-walk-plan"
    assert messages_of(response) == ["Your plan is saved to your goal “A feel-good 5K”."]
    goal.refresh_from_db()
    assert goal.plan["jog_seconds"] == 90
    assert goal.plan["started_on"] == timezone.localdate().isoformat()

    goal_page = client.get(GOAL_PAGE)
    body, shown = goal_page.content.decode(), text_of(goal_page)
    assert "This week's run-walk sessions" in shown
    assert "Week 1 of 10 of your plan" in shown
    assert "Jog 1 min 30 s, 7 times, with 1 min 30 s walks between" in shown
    assert f"{TIMER}?{params.query_string.replace('&', '&amp;')}&amp;week=1" in body
    assert "This plan is saved to your goal" in text_of(client.get(f"{PLAN}?{params.query_string}"))


def test_a_plan_saved_weeks_ago_shows_the_week_the_member_is_in(client, member):
    started = timezone.localdate() - timedelta(days=15)
    GoalFactory(member=member, plan={**asdict(DEFAULT), "started_on": started.isoformat()})
    client.force_login(member)

    shown = text_of(client.get(GOAL_PAGE))

    assert "Week 3 of 8 of your plan" in shown
    assert "Open the timer for week 3" in shown


def test_a_member_without_a_goal_is_told_to_set_one_and_the_plan_is_kept_for_it(client, member):
    client.force_login(member)
    params = PlanParams(weeks=6)

    page = text_of(client.get(f"{PLAN}?{params.query_string}"))
    assert "You have no goal set yet." in page
    response = client.post(SAVE, params.as_query())

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('community:goal-create')}?preset=5k"
    assert messages_of(response) == [
        "Set your goal first. Your plan is kept: once the goal is set, save the plan to it "
        "from your goal page."
    ]
    assert client.session[PENDING_SESSION_KEY]["weeks"] == 6
    assert not Goal.objects.exists()

    # Once the goal is set, its page offers the plan that was kept.
    goal = GoalFactory(member=member)
    body = client.get(GOAL_PAGE).content.decode()
    assert "You built a 6-week plan that starts with 1 min jogs and 2 min walks." in text_of(
        client.get(GOAL_PAGE)
    )
    assert 'name="weeks" value="6"' in body
    client.post(SAVE, params.as_query())
    goal.refresh_from_db()
    assert goal.plan["weeks"] == 6
    assert PENDING_SESSION_KEY not in client.session


def test_a_plan_with_bad_settings_is_not_saved_and_the_builder_says_why(client, member):
    goal = GoalFactory(member=member)
    client.force_login(member)

    response = client.post(SAVE, {**DEFAULT.as_query(), "minutes": "600", "walk": "7"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == PLAN
    assert location.fragment == "plan-form"
    assert parse_qs(location.query)["minutes"] == ["600"]
    assert messages_of(response) == [
        "Your plan wasn't saved: some of its settings need a look. They're marked below."
    ]
    goal.refresh_from_db()
    assert goal.plan is None
    body = client.get(f"{location.path}?{location.query}").content.decode()
    assert 'id="id_minutes_error"' in body
    assert 'id="id_walk_error"' in body


def test_a_member_over_the_rate_limit_is_told_and_nothing_changes(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "goal": (1, 3600)}
    goal = GoalFactory(member=member)
    client.force_login(member)
    client.post(SAVE, DEFAULT.as_query())

    response = client.post(SAVE, PlanParams(weeks=4).as_query())

    assert "1 changes to your goal within the hour" in messages_of(response)[-1]
    goal.refresh_from_db()
    assert goal.plan["weeks"] == 8


def test_saving_needs_the_csrf_token(member):
    goal = GoalFactory(member=member)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)

    response = browser.post(SAVE, DEFAULT.as_query())

    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.plan is None


def test_a_member_takes_the_plan_off_their_goal(client, member):
    goal = GoalFactory(member=member)
    client.force_login(member)
    client.post(SAVE, DEFAULT.as_query())

    response = client.post(REMOVE)

    assert response["Location"] == GOAL_PAGE
    goal.refresh_from_db()
    assert goal.plan is None
    assert "Make a gentle run-walk plan" in text_of(client.get(GOAL_PAGE))


def test_saving_and_removing_answer_only_posts(client, member):
    client.force_login(member)

    assert client.get(SAVE).status_code == 405
    assert client.get(REMOVE).status_code == 405


# --- Query budgets -------------------------------------------------------------------------------


def test_a_members_builder_reads_only_their_active_goal(
    client, member, django_user_model, django_assert_num_queries
):
    GoalFactory(member=member)
    other = django_user_model.objects.create_user(username="otto", email="otto@example.com")
    GoalFactory(member=other)
    client.force_login(member)

    # session, user, active goal
    with django_assert_num_queries(3):
        response = client.get(f"{PLAN}?{QUERY}")
    # session, user
    with django_assert_num_queries(2):
        client.get(f"{TIMER}?{QUERY}&week=1")

    assert "private" in response["Cache-Control"]


def test_the_goal_page_reads_no_rows_for_the_plan(client, member, django_assert_num_queries):
    GoalFactory(member=member)
    client.force_login(member)
    client.post(SAVE, DEFAULT.as_query())

    # session, user, active goal, its updates, past goals, reminder preference: as without a plan
    with django_assert_num_queries(6):
        response = client.get(GOAL_PAGE)

    assert "This week's run-walk sessions" in text_of(response)


def test_the_builder_keeps_within_the_cached_page_rules(client, settings):
    """Nothing on the anonymous page sets a cookie, so the page cache may keep it."""
    response = client.get(PLAN)

    assert not response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
