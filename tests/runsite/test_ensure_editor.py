"""`manage.py ensure_editor`, run by every `make run`: it makes the editor account once, with a
password it prints then, and afterwards never touches the password again, so one changed in
the admin still signs in after the next `make run`."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from common.permissions import EDITORS_GROUP

pytestmark = pytest.mark.django_db


def ensure_editor() -> str:
    out = StringIO()
    call_command("ensure_editor", stdout=out)
    return out.getvalue()


def editor():
    return get_user_model().objects.get(username="editor")


def printed_password(output: str) -> str:
    found = re.search(r"password: (\S+)  \(generated", output)
    assert found, output
    return found.group(1)


def test_the_first_run_makes_an_editor_with_a_generated_password_it_prints(settings):
    settings.EDITOR_PASSWORD = ""
    output = ensure_editor()

    assert "Editor account created." in output
    user = editor()
    assert user.check_password(printed_password(output))
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.groups.filter(name=EDITORS_GROUP).exists()


def test_later_runs_keep_the_generated_password_and_print_none(settings):
    settings.EDITOR_PASSWORD = ""
    password = printed_password(ensure_editor())

    output = ensure_editor()

    assert editor().check_password(password)
    assert password not in output
    assert "password: unchanged" in output
    assert "/admin/password_change/" in output
    assert "manage.py changepassword editor" in output


def test_a_password_changed_in_the_admin_survives_the_next_run(settings):
    settings.EDITOR_PASSWORD = "the-password-from-dot-env"
    ensure_editor()
    user = editor()
    user.set_password("chosen-in-the-admin")
    user.save()

    output = ensure_editor()

    assert editor().check_password("chosen-in-the-admin")
    assert "EDITOR_PASSWORD counts only at creation" in output


def test_editor_password_sets_the_password_of_a_new_account(settings):
    settings.EDITOR_PASSWORD = "the-password-from-dot-env"
    output = ensure_editor()

    assert editor().check_password("the-password-from-dot-env")
    assert "password: EDITOR_PASSWORD" in output
    assert "the-password-from-dot-env" not in output


def test_an_existing_account_without_a_password_gets_one_and_joins_the_editors(settings):
    settings.EDITOR_PASSWORD = ""
    get_user_model().objects.create_user(username="editor", is_staff=False)  # no password

    output = ensure_editor()

    user = editor()
    assert user.check_password(printed_password(output))
    assert user.is_staff
    assert user.groups.filter(name=EDITORS_GROUP).exists()
