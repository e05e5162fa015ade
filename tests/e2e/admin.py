"""An editor's steps in the admin, shared by the browser tests that work there."""

from django.conf import settings


def sign_in_to_the_admin(page, live_server) -> None:
    # The one address an editor types: nothing on the public site links to the admin.
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.shot("admin-index")
    assert page.get_by_role("heading", name="Publishing").is_visible()


def autocomplete(page, field, text: str) -> None:
    """Choose `text` in one of the admin's autocomplete boxes, typing as an editor does. The box
    (select2) is not tied to its label, so `field` is its form row: the admin's `.field-<name>`."""
    field.get_by_role("combobox").click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).click()
