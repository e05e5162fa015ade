from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RunsiteConfig(AppConfig):
    default = True  # this module also holds the admin's config, named in INSTALLED_APPS
    name = "runsite"
    verbose_name = "Site"

    def ready(self):
        from anymail.signals import inbound

        from .unsubscribe_mailbox import on_inbound

        # Mail the provider receives for the unsubscribe mailbox; the handler does nothing
        # unless NEWSLETTER_UNSUBSCRIBE_INBOUND is on.
        inbound.connect(on_inbound, dispatch_uid="runsite.unsubscribe_mailbox")


class SiteAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "runsite.admin.SiteAdmin"
