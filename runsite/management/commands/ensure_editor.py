import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.urls import reverse

from common.permissions import EDITORS_GROUP


class Command(BaseCommand):
    help = (
        "Make sure the editor account exists in the Editors group, and print how to sign in. "
        "The password is set once, when the account is created: EDITOR_PASSWORD, or generated "
        "and printed. Later runs keep whatever it is now, a password changed in the admin too."
    )

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username=settings.EDITOR_USERNAME, defaults={"email": settings.EDITOR_EMAIL}
        )
        # An account made elsewhere without a password (createsuperuser --noinput) gets one too.
        sets_password = created or not user.has_usable_password()
        password = settings.EDITOR_PASSWORD or secrets.token_urlsafe(12)
        if sets_password:
            user.set_password(password)
        user.is_staff = True
        user.is_active = True
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))

        site = settings.SITE_URL
        username = user.get_username()
        if not sets_password:
            shown = "unchanged: the one it was created with, or changed to since"
            if settings.EDITOR_PASSWORD:
                shown += " (EDITOR_PASSWORD counts only at creation)"
            shown += (
                f"\n  change it signed in, at {site}{reverse('admin:password_change')}"
                f"\n  forgotten: .venv/bin/python manage.py changepassword {username}"
            )
        elif settings.EDITOR_PASSWORD:
            shown = "EDITOR_PASSWORD"
        else:
            shown = f"{password}  (generated once: note it; later runs keep it)"
        self.stdout.write(
            self.style.SUCCESS(f"Editor account {'created' if created else 'ready'}.")
            + f"\n  Sign in at {site}{reverse('admin:login')}\n  username: {username}"
            + f"\n  password: {shown}"
        )
