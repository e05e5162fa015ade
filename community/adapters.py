"""allauth's account adapter: the site's one notion of the client, and a lockout that says when.

allauth builds its links and its login-lockout key from the request's host; SiteHostMiddleware
pins that host to SITE_URL's before allauth sees the request, so nothing here repeats it.
"""

import math

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from runsite.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def __init__(self, request=None):
        super().__init__(request)
        minutes = math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60)
        self.error_messages = {
            **self.error_messages,
            "too_many_login_attempts": (
                "Too many failed sign-in attempts for this account. For your safety it is "
                f"locked for {minutes} minutes: please try again in {minutes} minutes, or "
                "reset your password."
            ),
        }

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
