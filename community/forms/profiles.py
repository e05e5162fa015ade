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


class AccountDeleteForm(forms.Form):
    COMMENTS_CHOICES = [
        ("remove", "Remove my comments (replies by others stay, under a “removed” note)"),
        ("anonymise", "Keep my comments, signed “A former member”"),
    ]
    comments = forms.ChoiceField(
        label="What should happen to your comments?",
        choices=COMMENTS_CHOICES,
        widget=forms.RadioSelect,
        initial="remove",
    )
    password = forms.CharField(
        label="Your password, to confirm",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right. Nothing was deleted.")
        return password
