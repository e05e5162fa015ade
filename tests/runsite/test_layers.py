"""Templates keep the layers too (README, Layout): import-linter reads only Python, so an app's
templates are read here. An app's templates may load the tag libraries and include the
templates of the apps below it, never of one above; the site's own templates (templates/
outside the apps' folders) compose everything."""

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Top to bottom, as in pyproject.toml's import-linter contract (common has no templates).
APPS = ["start", "community", "newsletter", "articles"]

# Site-level overrides that compose an app's page with the apps above it, as runsite does.
SITE_OVERRIDES = {"templates/articles/article_detail.html"}

TAG = re.compile(r"{%-?\s*(load|include|extends|import|from)\s+(.+?)\s*-?%}", re.S)
QUOTED = re.compile(r"""["']([^"']+)["']""")


def templates_of(app: str) -> list[Path]:
    """The app's templates: its own folders and its folders in the site's templates/."""
    folders = [
        ROOT / app / "templates",
        ROOT / app / "jinja2",
        ROOT / "templates" / app,
        ROOT / "templates" / "emails" / app,
        ROOT / "templates" / "admin" / app,
    ]
    found = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    return sorted(p for p in found if str(p.relative_to(ROOT)) not in SITE_OVERRIDES)


def tag_libraries(app: str) -> set[str]:
    return {path.stem for path in (ROOT / app / "templatetags").glob("*.py")} - {"__init__"}


def references_above(source: str, above: list[str]) -> list[str]:
    """The `{% load %}`s of the upper apps' tag libraries and the `{% include %}`s (extends,
    Jinja2's import and from) of their templates in `source`."""
    libraries = {library for app in above for library in tag_libraries(app)}
    prefixes = tuple(f"{folder}{app}/" for app in above for folder in ("", "emails/", "admin/"))
    found = []
    for tag, argument in TAG.findall(source):
        if tag == "load":
            # {% load a b %} and {% load name from library %}
            names = argument.split()
            loaded = names[names.index("from") + 1 :] if "from" in names else names
            found += [f"load {name}" for name in loaded if name in libraries]
        else:  # the template's name, when it is written out (not a variable)
            names = QUOTED.findall(argument)[:1]
            found += [f"{tag} {name}" for name in names if name.startswith(prefixes)]
    return found


@pytest.mark.parametrize("app", APPS[1:])
def test_an_apps_templates_name_no_app_above_it(app):
    above = APPS[: APPS.index(app)]
    wrong = {
        str(path.relative_to(ROOT)): refs
        for path in templates_of(app)
        if (refs := references_above(path.read_text(), above))
    }
    assert wrong == {}, f"templates of {app} name {', '.join(above)}, above it"


def test_the_check_sees_a_load_and_an_include_of_an_upper_app():
    source = (
        '{% load static community_tags %}{% include "newsletter/includes/subscribe_form.html" %}'
        '{% include "articles/includes/section.html" %}{% include "includes/pagination.html" %}'
    )
    assert references_above(source, ["start", "community", "newsletter"]) == [
        "load community_tags",
        "include newsletter/includes/subscribe_form.html",
    ]
