from datetime import date

from django import forms
from django.utils import timezone

from common.forms import HumanCheckMixin

from ..models import Goal, GoalUpdate
from ..services.goals import add_months, recent_months

TARGET_MAX_MONTHS = 18

MOOD_CHOICES = [
    ("", "Not rated"),
    (1, "1 — low"),
    (2, "2 — a bit low"),
    (3, "3 — okay"),
    (4, "4 — good"),
    (5, "5 — great"),
]
SLEEP_CHOICES = [
    ("", "Not rated"),
    (1, "1 — poor"),
    (2, "2 — restless"),
    (3, "3 — okay"),
    (4, "4 — good"),
    (5, "5 — great"),
]


class GoalForm(HumanCheckMixin, forms.ModelForm):
    preset = forms.ChoiceField(
        label="Choose a goal",
        choices=Goal.Preset.choices,
        initial=Goal.Preset.FEEL_GOOD_5K,
    )
    title = forms.CharField(
        label="Title",
        max_length=120,
        required=False,
        help_text="Optional for the three presets (their name is used); needed for your own goal.",
    )
    target_on = forms.DateField(
        label="Target date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"A day after today and within {TARGET_MAX_MONTHS} months.",
        error_messages={"invalid": "Enter the target date as a date, for example 2026-06-30."},
    )

    class Meta:
        model = Goal
        fields = ["preset", "title", "why", "target_on"]
        widgets = {"why": forms.Textarea(attrs={"rows": 3})}

    def clean_target_on(self):
        target_on = self.cleaned_data["target_on"]
        if self.instance.pk and "target_on" not in self.changed_data:
            # An unchanged date may have passed already; editing the title must still work.
            return target_on
        today = timezone.localdate()
        latest = add_months(today, TARGET_MAX_MONTHS)
        if target_on <= today:
            raise forms.ValidationError(
                "Pick a target date after today — a goal needs some time ahead of it.",
                code="past",
            )
        if target_on > latest:
            raise forms.ValidationError(
                f"Pick a target date within {TARGET_MAX_MONTHS} months, by "
                f"{latest.day} {latest:%B %Y} at the latest — a season or two is plenty.",
                code="too_far",
            )
        return target_on

    def clean(self):
        cleaned = super().clean()
        preset, title = cleaned.get("preset"), (cleaned.get("title") or "").strip()
        if preset == Goal.Preset.OWN and not title and "title" not in self.errors:
            self.add_error("title", "Give your own goal a short title.")
        elif preset and not title:
            cleaned["title"] = Goal.Preset(preset).label
        return cleaned


def _month_choices(months: list[date]) -> list[tuple[str, str]]:
    return [(month.isoformat(), f"{month:%B %Y}") for month in months]


class GoalUpdateForm(HumanCheckMixin, forms.ModelForm):
    month = forms.TypedChoiceField(
        label="Month",
        coerce=date.fromisoformat,
        error_messages={"invalid_choice": "Choose one of the last 12 months."},
    )
    note = forms.CharField(
        label="How did the month go?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines are plenty. Simple Markdown works: *emphasis*, lists, links.",
        error_messages={
            "required": "Write a few words about your month — the note can't be empty."
        },
    )
    mood = forms.TypedChoiceField(
        label="Mood this month",
        choices=MOOD_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Rate your mood from 1 (low) to 5 (great), or leave it."},
    )
    sleep = forms.TypedChoiceField(
        label="Sleep this month",
        choices=SLEEP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": "Rate your sleep from 1 (poor) to 5 (great), or leave it."
        },
    )

    class Meta:
        model = GoalUpdate
        fields = ["month", "note", "mood", "sleep"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = recent_months()
        # An older update keeps its own month on offer, so editing its note never forces a move.
        if self.instance.pk and self.instance.month not in months:
            months.append(self.instance.month)
        self.fields["month"].choices = _month_choices(months)
