"""The benchmark's URLs: the site's own, plus the baseline view (settings.bench only)."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path


@cache
def _baseline_body() -> bytes:
    return Path(settings.BENCH_BASELINE_FILE).read_bytes()


def baseline(request):
    """A bare view behind the same middleware: a prebuilt page, as large as the article's."""
    return HttpResponse(_baseline_body(), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("", include("runsite.urls")),
]
