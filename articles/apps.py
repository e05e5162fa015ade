from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publication"

    def ready(self):
        from runsite.pagecache import watch

        from .models import Article, Author, Image, Rendition, Section, Theme, Topic

        for model in (Article, Author, Image, Rendition, Section, Theme, Topic):
            watch(model, "publication")
