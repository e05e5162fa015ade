# ConsentRecord and WelcomeSent moved here from runsite (runsite/migrations/0003). Their tables
# stay as runsite's migrations made them: this migration only tells Django the models are
# common's now, and relabels their content types so the permissions on them carry over.

import uuid

from django.db import migrations, models

MOVED = ["consentrecord", "welcomesent"]


def _relabel(apps, old: str, new: str):
    content_type = apps.get_model("contenttypes", "ContentType")
    # A model that already has a content type under the new label (made by a migrate that ran
    # in between) keeps that one.
    taken = set(
        content_type.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True)
    )
    content_type.objects.filter(app_label=old, model__in=set(MOVED) - taken).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "runsite", "common")


def restore_content_types(apps, schema_editor):
    _relabel(apps, "common", "runsite")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("runsite", "0002_welcome_sent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConsentRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("anonymous_id", models.UUIDField(db_index=True, default=uuid.uuid4)),
                        ("preferences", models.BooleanField(default=False)),
                        ("analytics", models.BooleanField(default=False)),
                        ("policy_version", models.PositiveSmallIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "runsite_consentrecord",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="WelcomeSent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("address_digest", models.CharField(max_length=64, unique=True)),
                        ("kind", models.CharField(max_length=20)),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "runsite_welcomesent",
                        "verbose_name_plural": "welcomes sent",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
