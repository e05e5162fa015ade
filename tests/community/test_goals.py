import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.forms import BOT_MESSAGE
from community.models import Goal, GoalUpdate, Profile
from community.services import goals as goal_services
from newsletter.services import suppression
from tests.community.factories import GoalFactory, GoalUpdateFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('boo')</script>"
DETAIL = reverse("community:goal-detail")
LOGIN = reverse("account_login")


@pytest.fixture
def other():
    return UserFactory(username="otto")


def opt_in(user, **fields) -> Profile:
    values = {"display_name": user.username, "goal_reminders": True, **fields}
    return ProfileFactory(user=user, **values)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def goal_data(human, **fields) -> dict:
    target = timezone.localdate() + timedelta(days=90)
    return {
        "preset": "own",
        "title": "Run to the lighthouse",
        "why": "The sea air clears my head.",
        "target_on": target.isoformat(),
        **human,
        **fields,
    }


def update_data(human, **fields) -> dict:
    return {
        "month": this_month().isoformat(),
        "note": "Three slow runs and one long walk by the river.",
        "mood": "4",
        "sleep": "3",
        **human,
        **fields,
    }


def in_page(response, text: str) -> bool:
    return escape(text) in response.content.decode()


# --- Setting a goal ------------------------------------------------------------------------------


def test_a_member_sets_a_preset_goal_and_its_title_defaults_to_the_preset_name(
    client, member, human
):
    client.force_login(member)

    response = client.post(
        reverse("community:goal-create"),
        goal_data(human, preset="sleep", title="", why=""),
        follow=True,
    )

    goal = Goal.objects.get(member=member)
    assert (goal.preset, goal.title, goal.is_active) == ("sleep", "Better sleep", True)
    assert response.redirect_chain[-1][0] == DETAIL
    assert in_page(response, "Your goal is set.")
    assert "<h1>Better sleep</h1>" in response.content.decode()


def test_a_member_sets_their_own_goal_with_a_title_and_a_target_date(client, member, human):
    client.force_login(member)
    target = timezone.localdate() + timedelta(days=200)

    response = client.post(
        reverse("community:goal-create"), goal_data(human, target_on=target.isoformat())
    )

    assert response.status_code == 302
    goal = Goal.objects.get(member=member)
    assert (goal.preset, goal.title, goal.target_on) == ("own", "Run to the lighthouse", target)
    page = client.get(DETAIL)
    assert "200 days to go" in page.content.decode()
    assert in_page(page, "The sea air clears my head.")


def test_the_goals_page_without_a_goal_offers_the_three_presets(client, member):
    client.force_login(member)

    response = client.get(DETAIL)

    body = response.content.decode()
    for preset in ("5k", "mornings", "sleep", "own"):
        assert f"{reverse('community:goal-create')}?preset={preset}" in body
    assert in_page(response, "A feel-good 5K")
    assert 'name="robots" content="noindex"' in body


def test_a_second_goal_replaces_the_active_one_and_the_first_becomes_a_past_goal(
    client, member, human
):
    first = GoalFactory(member=member, title="Calmer mornings", preset="mornings")
    GoalUpdateFactory(goal=first, month=this_month())
    client.force_login(member)

    client.post(reverse("community:goal-create"), goal_data(human, title="Run to the lighthouse"))

    first.refresh_from_db()
    active = Goal.objects.get(member=member, is_active=True)
    assert not first.is_active
    assert active.title == "Run to the lighthouse"
    assert first.updates.count() == 1
    page = client.get(DETAIL).content.decode()
    assert "Past goals" in page
    assert "Calmer mornings" in page


