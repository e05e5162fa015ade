from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared library: code every app may use, importing none of them (README, Layout)."""

    name = "common"
    verbose_name = "Shared"

    def ready(self):
        from anymail.signals import inbound

        from .unsubscribe_mailbox import on_inbound

        # Mail the provider receives for the unsubscribe mailbox; the handler does nothing
        # unless NEWSLETTER_UNSUBSCRIBE_INBOUND is on.
        inbound.connect(on_inbound, dispatch_uid="common.unsubscribe_mailbox")
