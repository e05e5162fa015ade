"""allauth's forms: a sign-up that answers in the same time whether or not the address has an
account, and a sign-in that offers the address a member has just confirmed."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password

from ..adapters import CONFIRMED_EMAIL_SESSION_KEY


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs one password hash (most of the request's time); an address
            # that has one would answer that much sooner and tell who is a member. Do the same
            # work on both paths and throw this hash away.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, with the address filled in once after it was just confirmed on
    a device that was not signed in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.request is not None:
            email = self.request.session.pop(CONFIRMED_EMAIL_SESSION_KEY, "")
            if email:
                self.initial["login"] = email
