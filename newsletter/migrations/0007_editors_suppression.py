from django.db import migrations

from common.permissions import grant_to_editors


def grant(apps, schema_editor):
    # Editors see why an address stopped receiving, stop one by hand, and lift a suppression
    # (the one way back for a complaint); provider events are records they only read.
    grant_to_editors(apps, "newsletter", ["suppressedaddress"], actions=("view", "add", "lift"))
    grant_to_editors(apps, "newsletter", ["providerevent"], actions=("view",))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0006_providerevent"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
