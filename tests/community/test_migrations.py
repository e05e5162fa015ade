"""community 0004 puts the link between a reader story and the share it grew from on the share:
on a fresh database, and on one the old articles 0003 had given articles_article.source_share_id
(a key to the share), whose links it keeps and whose column it drops."""

import pytest
from django.conf import settings
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

from articles.models import Article
from community.models import Share

pytestmark = pytest.mark.django_db(transaction=True)

STORY_MIGRATION = ("community", "0004_share_story")


@pytest.fixture
def migrate():
    """Migrate to `targets` and return their models; after the test, migrate everything again."""

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def before_the_move():
    """The migrations just before community 0004, articles' newest included."""
    graph = MigrationExecutor(connection).loader.graph
    return [("community", "0003_share_photo_size"), *graph.leaf_nodes("articles")]


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def add_the_old_column(apps):
    """What the old articles 0003 did: Article.source_share, a foreign key to a share. Returns
    the models with it."""
    state = ProjectState.from_apps(apps)
    state.models["articles", "article"].fields["source_share"] = models.ForeignKey(
        "community.Share", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_article = state.apps.get_model("articles", "Article")
    with connection.schema_editor() as editor:
        editor.add_field(old_article, old_article._meta.get_field("source_share"))
    return old_article._meta.apps


def test_on_a_fresh_database_shares_get_a_story_and_articles_no_column(migrate):
    apps = migrate(before_the_move())
    user = apps.get_model(settings.AUTH_USER_MODEL).objects.create(username="mira")
    share = apps.get_model("community", "Share").objects.create(author=user, text="Rain.")

    migrate([STORY_MIGRATION])

    assert Share.objects.get(pk=share.pk).story is None
    assert "source_share_id" not in columns("articles_article")


def test_on_a_database_with_the_old_column_each_story_stays_linked_to_its_share(migrate):
    apps = add_the_old_column(migrate(before_the_move()))
    old_article = apps.get_model("articles", "Article")
    user = apps.get_model(settings.AUTH_USER_MODEL).objects.create(username="mira")
    old_share = apps.get_model("community", "Share")
    share = old_share.objects.create(author=user, text="Ran with the club.", may_feature=True)
    lone_share = old_share.objects.create(author=user, text="Just a run.")
    author = apps.get_model("articles", "Author").objects.create(name="Mira", slug="member-1")
    # Made before the old articles 0004 rendered stories with the members' rules.
    story = old_article.objects.create(
        title="A reader's run win",
        slug="reader-story-1",
        kind="story",
        author=author,
        summary="Ran with the club.",
        body="Ran with [the club](https://club.example/).\n\n<img src=x>",
        body_markup="editors",
        source_share=share,
    )
    feature = old_article.objects.create(
        title="Why we run", slug="why-we-run", author=author, summary="s", body="<img src=x>"
    )

    migrate([STORY_MIGRATION])

    assert "source_share_id" not in columns("articles_article")
    assert Share.objects.get(pk=share.pk).story == Article.objects.get(pk=story.pk)
    assert Share.objects.get(pk=lone_share.pk).story is None
    story = Article.objects.get(pk=story.pk)
    assert story.source_share.pk == share.pk
    assert story.body_markup == Article.Markup.MEMBER
    assert 'rel="nofollow ugc noopener"' in story.body_html
    assert "<img" not in story.body_html
    assert Article.objects.get(pk=feature.pk).body_markup == Article.Markup.EDITORS
