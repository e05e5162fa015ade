from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from common import pagecache

from .models import (
    Cheer,
    City,
    Club,
    Comment,
    CommentReport,
    Goal,
    GoalUpdate,
    PartnerPost,
    Profile,
    Route,
    Share,
    Status,
)
from .services import comments, shares


class ModerationActions:
    """Approve, reject and mark spam in bulk; comments go through the service (reply emails)."""

    actions = ["approve", "reject", "mark_spam"]

    def _moderate(self, request, queryset, status):
        count = self.set_status(queryset, status)
        self.message_user(request, f"{count} item(s) marked {Status(status).label.lower()}.")

    def set_status(self, queryset, status):
        count = queryset.exclude(status=status).update(status=status)
        pagecache.bump("community")  # a bulk update sends no signals
        return count

    @admin.action(description="Approve selected", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Status.APPROVED)

    @admin.action(description="Reject selected", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Status.REJECTED)

    @admin.action(description="Mark selected as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Status.SPAM)


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = ["reporter", "reason", "is_resolved", "created_at"]
    readonly_fields = ["reporter", "reason", "created_at"]


@admin.register(Comment)
class CommentAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["excerpt", "author", "on", "status", "open_reports", "created_at"]
    list_filter = ["status", "is_removed", ("reports", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__email"]
    list_select_related = ["author", "article", "share", "partner_post"]
    readonly_fields = [
        "author",
        "article",
        "share",
        "partner_post",
        "parent",
        "rendered",
        "created_at",
        "edited_at",
    ]
    fields = [
        "status",
        "rendered",
        "body",
        "author",
        "article",
        "share",
        "partner_post",
        "parent",
        "is_removed",
        "created_at",
        "edited_at",
    ]
    inlines = [ReportInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_report_count=Count("reports", filter=Q(reports__is_resolved=False)))
        )

    def set_status(self, queryset, status):
        return comments.set_status(comments=queryset, status=status)

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return "(removed)" if obj.is_removed else obj.body[:80]

    @admin.display(description="On")
    def on(self, obj):
        return str(obj.target)

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count

    @admin.display(description="As shown")
    def rendered(self, obj):
        # body_html was sanitized by common.markup when saved
        return mark_safe(obj.body_html)  # noqa: S308


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "reason", "is_resolved", "created_at"]
    list_filter = ["is_resolved"]
    list_select_related = ["comment", "reporter"]
    readonly_fields = ["comment", "reporter", "reason", "created_at"]


@admin.register(Share)
class ShareAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["__str__", "kind", "author", "city", "status", "may_feature", "created_at"]
    list_filter = ["status", "kind", "may_feature", "city"]
    search_fields = ["text", "author__email"]
    list_select_related = ["author", "city"]
    readonly_fields = [
        "author",
        "feature_consent_text",
        "feature_consent_at",
        "created_at",
        "story_link",
    ]
    actions = [*ModerationActions.actions, "make_reader_story"]

    @admin.action(description="Turn into a draft reader story (only shares the member agreed to)")
    def make_reader_story(self, request, queryset):
        made = 0
        for share in queryset:
            try:
                shares.feature_as_story(share=share)
            except ValidationError as error:
                self.message_user(request, f"Share {share.pk}: {error.messages[0]}", messages.ERROR)
            else:
                made += 1
        if made:
            self.message_user(
                request, f"{made} draft reader stor{'y' if made == 1 else 'ies'} ready in Articles."
            )

    @admin.display(description="Reader story")
    def story_link(self, obj):
        story = obj.story
        if story is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[story.pk])
        return format_html('<a href="{}">{}</a>', url, story.title)


@admin.register(Cheer)
class CheerAdmin(admin.ModelAdmin):
    list_display = ["share", "member", "created_at"]
    list_select_related = ["share", "member"]


class ClubInline(admin.TabularInline):
    model = Club
    extra = 0
    fields = ["name", "meets", "status", "is_beginner_friendly"]


class RouteInline(admin.TabularInline):
    model = Route
    extra = 0
    fields = ["name", "distance_km", "surface", "status"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "slug"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClubInline, RouteInline]


@admin.register(Club)
class ClubAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["name", "city", "status", "suggested_by", "created_at"]
    list_select_related = ["city", "suggested_by"]
    list_filter = ["status", "city"]
    search_fields = ["name", "description"]
    readonly_fields = ["suggested_by"]


@admin.register(Route)
class RouteAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["name", "city", "distance_km", "status", "suggested_by", "created_at"]
    list_select_related = ["city", "suggested_by"]
    list_filter = ["status", "city"]
    search_fields = ["name", "description"]
    readonly_fields = ["suggested_by"]


@admin.register(PartnerPost)
class PartnerPostAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["title", "city", "author", "status", "created_at"]
    list_select_related = ["city", "author"]
    list_filter = ["status", "city"]
    search_fields = ["title", "text"]
    readonly_fields = ["author"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "city", "is_findable", "created_at"]
    search_fields = ["display_name", "user__email"]
    list_filter = ["city", "is_findable"]
    readonly_fields = ["user"]


class GoalUpdateInline(admin.TabularInline):
    model = GoalUpdate
    extra = 0
    fields = ["month", "note", "mood", "sleep"]
    readonly_fields = fields


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "member", "preset", "target_on", "is_active"]
    list_filter = ["preset", "is_active"]
    readonly_fields = ["member"]
    inlines = [GoalUpdateInline]
