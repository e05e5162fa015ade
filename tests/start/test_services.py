import itertools
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.ratelimit import RateLimited
from community.models import Goal
from start import services
from start.services import (
    COOL_DOWN_SECONDS,
    INCREASE_CHOICES,
    JOG_CHOICES,
    WALK_CHOICES,
    WALK_FLOOR_SECONDS,
    WARM_UP_SECONDS,
    NoActiveGoal,
    PlanParams,
    build_plan,
    format_duration,
)

DEFAULT = PlanParams()


def jogging(plan) -> list[int]:
    return [week.session.jogging_seconds for week in plan.weeks]


# --- Durations and parameters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(30, "30 s"), (60, "1 min"), (90, "1 min 30 s"), (65, "1 min 5 s"), (1200, "20 min")],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert format_duration(seconds) == text


def test_the_defaults_suit_a_beginner():
    assert DEFAULT.as_query() == {
        "jog": 60,
        "walk": 120,
        "minutes": 30,
        "weeks": 8,
        "sessions": 3,
        "increase": 10,
    }
    assert DEFAULT.query_string == "jog=60&walk=120&minutes=30&weeks=8&sessions=3&increase=10"


@pytest.mark.parametrize(
    "fields",
    [
        {"session_minutes": 20, "weeks": 4, "sessions_per_week": 2, "weekly_increase_percent": 5},
        {"session_minutes": 60, "weeks": 16, "sessions_per_week": 4, "weekly_increase_percent": 20},
        {"jog_seconds": 30, "walk_seconds": 300},
        {"jog_seconds": 600, "walk_seconds": 30, "session_minutes": 20},
    ],
)
def test_the_limits_themselves_are_accepted(fields):
    plan = build_plan(PlanParams(**fields))

    assert len(plan.weeks) == PlanParams(**fields).weeks


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"jog_seconds": 29}, "jog"),
        ({"jog_seconds": 61}, "jog"),
        ({"jog_seconds": 660}, "jog"),
        ({"walk_seconds": 0}, "walk"),
        ({"walk_seconds": 330}, "walk"),
        ({"session_minutes": 19}, "minutes"),
        ({"session_minutes": 61}, "minutes"),
        ({"weeks": 3}, "weeks"),
        ({"weeks": 17}, "weeks"),
        ({"sessions_per_week": 1}, "sessions"),
        ({"sessions_per_week": 5}, "sessions"),
        ({"weekly_increase_percent": 0}, "increase"),
        ({"weekly_increase_percent": 25}, "increase"),
        ({"weekly_increase_percent": 12}, "increase"),
    ],
)
def test_settings_outside_the_limits_are_refused_naming_the_setting(fields, key):
    with pytest.raises(ValidationError) as caught:
        PlanParams(**fields)

    assert list(caught.value.message_dict) == [key]


def test_every_bad_setting_is_named_at_once():
    with pytest.raises(ValidationError) as caught:
        PlanParams(jog_seconds=1, session_minutes=5, weekly_increase_percent=50)

    assert sorted(caught.value.message_dict) == ["increase", "jog", "minutes"]
    assert "isn't gentle" in caught.value.message_dict["increase"][0]


# --- The first week ------------------------------------------------------------------------------


def test_week_one_is_the_runners_own_intervals_as_many_times_as_fit():
    week = build_plan(DEFAULT).first

    # 20 minutes between warm-up and cool-down: 7 jogs of 1 min with 6 walks of 2 min between.
    assert (week.session.jogs, week.session.jog_seconds, week.session.walk_seconds) == (7, 60, 120)
    assert week.session.jogging_seconds == 7 * 60
    assert week.session.total_seconds == WARM_UP_SECONDS + 7 * 60 + 6 * 120 + COOL_DOWN_SECONDS
    assert week.rise_percent is None
    assert week.session.summary == "Jog 1 min, 7 times, with 2 min walks between"


def test_a_session_runs_warm_up_jogs_with_walks_between_and_cool_down():
    session = build_plan(
        PlanParams(jog_seconds=90, walk_seconds=90, session_minutes=20)
    ).first.session

    kinds = [interval.kind for interval in session.intervals]

    assert kinds == ["warm-up", "jog", "walk", "jog", "walk", "jog", "cool-down"]
    assert [interval.label for interval in session.intervals[:3]] == [
        "Warm-up walk 5 min",
        "Jog 1 min 30 s",
        "Walk 1 min 30 s",
    ]
    assert sum(interval.seconds for interval in session.intervals) == session.total_seconds


