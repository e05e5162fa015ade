"""allauth's sign-in page, answering 429 while an account is locked after failed attempts."""

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS


class LoginView(AllauthLoginView):
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
        return response


login = LoginView.as_view()
