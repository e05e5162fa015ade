from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"

    def ready(self):
        from runsite.pagecache import watch

        from .models import Issue, IssueArticle

        watch(Issue, "newsletter")
        watch(IssueArticle, "newsletter")
