from django.db import migrations, models


def fill_sources(apps, schema_editor):
    """Existing images get the sources of the renditions they already have."""
    Image = apps.get_model("articles", "Image")
    Rendition = apps.get_model("articles", "Rendition")
    sources = {}
    for image_id, rendition_format, width, name in Rendition.objects.order_by(
        "image_id", "width", "format"
    ).values_list("image_id", "format", "width", "file"):
        sources.setdefault(image_id, []).append([rendition_format, width, name])
    for image in Image.objects.filter(pk__in=sources):
        image.sources = sources[image.pk]
        image.save(update_fields=["sources"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_body_markup"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="sources",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
    ]
