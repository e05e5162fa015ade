from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RunsiteConfig(AppConfig):
    default = True  # this module also holds the admin's config, named in INSTALLED_APPS
    name = "runsite"
    verbose_name = "Site"


class SiteAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "runsite.admin.SiteAdmin"
