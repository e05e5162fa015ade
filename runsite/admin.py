from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.template.response import TemplateResponse

from .models import ConsentRecord, CspReport
from .ratelimit import RateLimited, check_rate, client_network


class SiteAdmin(admin.AdminSite):
    """The editors' workspace, with its sign-in form rate-limited per client network."""

    site_header = f"{settings.SITE_NAME} — editors"
    site_title = settings.SITE_NAME
    index_title = "Publishing"

    def login(self, request, extra_context=None):
        if request.method == "POST":
            try:
                check_rate("admin-login", client_network(request.META.get("REMOTE_ADDR", "")))
            except RateLimited:
                form = AdminAuthenticationForm(request, data=None)
                messages.error(
                    request,
                    "Too many sign-in attempts from your network. Please wait a few minutes.",
                )
                context = {
                    **self.each_context(request),
                    "form": form,
                    "title": "Log in",
                    "app_path": request.get_full_path(),
                    "username": request.user.get_username(),
                }
                return TemplateResponse(request, "admin/login.html", context, status=429)
        return super().login(request, extra_context)


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