def test_an_own_goal_without_a_title_asks_for_one_and_saves_nothing(client, member, human):
    client.force_login(member)

    response = client.post(
        reverse("community:goal-create"), goal_data(human, title="", why="Because I can.")
    )

    assert response.status_code == 200
    assert in_page(response, "Give your own goal a short title.")
    assert in_page(response, "Because I can.")
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-3, "Pick a target date after today"),
        (0, "Pick a target date after today"),
        (18 * 31 + 10, "Pick a target date within 18 months"),
    ],
)
def test_a_target_date_in_the_past_or_too_far_ahead_is_refused_with_the_text_kept(
    client, member, human, days, message
):
    client.force_login(member)
    target = timezone.localdate() + timedelta(days=days)

    response = client.post(
        reverse("community:goal-create"), goal_data(human, target_on=target.isoformat())
    )

    assert response.status_code == 200
    assert in_page(response, message)
    assert in_page(response, "Run to the lighthouse")
    assert in_page(response, "The sea air clears my head.")
    assert not Goal.objects.exists()


def test_editing_a_goal_whose_date_has_passed_keeps_working_for_the_title(client, member, human):
    goal = GoalFactory(member=member, target_on=timezone.localdate() - timedelta(days=5))
    client.force_login(member)

    response = client.post(
        reverse("community:goal-update", args=[goal.pk]),
        goal_data(human, preset="5k", title="A kinder 5K", target_on=goal.target_on.isoformat()),
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "A kinder 5K"


def test_editing_a_goal_to_a_past_date_is_refused_and_nothing_changes(client, member, human):
    goal = GoalFactory(member=member)
    client.force_login(member)

    response = client.post(
        reverse("community:goal-update", args=[goal.pk]),
        goal_data(human, title="Changed", target_on="2001-01-01"),
    )

    assert in_page(response, "Pick a target date after today")
    assert in_page(response, "Changed")
    goal.refresh_from_db()
    assert goal.title == "A feel-good 5K"


# --- Monthly updates -----------------------------------------------------------------------------


def test_a_member_posts_a_monthly_update_that_shows_on_the_timeline(client, member, human):
    goal = GoalFactory(member=member)
    client.force_login(member)

    response = client.post(
        reverse("community:goalupdate-create"),
        update_data(human, note="Ran *twice* without stopping."),
        follow=True,
    )

    update = GoalUpdate.objects.get(goal=goal)
    assert (update.month, update.mood, update.sleep) == (this_month(), 4, 3)
    body = response.content.decode()
    assert "Your update is posted." in body
    assert "Ran <em>twice</em> without stopping." in body
    assert f"{this_month():%B %Y}" in body


def test_ratings_are_optional_in_an_update(client, member, human):
    goal = GoalFactory(member=member)
    client.force_login(member)

    client.post(reverse("community:goalupdate-create"), update_data(human, mood="", sleep=""))

    update = GoalUpdate.objects.get(goal=goal)
    assert (update.mood, update.sleep) == (None, None)


def test_an_update_without_a_note_is_refused_with_a_clear_message(client, member, human):
    GoalFactory(member=member)
    client.force_login(member)

    response = client.post(reverse("community:goalupdate-create"), update_data(human, note=""))

    assert response.status_code == 200
    assert in_page(response, "Write a few words about your month — the note can't be empty.")
    assert not GoalUpdate.objects.exists()


def test_a_mood_of_7_is_refused_with_the_note_kept(client, member, human):
    GoalFactory(member=member)
    client.force_login(member)

    response = client.post(reverse("community:goalupdate-create"), update_data(human, mood="7"))

    assert response.status_code == 200
    assert in_page(response, "Rate your mood from 1 (low) to 5 (great), or leave it.")
    assert in_page(response, "Three slow runs and one long walk by the river.")
    assert not GoalUpdate.objects.exists()


def test_a_month_outside_the_last_twelve_is_refused(client, member, human):
    GoalFactory(member=member)
    client.force_login(member)

    response = client.post(
        reverse("community:goalupdate-create"), update_data(human, month="2001-01-01")
    )

    assert in_page(response, "Choose one of the last 12 months.")
    assert not GoalUpdate.objects.exists()


def test_a_second_update_for_the_same_month_is_refused_and_points_to_editing_the_first(
    client, member, human
):
    goal = GoalFactory(member=member)
    first = GoalUpdateFactory(goal=goal, month=this_month(), note="The first note.")
    client.force_login(member)

    response = client.post(
        reverse("community:goalupdate-create"), update_data(human, note="A second try.")
    )

    assert response.status_code == 200
    assert in_page(response, f"You already posted an update for {this_month():%B %Y}.")
    assert reverse("community:goalupdate-update", args=[first.pk]) in response.content.decode()
    assert in_page(response, "A second try.")
    assert list(GoalUpdate.objects.values_list("note", flat=True)) == ["The first note."]


def test_moving_an_update_onto_a_month_that_has_one_is_refused(client, member, human):
    goal = GoalFactory(member=member)
    months = goal_services.recent_months()
    GoalUpdateFactory(goal=goal, month=months[0], note="This month.")
    earlier = GoalUpdateFactory(goal=goal, month=months[1], note="Last month.")
    client.force_login(member)

    response = client.post(
        reverse("community:goalupdate-update", args=[earlier.pk]),
        update_data(human, month=months[0].isoformat(), note="Edited text."),
    )

    assert in_page(response, "You already posted an update for")
    assert in_page(response, "Edited text.")
    earlier.refresh_from_db()
    assert (earlier.month, earlier.note) == (months[1], "Last month.")


def test_a_member_edits_and_then_deletes_their_update(client, member, human):
    goal = GoalFactory(member=member)
    update = GoalUpdateFactory(goal=goal, month=this_month(), note="Before.", mood=2)
    client.force_login(member)
    edit_url = reverse("community:goalupdate-update", args=[update.pk])
    delete_url = reverse("community:goalupdate-delete", args=[update.pk])

    assert in_page(client.get(edit_url), "Before.")
    client.post(edit_url, update_data(human, note="After.", mood="5", sleep=""))
    update.refresh_from_db()
    assert (update.note, update.mood, update.sleep) == ("After.", 5, None)

    assert "Delete my" in client.get(delete_url).content.decode()
    assert GoalUpdate.objects.filter(pk=update.pk).exists()
    response = client.post(delete_url, follow=True)
    assert not GoalUpdate.objects.filter(pk=update.pk).exists()
    assert in_page(response, f"Your update for {this_month():%B %Y} is deleted.")


def test_posting_an_update_without_a_goal_leads_to_setting_one(client, member, human):
    client.force_login(member)

    response = client.post(reverse("community:goalupdate-create"), update_data(human))

    assert response.url == reverse("community:goal-create")
    assert not GoalUpdate.objects.exists()


# --- Bots, limits, strangers and visitors ------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data"),
    [("community:goal-create", goal_data), ("community:goalupdate-create", update_data)],
)
def test_a_filled_honeypot_is_refused_with_the_text_kept(client, member, human, url_name, data):
    GoalFactory(member=member, title="Existing goal")
    client.force_login(member)

    response = client.post(reverse(url_name), data(human, website="http://spam.example"))

    assert response.status_code == 200
    assert in_page(response, BOT_MESSAGE)
    assert in_page(response, "Run to the lighthouse" if data is goal_data else "long walk")
    assert Goal.objects.count() == 1
    assert not GoalUpdate.objects.exists()


