"""Site-wide pages: home, privacy, robots.txt, and the liveness and readiness checks."""

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from articles import services as articles
from common import consent, cookies
from common.csrf import protect_cached_form
from common.pagecache import cache_public_page
from common.ratelimit import RateLimited, check_rate, client_network_of

from .celery import app as celery_app
from .models import CspReport

logger = logging.getLogger(__name__)


@require_GET
@cache_public_page("publication", "comments")
def home(request):
    page = articles.home_page()
    return render(
        request,
        "runsite/home.html",
        {
            "theme": page.theme,
            "sections": page.sections,
            "stories": page.stories,
        },
    )


@require_GET
def privacy(request):
    return render(
        request,
        "runsite/privacy.html",
        {
            "cookie_groups": cookies.by_category(),
            "storage": cookies.STORAGE,
            "remove_site_data": cookies.REMOVE_SITE_DATA,
        },
    )


@require_POST
@protect_cached_form
def cookie_consent(request):
    """The banner's and the privacy page's form: accept all, reject non-essential, or choose."""
    choice = request.POST.get("choice", "")
    if choice == "all":
        preferences = analytics = True
    elif choice == "necessary":
        preferences = analytics = False
    else:
        preferences = request.POST.get("preferences") == "on"
        analytics = request.POST.get("analytics") == "on"
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("privacy")
    response = redirect(next_url)
    consent.record(response=response, request=request, preferences=preferences, analytics=analytics)
    messages.success(request, "Your cookie choice is saved. You can change it at any time.")
    return response


CSP_REPORT_MAX_BYTES = 16 * 1024
MAX_LINE_NUMBER = 2_147_483_647  # the largest a PositiveIntegerField holds everywhere


@csrf_exempt
@require_POST
def csp_report(request):
    """Browsers post Content-Security-Policy violations here; each is recorded and logged."""
    if len(request.body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        check_rate("csp-report", client_network_of(request))
        report = json.loads(request.body).get("csp-report", {})
    except RateLimited:
        return HttpResponse(status=429)
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    line = report.get("line-number")

    def text(name: str, limit: int) -> str:
        # A browser's report is text; a NUL in it would be refused by PostgreSQL.
        return str(report.get(name, "")).replace("\x00", "")[:limit]

    CspReport.objects.create(
        document_uri=text("document-uri", 500),
        violated_directive=text("violated-directive", 200),
        blocked_uri=text("blocked-uri", 500),
        source_file=text("source-file", 500),
        line_number=line if isinstance(line, int) and 0 <= line <= MAX_LINE_NUMBER else None,
    )
    logger.warning(
        "CSP violation: %s blocked %s", report.get("violated-directive"), report.get("blocked-uri")
    )
    return HttpResponse(status=204)


def csrf_failure(request, reason=""):
    """The CSRF failure page in the site's style (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "Disallow: /accounts/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=60 * 60 * 24)
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon of its own (the admin, a feed
    shown as text): point them at the site's icon rather than answer each one with a 404."""
    # Not permanent: the icon's static URL changes with its content in production.
    return redirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """Liveness: this process answers requests. It checks nothing else on purpose: a probe that
    restarts processes must not restart them all when the database is down, which restarts
    cannot fix. Whether the site can serve is /readyz's question."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _check_migrations():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
        raise RuntimeError(f"unapplied migrations: {names}")


READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "migrations": _check_migrations,
}


@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 when the database, cache and broker answer and the schema matches the code;
    503 naming what failed, so the load balancer sends traffic elsewhere until it is fixed."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception:
            # The reason goes to the log only: this page is public.
            logger.exception("Readiness check %s failed", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": results}, status=200 if ready else 503
    )
