"""Run-walk plans for /start/: the plan builder (pure functions over dataclasses) and keeping a
member's plan on their goal.

A plan starts from the runner's own jog and walk intervals. Each week the jogging in a session
rises by at most the chosen percentage over the week before (the "10% rule", applied to the
total, so the rise stays gentle however the intervals are laid out). The walks between jogs
shrink as the jogging grows, never below a floor, and the plan's goal is the whole middle of
the session jogged without a break.
"""

from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils import timezone

from common.ratelimit import check_rate
from community.models import Goal

WARM_UP_SECONDS = 5 * 60
COOL_DOWN_SECONDS = 5 * 60
# Walk breaks shrink toward this, never below it (nor below the runner's own walk if shorter).
WALK_FLOOR_SECONDS = 60
# Intervals are rounded to this many seconds where that still lets the jogging rise.
ROUND_SECONDS = 5
# How far past the plan we look to tell the runner when the goal would come at the same pace.
GOAL_LOOKAHEAD_WEEKS = 104

JOG_CHOICES = (30, 45, 60, 90, 120, 180, 240, 300, 480, 600)
WALK_CHOICES = (30, 60, 90, 120, 150, 180, 240, 300)
INCREASE_CHOICES = (5, 10, 15, 20)
SESSION_MINUTES = (20, 60)
WEEKS = (4, 16)
SESSIONS_PER_WEEK = (2, 4)

# The URL's query parameters, in the order the form sends them, and the field each one sets.
QUERY_FIELDS = {
    "jog": "jog_seconds",
    "walk": "walk_seconds",
    "minutes": "session_minutes",
    "weeks": "weeks",
    "sessions": "sessions_per_week",
    "increase": "weekly_increase_percent",
}


