from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"

    def ready(self):
        from runsite.mail import register_stop
        from runsite.pagecache import watch

        from .models import Issue, IssueArticle

        watch(Issue, "newsletter")
        watch(IssueArticle, "newsletter")
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