def test_the_rate_limit_message_is_shown_with_the_members_text_kept(
    client, member, human, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "goal": (1, 3600)}
    goal = goal_services.set_goal(
        member=member,
        preset="5k",
        title="",
        why="",
        target_on=timezone.localdate() + timedelta(days=60),
    )
    client.force_login(member)

    response = client.post(
        reverse("community:goalupdate-create"), update_data(human, note="Kept, not lost.")
    )

    assert response.status_code == 200
    assert in_page(response, "You have reached the limit of 1 in 60 minutes.")
    assert in_page(response, "Kept, not lost.")
    assert not goal.updates.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", ["goal-update", "goalupdate-update", "goalupdate-delete"])
def test_another_members_goal_or_update_answers_404_and_stays_as_it_was(
    client, member, other, human, method, url_name
):
    goal = GoalFactory(member=other, title="Otto's goal")
    update = GoalUpdateFactory(goal=goal, month=this_month(), note="Otto's note.")
    GoalFactory(member=member)
    client.force_login(member)
    pk = goal.pk if url_name == "goal-update" else update.pk
    data = (
        goal_data(human, title="Hijacked")
        if url_name == "goal-update"
        else update_data(human, note="Hijacked")
    )

    response = getattr(client, method)(reverse(f"community:{url_name}", args=[pk]), data)

    assert response.status_code == 404
    goal.refresh_from_db()
    update.refresh_from_db()
    assert (goal.title, update.note) == ("Otto's goal", "Otto's note.")


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("url_name", "needs_pk"),
    [
        ("goal-detail", None),
        ("goal-create", None),
        ("goal-update", "goal"),
        ("goalupdate-create", None),
        ("goalupdate-update", "update"),
        ("goalupdate-delete", "update"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_saved(
    client, member, human, method, url_name, needs_pk
):
    goal = GoalFactory(member=member)
    update = GoalUpdateFactory(goal=goal, month=this_month(), note="Mine.")
    args = {"goal": [goal.pk], "update": [update.pk], None: []}[needs_pk]
    url = reverse(f"community:{url_name}", args=args)

    response = getattr(client, method)(url, {**goal_data(human), **update_data(human)})

    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=")
    assert Goal.objects.count() == 1
    assert list(GoalUpdate.objects.values_list("note", flat=True)) == ["Mine."]


# --- Inert user text -----------------------------------------------------------------------------


def test_script_in_the_title_why_and_note_is_shown_as_text_on_every_goal_page(
    client, member, human
):
    client.force_login(member)
    client.post(
        reverse("community:goal-create"),
        goal_data(human, title=SCRIPT, why=f"Why {SCRIPT}"),
    )
    client.post(reverse("community:goalupdate-create"), update_data(human, note=f"Note {SCRIPT}"))
    update = GoalUpdate.objects.get()

    pages = [
        DETAIL,
        reverse("community:goal-update", args=[update.goal_id]),
        reverse("community:goalupdate-create"),
        reverse("community:goalupdate-update", args=[update.pk]),
        reverse("community:goalupdate-delete", args=[update.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;alert" in body, url


# --- The chart -----------------------------------------------------------------------------------


def test_the_chart_draws_a_point_for_each_rating_with_text_alternatives(client, member):
    goal = GoalFactory(member=member)
    months = goal_services.recent_months()
    GoalUpdateFactory(goal=goal, month=months[2], mood=2, sleep=3)
    GoalUpdateFactory(goal=goal, month=months[1], mood=4)
    GoalUpdateFactory(goal=goal, month=months[0], mood=5, sleep=4)
    client.force_login(member)

    body = client.get(DETAIL).content.decode()

    svg = re.search(r"<svg viewBox.*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="goal-chart-title goal-chart-desc"' in svg
    assert '<title id="goal-chart-title">' in svg
    assert svg.count("<circle") == 3  # mood
    assert svg.count("<rect") == 2  # sleep
    assert svg.count("<polyline") == 2
    assert 'class="visually-hidden"' in body
    assert f'<th scope="row">{months[1]:%B %Y}</th>' in body
    assert "not rated" in body


def test_the_chart_is_replaced_by_a_note_until_there_are_ratings(client, member):
    goal = GoalFactory(member=member)
    GoalUpdateFactory(goal=goal, month=this_month())
    client.force_login(member)

    body = client.get(DETAIL).content.decode()

    assert "<svg viewBox" not in body
    assert "a small chart of them grows here" in body


def test_ratings_chart_places_ratings_on_a_one_to_five_scale_by_month():
    months = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)]
    updates = [
        GoalUpdate(month=months[0], mood=1, sleep=None),
        GoalUpdate(month=months[1], mood=5, sleep=3),
        GoalUpdate(month=months[2], mood=3, sleep=3),
    ]

    chart = goal_services.ratings_chart(updates)

    mood, sleep = chart["series"]
    xs = [point["x"] for point in mood["points"]]
    assert xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[1]) / 2, abs=0.2)  # March was skipped
    assert mood["points"][0]["y"] == chart["bottom"]
    assert mood["points"][1]["y"] == chart["top"]
    assert len(sleep["points"]) == 2
    assert sleep["polyline"].count(",") == 2
    assert [label["text"] for label in chart["labels"]] == ["Jan 2025", "Feb", "Apr"]
    assert chart["summary"].startswith("Mood out of 5 — January 2025: 1; February 2025: 5;")


# --- Query budget --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 12])
def test_the_goals_page_costs_the_same_queries_with_1_or_12_updates(
    client, member, other, django_assert_num_queries, count
):
    goal = GoalFactory(member=member)
    for month in goal_services.recent_months()[:count]:
        GoalUpdateFactory(goal=goal, month=month, mood=3, sleep=4)
    GoalFactory(member=member, title="An old goal", is_active=False)
    GoalUpdateFactory(
        goal=goal, month=date(2001, 1, 1)
    )  # an older month, outside the form's choices
    opt_in(member)
    GoalFactory(member=other)  # someone else's goal is never read
    client.force_login(member)

    # session, user, active goal, its updates, past goals, reminder preference
    with django_assert_num_queries(6):
        response = client.get(DETAIL)

    assert response.status_code == 200
    assert response.content.decode().count('class="goal-timeline__item"') == count + 1


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_go_to_opted_in_members_with_an_active_goal_only(member, other, mailoutbox):
    opt_in(member, display_name="Mira")
    GoalFactory(member=member, title="Calmer mornings")
    opt_in(other)  # opted in, but no active goal
    GoalFactory(member=other, is_active=False)
    quiet = UserFactory(username="quinn", email="q@example.com")
    ProfileFactory(user=quiet, display_name="Quinn", goal_reminders=False)
    GoalFactory(member=quiet)
    GoalFactory(member=UserFactory(username="np", email="np@example.com"))

    sent = goal_services.send_goal_reminders()

    assert sent == 1
    assert [mail.to for mail in mailoutbox] == [["mira@example.com"]]
    mail = mailoutbox[0]
    html = mail.alternatives[0][0]
    assert "http://testserver/community/goals/" in mail.body
    assert 'href="http://testserver/community/goals/"' in html
    assert "http://testserver/accounts/profile/" in mail.body
    assert "To turn them off" in mail.body and "To turn them off" in html
    assert "Hello Mira" in mail.body
    assert "Calmer mornings" in mail.body
    assert Profile.objects.get(user=member).last_goal_reminder_on == timezone.localdate()


def test_no_reminder_goes_to_a_suppressed_address(member, other, mailoutbox):
    opt_in(member)
    GoalFactory(member=member)
    opt_in(other)
    GoalFactory(member=other)
    suppression.mark_bounced(email=other.email, detail="Postmark: hard bounce")

    assert goal_services.send_goal_reminders() == 1

    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert Profile.objects.get(user=other).last_goal_reminder_on is None


def test_reminders_are_sent_once_a_month_and_again_the_next_month(member, mailoutbox):
    opt_in(member)
    GoalFactory(member=member, target_on=date(2030, 1, 1))

    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        assert goal_services.send_goal_reminders() == 1
        assert goal_services.send_goal_reminders() == 0
    with time_machine.travel(datetime(2026, 3, 30, 9, tzinfo=UTC), tick=False):
        assert goal_services.send_goal_reminders() == 0
    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        assert goal_services.send_goal_reminders() == 1

    assert len(mailoutbox) == 2
    assert Profile.objects.get(user=member).last_goal_reminder_on == date(2026, 4, 1)


def test_a_failed_reminder_gives_the_month_back_for_the_next_run(member, mailoutbox, monkeypatch):
    opt_in(member)
    GoalFactory(member=member)

    def broken(**kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr(goal_services, "_send_reminder", broken)
    assert goal_services.send_goal_reminders() == 0
    assert Profile.objects.get(user=member).last_goal_reminder_on is None
    monkeypatch.undo()

    assert goal_services.send_goal_reminders() == 1
    assert len(mailoutbox) == 1


def test_script_in_the_goal_title_is_inert_in_the_reminder_email(member, mailoutbox):
    opt_in(member, display_name=f"Mira {SCRIPT}")
    GoalFactory(member=member, title=SCRIPT)

    goal_services.send_goal_reminders()

    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert" in html
    assert "<script>" not in mailoutbox[0].subject
