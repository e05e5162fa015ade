"""Form pieces shared by every public write: a honeypot and a minimum time to fill the form."""

import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.renderers import Jinja2

# Django's Jinja2 copies of its widget templates, for the forms on public pages: the sign-up
# form's six widgets and labels through Django's engine were 1.1 ms of every article and home
# page render. The output is the same markup.
PUBLIC_FORM_RENDERER = Jinja2()

# The salt it had before the module moved from runsite: forms already open keep working.
_SALT = "runsite.forms.rendered-at"
BOT_MESSAGE = "That was quicker than a person can type. Please check your text and send it again."
# A stamp is a ticket a bot could fetch once and replay: it lasts as long as a person plausibly
# keeps a form open, not a day.
FORM_MAX_AGE = timedelta(hours=2)
STALE_MESSAGE = (
    "This form was open for more than two hours. Please send it again — your text is kept below."
)
UNCHECKED_MESSAGE = (
    "This form could not be checked. Please send it again — your text is kept below."
)


class HumanCheckMixin(forms.Form):
    """Stops simple bots: a field people never see must stay empty, and the form must have been
    on screen for FORM_MIN_SECONDS and at most FORM_MAX_AGE. Every error keeps the visitor's
    text in the form."""

    default_renderer = PUBLIC_FORM_RENDERER

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh stamp each time the form is shown, including when re-shown with errors.
        self.initial["rendered_at"] = signing.dumps(time.time(), salt=_SALT)
        if self.is_bound:
            data = self.data.copy()
            self._submitted_stamp = data.get(self.add_prefix("rendered_at"), "")
            data[self.add_prefix("rendered_at")] = self.initial["rendered_at"]
            self.data = data

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(BOT_MESSAGE, code="honeypot")
        try:
            rendered_at = signing.loads(self._submitted_stamp, salt=_SALT, max_age=FORM_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(STALE_MESSAGE, code="stale_form") from None
        except signing.BadSignature:
            raise forms.ValidationError(UNCHECKED_MESSAGE, code="bad_stamp") from None
        if time.time() - float(rendered_at) < settings.FORM_MIN_SECONDS:
            raise forms.ValidationError(BOT_MESSAGE, code="too_fast")
        return cleaned
