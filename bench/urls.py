"""The benchmark's URLs: the site's own, plus the baseline view (settings.bench only)."""

from django.urls import include, path

from .views import baseline

urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("", include("runsite.urls")),
]
