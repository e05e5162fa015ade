from django.apps import AppConfig


class StartConfig(AppConfig):
    name = "start"
    verbose_name = "Getting started"
