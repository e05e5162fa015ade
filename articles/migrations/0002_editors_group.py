from django.db import migrations

from common.permissions import grant_to_editors


def grant(apps, schema_editor):
    grant_to_editors(
        apps, "articles", ["article", "author", "image", "rendition", "section", "theme", "topic"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
