from datetime import timedelta

from django import forms

from common.forms import HumanCheckMixin

from ..models import Share
from ..services.shares import FEATURE_CONSENT_TEXT


class ShareForm(HumanCheckMixin, forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label="Time (minutes, optional)", required=False, min_value=1, max_value=24 * 60
    )
    may_feature = forms.BooleanField(label=FEATURE_CONSENT_TEXT, required=False)

    class Meta:
        model = Share
        fields = ["kind", "text", "photo", "photo_alt", "distance_km", "may_feature"]
        labels = {
            "kind": "What are you sharing?",
            "text": "Tell us about it",
            "photo": "Photo (optional)",
            "distance_km": "Distance in km (optional)",
        }
        help_texts = {
            "text": "A few lines are plenty. *Emphasis* and links work.",
            "photo": "JPEG, PNG or WebP up to 10 MB. We remove location data before saving it.",
            "photo_alt": "Describe the photo for readers who cannot see it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distance_km"].widget.attrs.update(min="0.1", max="500", step="0.1")
        if self.instance.pk and self.instance.duration:
            self.initial["duration_minutes"] = int(self.instance.duration.total_seconds() // 60)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Tell us a little about it before sharing.")
        return text

    def clean_distance_km(self):
        distance = self.cleaned_data.get("distance_km")
        if distance is not None and not 0 < distance <= 500:
            raise forms.ValidationError("Enter a distance between 0.1 and 500 km.")
        return distance

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not cleaned.get("photo_alt", "").strip():
            self.add_error("photo_alt", "Describe the photo in a few words.")
        minutes = cleaned.get("duration_minutes")
        cleaned["duration"] = timedelta(minutes=minutes) if minutes else None
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "photo_alt": data.get("photo_alt", ""),
            "distance_km": data.get("distance_km"),
            "duration": data["duration"],
            "may_feature": data.get("may_feature", False),
        }
