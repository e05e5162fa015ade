from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"

    def ready(self):
        from anymail.signals import tracking

        from common.mail import register_stop
        from common.pagecache import watch

        from .models import Issue, IssueArticle
        from .services.provider_events import handle_tracking_signal

        watch(Issue, "newsletter")
        watch(IssueArticle, "newsletter")
        # anymail delivers a provider's verified webhook events only as this signal; the
        # receiver hands each to the service that records it and acts on it.
        tracking.connect(handle_tracking_signal, dispatch_uid="newsletter.provider_events")
        # Issues, series steps and the welcome name this kind in their mailto subject; the
        # unsubscribe mailbox stops it as the one-click link does.
        register_stop("newsletter", _stop)


def _stop(token: str) -> bool:
    from .services.subscriptions import subscriber_from_manage_token, unsubscribe

    subscriber = subscriber_from_manage_token(token)
    if subscriber is None:
        return False
    unsubscribe(subscriber=subscriber)
    return True
