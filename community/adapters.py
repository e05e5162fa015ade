"""allauth's account adapter: the site's one notion of the client, a lockout that says when,
account mail in the house style, and a confirmation that never leaves a member at a dead end.

allauth builds its links and its login-lockout key from the request's host; SiteHostMiddleware
pins that host to SITE_URL's before allauth sees the request. Mail goes one step further: every
link in it is rebuilt on SITE_URL, so a message rendered outside a request (or behind a proxy
that says http) still points at the public site.
"""

import math
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from common.mail import new_message_id, site_domain
from common.ratelimit import client_ip

from .services.profiles import get_profile
from .tasks import send_member_welcome

# The sign-in form offers this address once, after it was confirmed on a device not signed in.
CONFIRMED_EMAIL_SESSION_KEY = "account_confirmed_email"


def on_site(url: str) -> str:
    """The same path, query and fragment on SITE_URL, whatever host and scheme built `url`."""
    parts = urlsplit(url)
    rest = parts.path or "/"
    if parts.query:
        rest += f"?{parts.query}"
    if parts.fragment:
        rest += f"#{parts.fragment}"
    return settings.SITE_URL + rest


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

    # --- Mail ------------------------------------------------------------------------------

    def format_email_subject(self, subject: str) -> str:
        # Read at send time, not from the prefix settings computed once at import.
        return f"[{settings.SITE_NAME}] {subject}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth leaves the user out of a notice's context; the greeting needs it.
        super().send_notification_mail(
            template_prefix, user, {"user": user, **(context or {})}, email
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account email: greeted by display name (never the username), named after
        SITE_NAME and linked to SITE_URL, in the house layout's text and HTML."""
        user = context.get("user") or self._member_for(email)
        context = {
            key: on_site(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
            # allauth offers the username "in case you forgot"; members sign in by email.
            if key != "username"
        }
        context.update(
            {
                "user": user,
                "display_name": get_profile(user).display_name if user else "",
                "SITE_NAME": settings.SITE_NAME,
                "SITE_URL": settings.SITE_URL,
                # allauth's own templates read the site from django.contrib.sites or the
                # request; ours never do, and this keeps any that slip through honest.
                "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=site_domain()),
                "login_url": settings.SITE_URL + reverse("account_login"),
                "password_reset_url": context.get("password_reset_url")
                or settings.SITE_URL + reverse("account_reset_password"),
                "profile_url": settings.SITE_URL + reverse("profile"),
            }
        )
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        kind = template_prefix.rpartition("/")[2].replace("_", "-")
        headers = {"Message-ID": new_message_id(f"account-{kind}"), **(headers or {})}
        return super().render_mail(template_prefix, email, context, headers=headers)

    def _member_for(self, email: str):
        """The account an address belongs to, for notices allauth sends without one."""
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        if address:
            return address.user
        return get_user_model().objects.filter(email__iexact=email).first()

    # --- Confirming an address -------------------------------------------------------------

    def confirm_email(self, request, email_address) -> bool:
        """Confirm the address; a member's first confirmed address brings the welcome email,
        sent by a task so the page does not wait on SMTP. A changed address brings none."""
        is_first = not (
            EmailAddress.objects.filter(user_id=email_address.user_id, verified=True)
            .exclude(pk=email_address.pk)
            .exists()
        )
        confirmed = super().confirm_email(request, email_address)
        if confirmed and is_first:
            user_id = email_address.user_id
            transaction.on_commit(lambda: send_member_welcome.delay(user_id))
        return confirmed

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # allauth says "You have confirmed …" before it knows whether this browser is signed
        # in; get_email_verification_redirect_url says the one true thing instead.
        if message_template == "account/messages/email_confirmed.txt":
            request._address_just_confirmed = True
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def login(self, request, user) -> None:
        # The browser that signed up is signed in by the confirmation itself.
        if getattr(request, "_address_just_confirmed", False):
            request._address_just_confirmed = False
            messages.success(request, "Your address is confirmed.")
        super().login(request, user)

    def get_email_verification_redirect_url(self, email_address) -> str:
        """Signed in here (the browser that signed up): on to the profile. Confirmed on
        another device: say so plainly and offer the sign-in form with the address filled."""
        request = self.request
        request._address_just_confirmed = False
        if request.user.is_authenticated:
            messages.success(request, "Your address is confirmed.")
            return super().get_email_verification_redirect_url(email_address)
        request.session[CONFIRMED_EMAIL_SESSION_KEY] = email_address.email
        messages.success(request, "Your address is confirmed. Sign in to continue.")
        return reverse("account_login")
