"""The "Editors" group: staff who publish and moderate without being superusers.

Each app grants its own models' permissions from a data migration, so the group is right on
every database from `migrate` alone.
"""

from django.contrib.auth.management import create_permissions

EDITORS_GROUP = "Editors"


def grant_to_editors(
    apps, app_label: str, model_names: list[str], actions=("add", "change", "delete", "view")
):
    """Give the Editors group `actions` on `model_names` of `app_label` (for RunPython)."""
    # Permissions are normally created after all migrations ran; create them now so they exist.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [f"{action}_{model}" for model in model_names for action in actions]
    group.permissions.add(
        *permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
