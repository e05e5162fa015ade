from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import sitemaps
from common.pagecache import cache_public_page
from community.views import accounts, profiles

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # The publication's pages first: most requests are for them, and Django tries each pattern
    # in turn (none of theirs begins like another app's).
    path("", include("articles.urls")),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/cookies/", views.cookie_consent, name="cookie-consent"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "sitemap.xml",
        cache_public_page("publication", "community")(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/profile/", profiles.profile_update, name="profile"),
    path("accounts/profile/data/", profiles.data_export, name="profile-data"),
    path("accounts/profile/delete/", profiles.account_delete, name="profile-delete"),
    # allauth's sign-in, but a locked account is told so with a 429 (community/views/accounts.py).
    path("accounts/login/", accounts.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("community/", include("community.urls")),
    path("newsletter/", include("newsletter.urls")),
    # The mail provider's tracking and inbound webhooks; none unless EMAIL_PROVIDER names one.
    path("mail/webhooks/", include("runsite.webhooks")),
    path("start/", include("start.urls")),
]

if settings.DEBUG and settings.MEDIA_STORAGE == "filesystem":
    # In production the proxy or object storage serves uploads (see README, Production).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
