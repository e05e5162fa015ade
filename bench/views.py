"""The baseline view, served by the site's settings (bench/urls.py) and by the bare project."""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse


@cache
def _baseline() -> tuple[bytes, str]:
    body = Path(settings.BENCH_BASELINE_FILE).read_bytes()
    return body, f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


def baseline(request):
    """A prebuilt page as large as the article's, with its ETag worked out once, as a page from
    the page cache carries the one stored with it."""
    body, etag = _baseline()
    return HttpResponse(body, content_type="text/html; charset=utf-8", headers={"ETag": etag})
