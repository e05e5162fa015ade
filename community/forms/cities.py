from decimal import ROUND_HALF_UP, Decimal

from django import forms

from common.forms import HumanCheckMixin

from ..models import PartnerPost


class SuggestionForm(HumanCheckMixin, forms.Form):
    """A member's suggestion of a club or a beginner-friendly route; the kind decides which of the
    other fields are needed. Every field is shown so the form works without JavaScript."""

    KIND_CHOICES = [("club", "A running club"), ("route", "A beginner-friendly route")]
    # Fields each kind needs beyond the name and description, with the message when one is missing.
    REQUIRED_BY_KIND = {
        "club": {"meets": "Say when and where the club meets, e.g. “Saturdays 9:00, park gate”."},
        "route": {
            "distance_km": "Add the distance in kilometres, e.g. 5.",
            "start_point": "Say where the route starts, so others can find it.",
        },
    }
    GROUPS = (
        ("About the place", ("name", "description")),
        ("If it is a club", ("meets", "club_website")),
        ("If it is a route", ("distance_km", "surface", "start_point")),
    )

    kind = forms.ChoiceField(
        label="What are you suggesting?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a club or a route."},
    )
    name = forms.CharField(
        max_length=160,
        error_messages={"required": "Give the club or route its name."},
    )
    description = forms.CharField(
        label="What should a beginner know?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text="Pace, welcome, hills, toilets, lighting — whatever helps someone new.",
        error_messages={"required": "Tell beginners a little about it."},
    )
    meets = forms.CharField(
        label="When and where it meets",
        max_length=200,
        required=False,
    )
    # Not called "website": that name belongs to the bot trap in HumanCheckMixin.
    club_website = forms.URLField(
        label="Club website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, e.g. https://example.org."},
    )
    distance_km = forms.DecimalField(
        label="Distance (km)",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("50"),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the distance as a number of kilometres, e.g. 5 or 7.5.",
            "min_value": "A route needs to be at least 0.5 km.",
            "max_value": "Routes up to 50 km, please — this is for beginners.",
        },
    )
    surface = forms.CharField(
        max_length=80, required=False, help_text="Paved, gravel, track, trail…"
    )
    start_point = forms.CharField(label="Where it starts", max_length=200, required=False)

    def clean_distance_km(self):
        distance = self.cleaned_data["distance_km"]
        if distance is None:
            return None
        return distance.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def clean(self):
        cleaned = super().clean()
        for name, message in self.REQUIRED_BY_KIND.get(cleaned.get("kind"), {}).items():
            if name not in self.errors and cleaned.get(name) in (None, ""):
                self.add_error(name, message)
        return cleaned

    @property
    def groups(self) -> list[dict]:
        """The fields after the kind, in labelled groups for fieldsets."""
        return [
            {"legend": legend, "fields": [self[name] for name in names]}
            for legend, names in self.GROUPS
        ]

    def place_data(self) -> dict:
        """Cleaned data under the model's field names, for `suggest_place`."""
        data = {
            name: self.cleaned_data.get(name)
            for name in ("name", "description", "meets", "distance_km", "surface", "start_point")
        }
        data["website"] = self.cleaned_data.get("club_website", "")
        return data


class PartnerPostForm(HumanCheckMixin, forms.ModelForm):
    class Meta:
        model = PartnerPost
        fields = ["title", "text"]
        labels = {"title": "Title", "text": "Your post"}
        help_texts = {
            "text": (
                "When and how you like to run: day, time, pace, distance. Please keep your phone "
                "number and home address out of it — arrange details in the replies."
            ),
        }
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 120}),
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": 1500}),
        }
        error_messages = {
            "title": {
                "required": "Give your post a short title, e.g. “Slow Saturday 5K partner?”."
            },
            "text": {"required": "Write a few words about the runs you have in mind."},
        }