def test_a_jog_as_long_as_the_whole_middle_is_the_goal_from_week_one():
    plan = build_plan(PlanParams(jog_seconds=600, walk_seconds=60, session_minutes=20, weeks=4))

    assert plan.goal_week == 1
    assert plan.reaches_goal
    assert [week.session.summary for week in plan.weeks] == ["Jog 10 min without a break"] * 4
    assert [week.is_repeat for week in plan.weeks] == [False, True, True, True]
    assert [interval.kind for interval in plan.first.session.intervals] == [
        "warm-up",
        "jog",
        "cool-down",
    ]


# --- Gentle progress -----------------------------------------------------------------------------


def test_the_default_plan_rises_gently_and_tells_when_the_goal_would_come():
    plan = build_plan(DEFAULT)

    assert jogging(plan) == [420, 455, 490, 510, 540, 570, 600, 660]
    assert [week.rise_percent for week in plan.weeks] == [None, 8, 8, 4, 6, 6, 5, 10]
    # The goal (20 minutes without a break) lies past these 8 weeks at the same pace.
    assert plan.goal_week == 15
    assert not plan.reaches_goal


def test_a_bolder_increase_reaches_the_goal_and_then_holds_it():
    plan = build_plan(PlanParams(weekly_increase_percent=20, weeks=10))

    assert plan.reaches_goal
    goal = plan.week(plan.goal_week)
    assert goal.session.is_continuous
    assert goal.session.jogging_seconds == plan.block_seconds == 20 * 60
    after = plan.weeks[plan.goal_week :]
    assert after
    assert all(week.is_repeat and week.session == goal.session for week in after)


@pytest.mark.parametrize("increase", INCREASE_CHOICES)
@pytest.mark.parametrize("minutes", [20, 31, 45, 60])
def test_every_plan_keeps_its_promises(increase, minutes):
    """For every jog and walk on offer: the rise each week never passes the chosen cap, the
    jogging grows every week until the goal, jogs never get shorter, walks never longer nor
    below their floor, and every session fits the time chosen."""
    for jog, walk in itertools.product(JOG_CHOICES, WALK_CHOICES):
        params = PlanParams(
            jog_seconds=jog,
            walk_seconds=walk,
            session_minutes=minutes,
            weeks=16,
            weekly_increase_percent=increase,
        )
        plan = build_plan(params)
        floor = min(walk, WALK_FLOOR_SECONDS)
        for before, week in itertools.pairwise(plan.weeks):
            now, then = week.session, before.session
            assert now.jogging_seconds * 100 <= then.jogging_seconds * (100 + increase), params
            if then.jogging_seconds < params.block_seconds:
                assert now.jogging_seconds > then.jogging_seconds, params
            else:
                assert week.is_repeat, params
            assert now.jog_seconds >= then.jog_seconds
            assert now.jogs <= then.jogs
            assert floor <= now.walk_seconds <= then.walk_seconds
            assert week.rise_percent <= increase
        for week in plan.weeks:
            session = week.session
            assert session.jogs >= 1
            assert session.total_seconds <= minutes * 60, params


def test_the_goal_is_always_found_within_the_lookahead():
    slowest = PlanParams(
        jog_seconds=30, walk_seconds=300, session_minutes=60, weeks=16, weekly_increase_percent=5
    )

    plan = build_plan(slowest)

    assert plan.goal_week is not None
    assert plan.goal_week <= services.GOAL_LOOKAHEAD_WEEKS


def test_jogs_are_whole_five_seconds_unless_that_would_stand_still():
    plan = build_plan(PlanParams(jog_seconds=30, walk_seconds=90, weekly_increase_percent=5))

    jogs = [week.session.jog_seconds for week in plan.weeks]

    # +5% on 30 s is 1.5 s: rounding to 5 s would stall the plan, so whole seconds are used.
    assert jogs[:4] == [30, 31, 32, 33]
    assert all(week.session.jog_seconds % 5 == 0 for week in build_plan(DEFAULT).weeks)


def test_walks_shrink_toward_the_floor_but_a_short_walk_is_kept():
    long_walks = build_plan(PlanParams(walk_seconds=300, weekly_increase_percent=20, weeks=16))
    short_walks = build_plan(PlanParams(walk_seconds=30, weeks=16))

    walks = [week.session.walk_seconds for week in long_walks.weeks if week.session.jogs > 1]
    assert walks[0] == 300
    assert walks[-1] < 300
    assert min(walks) >= WALK_FLOOR_SECONDS
    assert {week.session.walk_seconds for week in short_walks.weeks} == {30}


