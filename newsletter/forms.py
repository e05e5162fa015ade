from django import forms

from common.forms import HumanCheckMixin

from .services.subscriptions import CONSENT_TEXT

SOURCES = ("home", "article", "newsletter")
NO_LIST_MESSAGE = "Choose at least one: the weekly letter, the beginner guidance series, or both."
UNKNOWN_SOURCE_MESSAGE = "This form could not be read. Please send it again."


class ListChoiceForm(forms.Form):
    """The two lists a subscriber can be on; at least one must be chosen."""

    newsletter = forms.BooleanField(
        label="The weekly letter", required=False, initial=True, label_suffix=""
    )
    beginner_series = forms.BooleanField(
        label="The beginner guidance series", required=False, label_suffix=""
    )
    require_a_list = True

    def clean(self):
        cleaned = super().clean()
        if self.require_a_list and not (
            cleaned.get("newsletter") or cleaned.get("beginner_series")
        ):
            raise forms.ValidationError(NO_LIST_MESSAGE, code="no_list")
        return cleaned


class SubscribeForm(HumanCheckMixin, ListChoiceForm):
    """The public sign-up on the home page, article pages and /newsletter/."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    # Which page the form was on, kept in the consent record.
    source = forms.CharField(required=False, widget=forms.HiddenInput, initial="newsletter")

    field_order = ["email", "newsletter", "beginner_series"]
    consent_text = CONSENT_TEXT

    def __init__(self, *args, **kwargs):
        # Ids of its own, so the form can sit beside the search and comment forms on a page.
        kwargs.setdefault("auto_id", "subscribe-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") not in SOURCES:
            raise forms.ValidationError(UNKNOWN_SOURCE_MESSAGE, code="source")
        return cleaned


class PreferencesForm(ListChoiceForm):
    """A subscriber's lists, reached by the signed link in every email; none ticked is leaving."""

    require_a_list = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "preferences-%s")
        super().__init__(*args, **kwargs)


class MemberSubscribeForm(ListChoiceForm):
    """The one-step sign-up on a member's profile (their address is already verified)."""
