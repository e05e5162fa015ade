from django.db import migrations

from common.permissions import grant_to_editors


def grant(apps, schema_editor):
    grant_to_editors(
        apps,
        "community",
        ["city", "club", "route", "share", "cheer", "partnerpost", "comment", "commentreport"],
    )
    # Editors see members' profiles, goals and updates for moderation, but do not edit them.
    grant_to_editors(apps, "community", ["profile", "goal", "goalupdate"], actions=("view",))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("articles", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
