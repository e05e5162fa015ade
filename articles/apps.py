from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publication"

    def ready(self):
        from common.pagecache import schedule_with, watch

        from .models import Article, Author, Image, Rendition, Section, Theme, Topic

        for model in (Article, Author, Image, Rendition, Section, Theme, Topic):
            watch(model, "publication")
        schedule_with(_next_publish_at)


def _next_publish_at():
    """When the next scheduled piece goes live, or None."""
    from .models import Article

    return (
        Article.objects.scheduled()
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
