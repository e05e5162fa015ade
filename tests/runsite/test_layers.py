"""Templates and migrations keep the layers too (README, Layout): import-linter follows only
imports, so an app's templates are read here, and its migrations' dependencies and the models
they name by string. An app's templates may load the tag libraries and include the templates of
the apps below it, never of one above; the site's own templates (templates/ outside the apps'
folders) compose everything. An app's migrations depend on and name only apps below it."""

import re
import types
from importlib import import_module
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
        '{% include "articles/story_list.html" %}{% include "includes/pagination.html" %}'
    )
    assert references_above(source, ["start", "community", "newsletter"]) == [
        "load community_tags",
        "include newsletter/includes/subscribe_form.html",
    ]


# Every package with models, top to bottom (common's migrations too: it is a leaf).
LAYERS = ["runsite", "start", "community", "newsletter", "articles", "common"]

# A model named by string ("community.Share", to='community.share') or looked up by a RunPython
# (apps.get_model("community", "Share")).
MODEL_LABEL = re.compile(r"""["'](\w+)\.\w+["']|get_model\(\s*["'](\w+)["']""")


def migrations_of(app: str) -> list[types.ModuleType]:
    folder = ROOT / app / "migrations"
    names = sorted(path.stem for path in folder.glob("[0-9]*.py"))
    return [import_module(f"{app}.migrations.{name}") for name in names]


def apps_named(migration: types.ModuleType, source: str, apps: list[str]) -> set[str]:
    """Which of `apps` the migration depends on or whose models it names."""
    named = {app_label for app_label, _ in migration.Migration.dependencies}
    named |= {label for pair in MODEL_LABEL.findall(source) for label in pair if label}
    return named & set(apps)


# Migrations that name an app above, known and why; none may join them.
NAMED_ABOVE = {
    # It took runsite's ConsentRecord and WelcomeSent over (runsite 0003): their tables are
    # runsite's migrations' work, so it runs after them.
    "common.migrations.0001_initial": {"runsite"},
}


@pytest.mark.parametrize("app", LAYERS[1:])
def test_an_apps_migrations_name_no_app_above_it(app):
    above = LAYERS[: LAYERS.index(app)]
    wrong = {
        migration.__name__: named
        for migration in migrations_of(app)
        if (
            named := apps_named(migration, Path(migration.__file__).read_text(), above)
            - NAMED_ABOVE.get(migration.__name__, set())
        )
    }
    assert wrong == {}, f"migrations of {app} name {', '.join(above)}, above it"


# articles 0003 as it was (shortened), when an article linked to its share.
OLD_ARTICLES_0003 = """
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_editors_group'),
        ('community', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='source_share',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='stories',
                to='community.share',
            ),
        ),
    ]
"""


def test_the_check_sees_a_dependency_and_a_model_of_an_upper_app():
    migration = types.ModuleType("articles.migrations.0003_article_source_share")
    exec(OLD_ARTICLES_0003, migration.__dict__)
    without_dependency = OLD_ARTICLES_0003.replace("('community', '0001_initial'),", "")
    read_by_code = 'apps.get_model("newsletter", "Issue")'

    above = ["community", "newsletter"]
    assert apps_named(migration, OLD_ARTICLES_0003, above) == {"community"}
    migration.Migration.dependencies = [("articles", "0002_editors_group")]
    assert apps_named(migration, without_dependency, above) == {"community"}
    assert apps_named(migration, read_by_code, above) == {"newsletter"}
    assert apps_named(migration, "", above) == set()
