"""The Jinja2 environment of the apps' jinja2/ templates (see TEMPLATES): Django's `url` and
`static`, under the names Django's templates use; and `render_fragment`, which puts one of those
templates into a Django template's page."""

from django.http import HttpRequest
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)
    env.globals.update(url=url, static=static)
    return env


def render_fragment(name: str, context: dict, request: HttpRequest | None = None) -> SafeString:
    """A Jinja2 template rendered as a piece of a Django template's page, marked safe."""
    html = get_template(name, using="jinja2").render(context, request=request)
    # Safe because Jinja2 escaped every value (environment() above turns autoescape on)
    # and the bodies it shows unescaped were sanitized by common.markup when they were saved.
    return mark_safe(html)  # noqa: S308
