from django import forms

from .services import (
    INCREASE_CHOICES,
    INCREASE_MESSAGE,
    JOG_CHOICES,
    QUERY_FIELDS,
    SESSION_MINUTES,
    SESSION_MINUTES_MESSAGE,
    SESSIONS_MESSAGE,
    SESSIONS_PER_WEEK,
    WALK_CHOICES,
    WEEKS,
    WEEKS_MESSAGE,
    PlanParams,
    format_duration,
)

DEFAULTS = PlanParams()
INCREASE_LABELS = {
    5: "5% — very gentle",
    10: "10% — gentle (suggested)",
    15: "15%",
    20: "20% — the most we suggest",
}


def _number(label, bounds, initial, message, help_text):
    return forms.IntegerField(
        label=label,
        min_value=bounds[0],
        max_value=bounds[1],
        initial=initial,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class PlanForm(forms.Form):
    """The plan builder's settings, sent as a GET query so every plan has its own address."""

    jog = forms.TypedChoiceField(
        label="Jog for",
        choices=[(seconds, format_duration(seconds)) for seconds in JOG_CHOICES],
        coerce=int,
        initial=DEFAULTS.jog_seconds,
        help_text="Each jog, at a pace easy enough to talk in short sentences.",
        error_messages={
            "required": "Choose how long each jog lasts.",
            "invalid_choice": "Choose a jog from the list: 30 seconds to 10 minutes.",
        },
    )
    walk = forms.TypedChoiceField(
        label="Then walk for",
        choices=[(seconds, format_duration(seconds)) for seconds in WALK_CHOICES],
        coerce=int,
        initial=DEFAULTS.walk_seconds,
        help_text="A brisk walk between jogs. It shrinks as your jogs grow.",
        error_messages={
            "required": "Choose how long each walk between jogs lasts.",
            "invalid_choice": "Choose a walk from the list: 30 seconds to 5 minutes.",
        },
    )
    minutes = _number(
        "Session length in minutes",
        SESSION_MINUTES,
        DEFAULTS.session_minutes,
        SESSION_MINUTES_MESSAGE,
        "Including a 5-minute warm-up walk and a 5-minute cool-down walk.",
    )
    weeks = _number(
        "Number of weeks",
        WEEKS,
        DEFAULTS.weeks,
        WEEKS_MESSAGE,
        f"From {WEEKS[0]} to {WEEKS[1]}. Repeating a week that felt hard is always fine.",
    )
    sessions = _number(
        "Sessions a week",
        SESSIONS_PER_WEEK,
        DEFAULTS.sessions_per_week,
        SESSIONS_MESSAGE,
        "Two or three, with a rest day between them.",
    )
    increase = forms.TypedChoiceField(
        label="Weekly increase in jogging",
        choices=[(percent, INCREASE_LABELS[percent]) for percent in INCREASE_CHOICES],
        coerce=int,
        initial=DEFAULTS.weekly_increase_percent,
        help_text="Each week's jogging is at most this much more than the week before.",
        error_messages={"required": INCREASE_MESSAGE, "invalid_choice": INCREASE_MESSAGE},
    )

    @classmethod
    def from_query(cls, query) -> "PlanForm":
        """Bound to the plan in `query`, any setting it leaves out taken from the defaults; an
        address without any setting gives an unbound form that shows the defaults."""
        if not any(name in query for name in QUERY_FIELDS):
            return cls()
        data = {name: query.get(name, value) for name, value in DEFAULTS.as_query().items()}
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.plan_params = PlanParams.from_query(cleaned)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned

    def params(self) -> PlanParams:
        """The chosen plan (the defaults for an unbound form); only for a valid form."""
        return self.plan_params if self.is_bound else DEFAULTS
