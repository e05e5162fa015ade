"""The Jinja2 environment of the apps' jinja2/ templates (see TEMPLATES): Django's `url` and
`static`, under the names Django's templates use."""

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)
    env.globals.update(url=url, static=static)
    return env
