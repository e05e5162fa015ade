from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.template.response import TemplateResponse

from common.models import ConsentRecord
from common.ratelimit import (
    RateLimited,
    check_locked,
    check_rate,
    client_network_of,
    record_failure,
)

from .models import CspReport


class SiteAdmin(admin.AdminSite):
    """The editors' workspace. Its sign-in is limited per client network (the real client's,
    behind the proxies) and locked per account after five failures in five minutes; a locked
    sign-in answers 429 and says when to try again."""

    site_header = f"{settings.SITE_NAME} — editors"
    site_title = settings.SITE_NAME
    index_title = "Publishing"

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        account = request.POST.get("username", "").strip().lower()[:150]
        try:
            check_rate("admin-login", client_network_of(request))
            check_locked("admin-login-failures", account)
        except RateLimited as limit:
            return self._locked_out(request, limit)
        response = super().login(request, extra_context)
        if response.status_code == 200:  # the form again: the sign-in failed
            record_failure("admin-login-failures", account)
        return response

    def _locked_out(self, request, limit: RateLimited):
        who = "your network" if limit.action == "admin-login" else "this account"
        messages.error(
            request,
            f"Too many sign-in attempts from {who}. Please try again in {limit.wait}.",
        )
        context = {
            **self.each_context(request),
            "form": AdminAuthenticationForm(request, data=None),
            "title": "Log in",
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        response = TemplateResponse(request, "admin/login.html", context, status=429)
        response["Retry-After"] = str(limit.retry_after)
        return response


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["anonymous_id", "preferences", "analytics", "policy_version", "created_at"]
    list_filter = ["policy_version", "preferences", "analytics"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CspReport)
class CspReportAdmin(admin.ModelAdmin):
    list_display = ["violated_directive", "blocked_uri", "document_uri", "created_at"]
    list_filter = ["violated_directive"]
    readonly_fields = [f.name for f in CspReport._meta.fields]

    def has_add_permission(self, request):
        return False
