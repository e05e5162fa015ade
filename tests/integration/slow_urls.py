"""The site's URLs plus /slow/, which takes SLOW_SECONDS to answer (tests/integration only)."""

import logging
import time

from django.http import HttpResponse
from django.urls import include, path

SLOW_SECONDS = 2

logger = logging.getLogger(__name__)


def slow(request):
    logger.warning("slow request started")
    time.sleep(SLOW_SECONDS)
    return HttpResponse("finished", content_type="text/plain")


urlpatterns = [
    path("slow/", slow),
    path("", include("runsite.urls")),
]
