import logging
import time
from functools import lru_cache
from urllib.parse import unquote_to_bytes, urlsplit

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as PolicyBuildingCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest, DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.views.defaults import bad_request

from common import requestid

access_logger = logging.getLogger("runsite.request")
# One line for each request refused before any view saw it; never a traceback.
refused_logger = logging.getLogger("runsite.security")

# Health probes may name a node by its own address: they are answered, never redirected.
PROBE_PATHS = {"/healthz", "/readyz"}
# No page of the site reads a query string longer than this, nor a value longer than this.
MAX_QUERY_BYTES = 2048
MAX_QUERY_VALUE_CHARS = 500


def refuse(request, reason: str):
    """The site's 400 page, with one WARNING line that says why."""
    refused_logger.warning(
        "Refused %s %s: %s", request.method, request.path, reason, extra={"reason": reason}
    )
    return bad_request(request, BadRequest(reason))


@lru_cache(maxsize=4)
def site_host(site_url: str) -> str:
    return urlsplit(site_url).netloc


class SiteHostMiddleware:
    """The request's Host is checked, then forgotten: the site's own comes from SITE_URL.

    Django checks Host against ALLOWED_HOSTS but ignores its port, and everything that builds
    an absolute link or a per-site key from the request (allauth's emails and login lockout,
    `build_absolute_uri`, the page cache) would use whatever name and port a request gave. So
    an allowed Host is replaced by SITE_URL's before anything reads it, and a browser that
    arrived by another allowed name is sent to the site's own (so its forms post to the origin
    that CSRF checks expect); health probes are answered under any allowed name. A refused
    Host is a 400 with one WARNING line, not a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            host = request.get_host()
        except DisallowedHost:
            return refuse(request, "host not in ALLOWED_HOSTS")
        own = site_host(settings.SITE_URL)
        if host != own:
            if (
                split_domain_port(host)[0] != split_domain_port(own)[0]
                and request.method in ("GET", "HEAD")
                and request.path_info not in PROBE_PATHS
            ):
                return HttpResponsePermanentRedirect(settings.SITE_URL + request.get_full_path())
            # The same name on another port (a node's own, or a made-up one) is served as is.
            request.META["HTTP_HOST"] = own
        request.META.pop("HTTP_X_FORWARDED_HOST", None)
        return self.get_response(request)


class RequestInputMiddleware:
    """One check of what every view reads from the URL, before any view reads it.

    A NUL byte reaches PostgreSQL as an error, invalid UTF-8 is silently replaced, and a
    parameter given twice leaves a view reading one of them: each is refused with a 400 here,
    so views only ever see text they can use. The admin's filters may repeat a parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = self.problem(request)
        if reason:
            return refuse(request, reason)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if "\x00" in request.path_info:
            return "NUL byte in the path"
        query = request.META.get("QUERY_STRING", "")
        if not query:
            return ""
        if len(query) > MAX_QUERY_BYTES:
            return "query string too long"
        repeats_allowed = request.path_info.startswith(f"/{settings.ADMIN_URL}")
        # WSGI hands the raw bytes over as latin-1 text; Django reads them back the same way.
        raw = query.encode("iso-8859-1", errors="replace")
        names = set()
        for pair in raw.split(b"&"):
            if not pair:
                continue
            name, _, value = pair.partition(b"=")
            try:
                name, value = (
                    unquote_to_bytes(part.replace(b"+", b" ")).decode() for part in (name, value)
                )
            except UnicodeDecodeError:
                return "invalid UTF-8 in the query string"
            if "\x00" in name or "\x00" in value:
                return "NUL byte in the query string"
            if len(value) > MAX_QUERY_VALUE_CHARS:
                return f"query parameter {name[:40]!r} too long"
            if name in names and not repeats_allowed:
                return f"query parameter {name[:40]!r} repeated"
            names.add(name)
        return ""


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestIdMiddleware:
    """Gives each request an id, echoes it in X-Request-ID and logs one line per request.

    A sane X-Request-ID from the proxy is kept so its log and ours line up; anything else is
    replaced rather than trusted into log lines. The line has the path without its query string,
    which can carry tokens (confirmation and unsubscribe links)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if requestid.is_valid(incoming) else requestid.new()
        token = requestid.bind(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            user = getattr(request, "user", None)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            requestid.reset(token)


# What a view or decorator may set on a response to change its policy (csp.decorators).
_POLICY_CHANGES = tuple(
    f"_csp_{change}{suffix}" for change in ("config", "update", "replace") for suffix in ("", "_ro")
)


@lru_cache(maxsize=1)
def _settings_policies() -> tuple[str, str]:
    """The Content-Security-Policy and its report-only twin that the settings alone make."""
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()


class CSPMiddleware(PolicyBuildingCSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process.

    django-csp builds both policies from the settings on every response: twice 50 µs, a sixth
    of a page served from the cache. Every response that neither used a nonce nor had its
    policy changed by a decorator gets the same two strings, so those are built once; any
    other response goes through django-csp as before."""

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, change) for change in _POLICY_CHANGES)
        ):
            return super().process_response(request, response)
        policy, report_only = _settings_policies()
        path = request.path_info
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                value
                and header not in response
                and not getattr(response, exempt, False)
                and not path.startswith(tuple(excluded))
            ):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
