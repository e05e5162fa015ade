from django.db import migrations

from common.permissions import grant_to_editors


def grant(apps, schema_editor):
    grant_to_editors(apps, "newsletter", ["issue", "issuearticle"])
    # Editors watch subscribers and deliveries but never edit them by hand.
    grant_to_editors(
        apps, "newsletter", ["subscriber", "delivery", "seriesdelivery"], actions=("view",)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        # After the articles grants, as before; it named community's once, for order alone.
        ("articles", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
