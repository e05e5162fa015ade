import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.urls import reverse

from runsite.permissions import EDITORS_GROUP


class Command(BaseCommand):
    help = "Make sure the editor account exists in the Editors group, and print how to sign in."

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username=settings.EDITOR_USERNAME, defaults={"email": settings.EDITOR_EMAIL}
        )
        password = settings.EDITOR_PASSWORD
        generated = not password
        if generated:
            # No password configured: a fresh one each run, printed below, so it is never stale.
            password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_active = True
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))

        login_url = f"{settings.SITE_URL}{reverse('admin:login')}"
        self.stdout.write(
            self.style.SUCCESS(f"Editor account {'created' if created else 'ready'}.")
            + f"\n  Sign in at {login_url}\n  username: {user.get_username()}\n  password: "
            + (
                f"{password}  (generated; set EDITOR_PASSWORD to choose one)"
                if generated
                else "(EDITOR_PASSWORD)"
            )
        )