def format_duration(seconds: int) -> str:
    """Seconds as people say them: "45 s", "2 min", "1 min 30 s"."""
    minutes, rest = divmod(int(seconds), 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def _between(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


# --- Parameters ----------------------------------------------------------------------------------

SESSION_MINUTES_MESSAGE = (
    f"Choose a session of {SESSION_MINUTES[0]} to {SESSION_MINUTES[1]} minutes; that includes "
    "the 5-minute warm-up and cool-down walks."
)
WEEKS_MESSAGE = f"Plan for {WEEKS[0]} to {WEEKS[1]} weeks."
SESSIONS_MESSAGE = (
    f"Choose {SESSIONS_PER_WEEK[0]} to {SESSIONS_PER_WEEK[1]} sessions a week; the rest days "
    "between them are part of the plan."
)
INCREASE_MESSAGE = (
    "Choose a weekly increase of 5, 10, 15 or 20 percent: more than 20 percent a week isn't gentle."
)


@dataclass(frozen=True)
class PlanParams:
    """What a runner chooses; invalid values raise ValidationError keyed by query parameter."""

    jog_seconds: int = 60
    walk_seconds: int = 120
    session_minutes: int = 30
    weeks: int = 8
    sessions_per_week: int = 3
    weekly_increase_percent: int = 10

    def __post_init__(self):
        errors = {}
        if self.jog_seconds not in JOG_CHOICES:
            errors["jog"] = "Choose a jog from the list: 30 seconds to 10 minutes."
        if self.walk_seconds not in WALK_CHOICES:
            errors["walk"] = "Choose a walk from the list: 30 seconds to 5 minutes."
        if not _between(self.session_minutes, SESSION_MINUTES):
            errors["minutes"] = SESSION_MINUTES_MESSAGE
        if not _between(self.weeks, WEEKS):
            errors["weeks"] = WEEKS_MESSAGE
        if not _between(self.sessions_per_week, SESSIONS_PER_WEEK):
            errors["sessions"] = SESSIONS_MESSAGE
        if self.weekly_increase_percent not in INCREASE_CHOICES:
            errors["increase"] = INCREASE_MESSAGE
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_query(cls, values: dict) -> "PlanParams":
        """From values keyed by query parameter (a form's cleaned data)."""
        return cls(**{field: values[name] for name, field in QUERY_FIELDS.items()})

    def as_query(self) -> dict[str, int]:
        return {name: getattr(self, field) for name, field in QUERY_FIELDS.items()}

    @property
    def query_string(self) -> str:
        """The plan as a query string in the form's own order: the shareable, cacheable one."""
        return urlencode(self.as_query())

    @property
    def block_seconds(self) -> int:
        """The middle of a session, between the warm-up and the cool-down."""
        return self.session_minutes * 60 - WARM_UP_SECONDS - COOL_DOWN_SECONDS


# --- The plan ------------------------------------------------------------------------------------


INTERVAL_NAMES = {
    "warm-up": "Warm-up walk",
    "jog": "Jog",
    "walk": "Walk",
    "cool-down": "Cool-down walk",
}


@dataclass(frozen=True)
class Interval:
    kind: str  # "warm-up", "jog", "walk" or "cool-down"
    seconds: int

    @property
    def name(self) -> str:
        return INTERVAL_NAMES[self.kind]

    @property
    def duration(self) -> str:
        return format_duration(self.seconds)

    @property
    def label(self) -> str:
        return f"{self.name} {self.duration}"


@dataclass(frozen=True)
class Session:
    """One session: a warm-up walk, `jogs` jogs with a walk between each two, a cool-down walk."""

    jogs: int
    jog_seconds: int
    walk_seconds: int

    @property
    def jogging_seconds(self) -> int:
        return self.jogs * self.jog_seconds

    @property
    def total_seconds(self) -> int:
        between = (self.jogs - 1) * self.walk_seconds
        return WARM_UP_SECONDS + self.jogging_seconds + between + COOL_DOWN_SECONDS

    @property
    def is_continuous(self) -> bool:
        return self.jogs == 1

    @property
    def intervals(self) -> list[Interval]:
        middle = []
        for number in range(self.jogs):
            if number:
                middle.append(Interval("walk", self.walk_seconds))
            middle.append(Interval("jog", self.jog_seconds))
        return [
            Interval("warm-up", WARM_UP_SECONDS),
            *middle,
            Interval("cool-down", COOL_DOWN_SECONDS),
        ]

    @property
    def summary(self) -> str:
        """The middle of the session in one phrase."""
        jog = format_duration(self.jog_seconds)
        if self.is_continuous:
            return f"Jog {jog} without a break"
        return (
            f"Jog {jog}, {self.jogs} times, with {format_duration(self.walk_seconds)} walks between"
        )


@dataclass(frozen=True)
class Week:
    number: int
    session: Session
    rise_percent: int | None = None  # more jogging than the week before, in percent
    is_repeat: bool = False  # the same session as the week before (the goal is reached)


@dataclass(frozen=True)
class Plan:
    params: PlanParams
    weeks: list[Week]
    # The week the whole middle of the session is jogged without a break: inside the plan, after
    # it at the same pace, or None when that is further off than GOAL_LOOKAHEAD_WEEKS.
    goal_week: int | None

    @property
    def block_seconds(self) -> int:
        return self.params.block_seconds

    @property
    def first(self) -> Week:
        return self.weeks[0]

    @property
    def last(self) -> Week:
        return self.weeks[-1]

    @property
    def reaches_goal(self) -> bool:
        return self.goal_week is not None and self.goal_week <= len(self.weeks)

    def week(self, number: int) -> Week:
        return self.weeks[number - 1]


def _first_session(params: PlanParams) -> Session:
    jog, walk, block = params.jog_seconds, params.walk_seconds, params.block_seconds
    # As many jogs as fit, with a walk between each two (the cool-down follows the last jog).
    return Session(jogs=(block + walk) // (jog + walk), jog_seconds=jog, walk_seconds=walk)


def _next_session(previous: Session, first: Session, params: PlanParams) -> Session:
    block = params.block_seconds
    target = min(block, previous.jogging_seconds * (100 + params.weekly_increase_percent) // 100)

    # Walks shrink in step with the jogging's progress from week 1 to the goal; rounded up to
    # the next ROUND_SECONDS, so rounding only ever adds rest.
    floor = min(first.walk_seconds, WALK_FLOOR_SECONDS)
    span = block - first.jogging_seconds
    walk = floor
    if span > 0:
        shrink = (first.walk_seconds - floor) * (target - first.jogging_seconds) // span
        walk = -(-(first.walk_seconds - shrink) // ROUND_SECONDS) * ROUND_SECONDS
    walk = max(floor, min(previous.walk_seconds, walk))

    # Fewer, longer jogs once the walks no longer leave room for as many.
    jogs = min(previous.jogs, 1 + (block - target) // walk)
    exact = target // jogs
    jog = exact - exact % ROUND_SECONDS
    if jog <= previous.jog_seconds or jog * jogs <= previous.jogging_seconds:
        jog = exact  # whole seconds rather than a week without progress
    return Session(jogs=jogs, jog_seconds=jog, walk_seconds=walk)


def build_plan(params: PlanParams) -> Plan:
    """The week-by-week plan for `params`, with the week its goal is reached."""
    first = _first_session(params)
    sessions = [first]
    goal_week = 1 if first.jogging_seconds == params.block_seconds else None
    while len(sessions) < params.weeks or (
        goal_week is None and len(sessions) < GOAL_LOOKAHEAD_WEEKS
    ):
        sessions.append(_next_session(sessions[-1], first, params))
        if goal_week is None and sessions[-1].jogging_seconds == params.block_seconds:
            goal_week = len(sessions)

    weeks = []
    for number, session in enumerate(sessions[: params.weeks], start=1):
        rise, before = None, sessions[number - 2].jogging_seconds if number > 1 else None
        if before:
            rise = round((session.jogging_seconds - before) * 100 / before)
        weeks.append(
            Week(
                number=number,
                session=session,
                rise_percent=rise,
                is_repeat=session.jogging_seconds == before,
            )
        )
    return Plan(params=params, weeks=weeks, goal_week=goal_week)


# --- A member's plan, kept on their goal ---------------------------------------------------------

# Where a member's plan waits in their session while they set the goal it is for.
PENDING_SESSION_KEY = "start_pending_plan"


class NoActiveGoal(Exception):
    """The member has no active goal to keep a plan on."""


@dataclass(frozen=True)
class SavedPlan:
    params: PlanParams
    started_on: date


def _params_from(stored: dict) -> PlanParams:
    return PlanParams(**{field: stored[field] for field in QUERY_FIELDS.values()})


def read_saved_plan(stored) -> SavedPlan | None:
    """The plan kept in Goal.plan, or None if there is none or it is not one of ours."""
    if not isinstance(stored, dict):
        return None
    try:
        started_on = date.fromisoformat(stored["started_on"])
        return SavedPlan(params=_params_from(stored), started_on=started_on)
    except (KeyError, TypeError, ValueError, ValidationError):
        return None


def save_plan_to_goal(*, member, params: PlanParams, today: date | None = None) -> Goal:
    """Keep the plan on the member's active goal; the same plan saved again keeps its start."""
    check_rate("goal", who=str(member.pk))
    goal = Goal.objects.filter(member=member, is_active=True).first()
    if goal is None:
        raise NoActiveGoal
    current = read_saved_plan(goal.plan)
    if current is None or current.params != params:
        current = SavedPlan(params=params, started_on=today or timezone.localdate())
    goal.plan = {**asdict(current.params), "started_on": current.started_on.isoformat()}
    goal.save(update_fields=["plan"])
    return goal


def remove_plan_from_goal(*, member) -> Goal | None:
    """Take the plan off the member's active goal (if there is one)."""
    check_rate("goal", who=str(member.pk))
    goal = Goal.objects.filter(member=member, is_active=True).first()
    if goal is not None and goal.plan is not None:
        goal.plan = None
        goal.save(update_fields=["plan"])
    return goal


def pending_for_session(params: PlanParams) -> dict:
    """A plan to keep in the member's session while they set the goal it is for."""
    return asdict(params)


def pending_plan(stored) -> PlanParams | None:
    """The plan a member built before they had a goal (kept in their session), if valid."""
    if not isinstance(stored, dict):
        return None
    try:
        return _params_from(stored)
    except (KeyError, TypeError, ValidationError):
        return None


@dataclass(frozen=True)
class GoalPlan:
    """What the goal page shows of a member's plan: where they are in it this week."""

    saved: SavedPlan | None
    plan: Plan | None
    week_number: int | None  # this week's number; past the last week once the plan is done
    pending: PlanParams | None  # a plan built before the goal existed, offered for saving

    @property
    def this_week(self) -> Week | None:
        if self.plan is None or self.week_number is None or self.week_number > len(self.plan.weeks):
            return None
        return self.plan.week(self.week_number)

    @property
    def is_finished(self) -> bool:
        return (
            self.plan is not None
            and self.week_number is not None
            and self.week_number > len(self.plan.weeks)
        )


def goal_plan(*, goal: Goal, pending=None, today: date | None = None) -> GoalPlan:
    """The goal's plan as of today, and a pending plan worth offering; reads no rows."""
    saved = read_saved_plan(goal.plan)
    waiting = pending_plan(pending)
    if saved is not None and waiting == saved.params:
        waiting = None
    if saved is None:
        return GoalPlan(saved=None, plan=None, week_number=None, pending=waiting)
    elapsed = ((today or timezone.localdate()) - saved.started_on).days
    week_number = max(1, elapsed // 7 + 1)
    return GoalPlan(
        saved=saved, plan=build_plan(saved.params), week_number=week_number, pending=waiting
    )
