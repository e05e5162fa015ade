from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"

    def ready(self):
        from anymail.signals import tracking

        from runsite.pagecache import watch

        from .models import Issue, IssueArticle
        from .services.provider_events import handle_tracking_signal

        watch(Issue, "newsletter")
        watch(IssueArticle, "newsletter")
        # anymail delivers a provider's verified webhook events only as this signal; the
        # receiver hands each to the service that records it and acts on it.
        tracking.connect(handle_tracking_signal, dispatch_uid="newsletter.provider_events")
