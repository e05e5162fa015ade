"""CSRF protection for the two forms that sit on cached pages: subscribing and the cookie choice.

A page served from the cache to many readers cannot carry a token tied to one reader's cookie,
and a visitor who arrives from a newsletter has no cookie yet. Neither form touches an account,
so for visitors who are not signed in they are protected the way browsers now allow without a
token: the request must come from one of the site's own pages, as the browser reports it
(Sec-Fetch-Site, or Origin, or Referer; the method of Go's CrossOriginProtection and of
Django's own Origin check). A signed-in member's pages are never cached, carry the token, and
their posts are checked against it exactly as everywhere else.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Only its token check is used (process_view); the response it would pass on is never asked for.
_token_check = CsrfViewMiddleware(lambda request: None)  # type: ignore[arg-type]


def is_same_origin(request) -> bool:
    """Whether the browser says the request comes from one of the site's own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # "none": typed in the address bar or from a bookmark; a form cannot post that way.
        return fetch_site in ("same-origin", "none")
    own = f"{request.scheme}://{request.get_host()}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == own
    # Every browser of the last years sends one of the three on a cross-site form post; a
    # request with none comes from a program, which holds no visitor's cookies to abuse.
    return True


def protect_cached_form(view):
    """Token check for members, same-origin check for visitors who are not signed in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            if request.user.is_authenticated:
                rejection = _token_check.process_view(request, view, args, kwargs)
                if rejection is not None:
                    return rejection
            elif not is_same_origin(request):
                failure = get_callable(settings.CSRF_FAILURE_VIEW)
                return failure(request, reason="The form was sent from another site.")
        return view(request, *args, **kwargs)

    wrapped.csrf_same_origin = True
    return csrf_exempt(wrapped)