# --- Saved plans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {},
        "a plan",
        ["Jog 1 min"],
        {"jog_seconds": 60, "walk_seconds": 90},  # an older, shorter shape
        {**asdict(DEFAULT), "started_on": "not a date"},
        {**asdict(DEFAULT), "weeks": 99, "started_on": "2025-01-01"},
    ],
)
def test_anything_that_is_not_a_whole_valid_plan_reads_as_no_plan(stored):
    assert services.read_saved_plan(stored) is None


def _goal(member, **fields) -> Goal:
    values = {"title": "A feel-good 5K", "target_on": timezone.localdate() + timedelta(days=90)}
    return Goal.objects.create(member=member, **{**values, **fields})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "week", "finished"),
    [(0, 1, False), (6, 1, False), (7, 2, False), (55, 8, False), (56, 9, True), (-3, 1, False)],
)
def test_the_goal_page_knows_which_week_of_the_plan_it_is(member, days, week, finished):
    today = date(2025, 6, 20)
    goal = _goal(member)
    services.save_plan_to_goal(member=member, params=DEFAULT, today=today - timedelta(days=days))

    shown = services.goal_plan(goal=Goal.objects.get(pk=goal.pk), today=today)

    assert shown.week_number == week
    assert shown.is_finished is finished
    assert (shown.this_week is None) is finished


@pytest.mark.django_db
def test_a_plan_is_kept_on_the_active_goal_with_the_day_it_started(member):
    past = _goal(member, title="Last spring", is_active=False)
    goal = _goal(member)
    params = PlanParams(jog_seconds=90, weeks=10)

    saved = services.save_plan_to_goal(member=member, params=params, today=date(2025, 6, 2))

    goal.refresh_from_db()
    past.refresh_from_db()
    assert saved == goal
    assert goal.plan == {
        "jog_seconds": 90,
        "walk_seconds": 120,
        "session_minutes": 30,
        "weeks": 10,
        "sessions_per_week": 3,
        "weekly_increase_percent": 10,
        "started_on": "2025-06-02",
    }
    assert past.plan is None
    assert services.read_saved_plan(goal.plan).params == params


@pytest.mark.django_db
def test_saving_the_same_plan_again_keeps_its_start_and_another_plan_starts_afresh(member):
    goal = _goal(member)
    services.save_plan_to_goal(member=member, params=DEFAULT, today=date(2025, 6, 2))

    services.save_plan_to_goal(member=member, params=DEFAULT, today=date(2025, 6, 20))
    goal.refresh_from_db()
    assert goal.plan["started_on"] == "2025-06-02"

    services.save_plan_to_goal(member=member, params=PlanParams(weeks=12), today=date(2025, 6, 21))
    goal.refresh_from_db()
    assert goal.plan["started_on"] == "2025-06-21"
    assert goal.plan["weeks"] == 12


@pytest.mark.django_db
def test_without_an_active_goal_nothing_is_saved(member):
    past = _goal(member, is_active=False)

    with pytest.raises(NoActiveGoal):
        services.save_plan_to_goal(member=member, params=DEFAULT)

    past.refresh_from_db()
    assert past.plan is None


@pytest.mark.django_db
def test_saving_counts_toward_the_goal_rate_limit(member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "goal": (2, 3600)}
    goal = _goal(member)
    services.save_plan_to_goal(member=member, params=DEFAULT)
    services.save_plan_to_goal(member=member, params=DEFAULT)

    with pytest.raises(RateLimited):
        services.save_plan_to_goal(member=member, params=PlanParams(weeks=4))

    goal.refresh_from_db()
    assert goal.plan["weeks"] == 8


@pytest.mark.django_db
def test_a_plan_taken_off_the_goal_is_gone(member):
    goal = _goal(member)
    services.save_plan_to_goal(member=member, params=DEFAULT)

    services.remove_plan_from_goal(member=member)

    goal.refresh_from_db()
    assert goal.plan is None


@pytest.mark.django_db
def test_a_plan_waiting_in_the_session_is_offered_unless_it_is_the_saved_one(member):
    goal = _goal(member)
    waiting = services.pending_for_session(PlanParams(weeks=6))

    assert services.goal_plan(goal=goal, pending=waiting).pending == PlanParams(weeks=6)
    assert services.goal_plan(goal=goal, pending={"weeks": "lots"}).pending is None

    services.save_plan_to_goal(member=member, params=PlanParams(weeks=6))
    goal.refresh_from_db()
    assert services.goal_plan(goal=goal, pending=waiting).pending is None
