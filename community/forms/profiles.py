from django import forms

from ..models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "display_name",
            "city",
            "bio",
            "avatar",
            "show_city",
            "is_findable",
            "notify_replies",
            "goal_reminders",
        ]
        labels = {"display_name": "Display name", "bio": "A line about you"}
        help_texts = {
            "display_name": "Shown with your comments and shares. Your email is never shown.",
            "city": "Your shares are filed under your city only when you choose to show it.",
            "avatar": "A square crop is made; location and camera data are removed.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Choose a display name of at least two characters.")
        return name
