"""allauth's sign-up form, answering in the same time whether or not the address has an account."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs one password hash (most of the request's time); an address
            # that has one would answer that much sooner and tell who is a member. Do the same
            # work on both paths and throw this hash away.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
