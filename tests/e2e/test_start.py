import re
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.signals import request_started
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Goal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-gentle-passphrase"
MORNING = datetime(2025, 6, 2, 7, 0)


@pytest.fixture
def runner(django_user_model):
    """A member who has verified their address and set a goal."""
    user = django_user_model.objects.create_user(
        username="ren", email="ren@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Goal.objects.create(
        member=user, title="A feel-good 5K", target_on=timezone.localdate() + timedelta(days=90)
    )
    return user


@pytest.fixture
def server_hits():
    """The paths of the requests the live server answers, to tell a page it served from one a
    service worker kept."""
    paths = []

    def record(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(record, weak=False)
    yield paths
    request_started.disconnect(record)


def wait_until_kept_offline(page, seconds=10):
    """Until the service worker has kept this page (wait_for_function would not await this)."""
    kept = "async () => !!(await caches.match(location.href, { ignoreVary: true }))"
    for _ in range(seconds * 10):
        if page.evaluate(kept):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker did not keep {page.url} for offline use")


def test_a_beginner_builds_a_plan_times_a_session_offline_and_saves_it_to_their_goal(
    live_server, page, runner, server_hits
):
    # The timer counts from timestamps: a controlled clock lets the test skip whole minutes.
    page.clock.install(time=MORNING)

    page.goto(live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Start gently").click()
    page.wait_for_url("**/start/")
    page.get_by_label("Then walk for").select_option(label="1 min 30 s")
    page.get_by_label("Session length in minutes").fill("25")
    page.get_by_label("Number of weeks").fill("6")
    page.get_by_role("button", name="Show my plan").click()
    page.wait_for_url(re.compile(r"/start/\?jog=60&walk=90&minutes=25&weeks=6&"))
    expect(page.get_by_role("heading", name="Your 6-week run-walk plan")).to_be_visible()
    expect(page.locator(".plan-weeks > li")).to_have_count(6)
    expect(page.get_by_role("button", name="Print this plan")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to save this plan to your goal")).to_be_visible()
    page.shot("plan")
    plan_url = page.url

    # The timer: the list is on the page; the script turns it into a timer.
    page.get_by_role("link", name="Open the timer for week 1").click()
    page.wait_for_url("**/start/timer/?*week=1")
    steps = page.locator(".timer__intervals > li")
    expect(steps).to_have_count(13)  # warm-up, 6 jogs with 5 walks between, cool-down
    status, clock = page.get_by_role("status"), page.locator("[data-timer-clock]")
    expect(clock).to_have_text("5:00")
    page.clock.pause_at(MORNING + timedelta(minutes=5))
    # No moving progress bar for those who ask for less motion.
    page.emulate_media(reduced_motion="reduce")
    expect(page.locator("progress")).to_be_hidden()
    page.emulate_media(reduced_motion="no-preference")
    expect(page.locator("progress")).to_be_visible()

    page.get_by_role("button", name="Start").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Warm-up walk 5 min (1 of 13)")
    page.clock.run_for("00:10")
    expect(clock).to_have_text("4:50")
    page.clock.run_for("04:50")
    expect(status).to_have_text("Jog 1 min (2 of 13)")
    expect(clock).to_have_text("1:00")
    expect(page.locator('[aria-current="step"]')).to_have_text(re.compile(r"Jog\s+1 min"))
    page.clock.run_for("01:00")
    expect(status).to_have_text("Walk 1 min 30 s (3 of 13)")
    page.get_by_role("button", name="Pause").click()
    expect(status).to_have_text("Paused: Walk 1 min 30 s")
    page.shot("timer-paused")
    page.get_by_role("button", name="Reset").click()
    expect(clock).to_have_text("5:00")

    # Once loaded, the timer works offline: the service worker answers from what it kept.
    wait_until_kept_offline(page)
    page.context.set_offline(True)
    served_before = len(server_hits)
    page.reload()
    expect(page.get_by_role("heading", name="Week 1 of 6")).to_be_visible()
    expect(steps).to_have_count(13)
    page.get_by_role("button", name="Start").click()
    expect(status).to_have_text("Warm-up walk 5 min (1 of 13)")
    page.clock.run_for("23:30")
    expect(status).to_have_text("Done. Well done: that's the whole session.")
    expect(page.get_by_role("button", name="Start again")).to_be_visible()
    page.shot("timer-offline-done")
    assert server_hits[served_before:] == []
    page.context.set_offline(False)

    # A member keeps the plan on their goal.
    page.goto(plan_url)
    page.get_by_role("link", name="Sign in to save this plan to your goal").click()
    page.get_by_label("Email").fill(runner.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/start/\?jog=60"))
    page.get_by_role("button", name="Save this plan to my goal").click()
    page.wait_for_url("**/community/goals/#run-walk-plan")
    expect(page.get_by_text("Your plan is saved to your goal “A feel-good 5K”.")).to_be_visible()
    section = page.locator("#run-walk-plan")
    expect(section.get_by_role("heading", name="This week's run-walk sessions")).to_be_visible()
    expect(section).to_contain_text("Week 1 of 6 of your plan")
    expect(section.get_by_role("link", name="Open the timer for week 1")).to_be_visible()
    page.shot("goal")

    plan = Goal.objects.get(member=runner).plan
    assert (plan["walk_seconds"], plan["session_minutes"], plan["weeks"]) == (90, 25, 6)
