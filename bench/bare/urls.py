"""The bare project's one page: the baseline's bytes, as bench/urls.py serves them."""

from django.urls import path

from bench.views import baseline

urlpatterns = [path("bench/baseline/", baseline), path("healthz", baseline)]
