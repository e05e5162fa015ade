from django.apps import AppConfig


class RunsiteConfig(AppConfig):
    name = "runsite"
    verbose_name = "Site"
