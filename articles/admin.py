from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from . import services
from .models import Article, Author, Image, Section, Theme, Topic


class SectionInline(admin.TabularInline):
    model = Section
    extra = 1
    fields = ["order", "title", "intro"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "featured_on", "is_live", "section_count"]
    list_filter = ["featured_on"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["hero_image"]
    inlines = [SectionInline]
    date_hierarchy = "featured_on"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(boolean=True, description="Live")
    def is_live(self, obj):
        return obj.is_live

    @admin.display(description="Sections", ordering="section_total")
    def section_count(self, obj):
        return obj.section_total


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.drafts,
            "scheduled": queryset.scheduled,
            "published": queryset.published,
        }.get(self.value(), queryset.all)()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "theme", "author", "state_label", "publish_at"]
    list_filter = [StateFilter, "kind", "theme", "topics"]
    list_select_related = ["theme", "author"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "hero_image", "topics"]
    date_hierarchy = "publish_at"
    actions = ["publish_now", "unpublish"]
    readonly_fields = ["body_markup", "reading_time", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "author", "summary", "body", "body_markup"]}),
        ("Placement", {"fields": ["theme", "section", "topics", "hero_image"]}),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "comments_open", "seo_description"],
                "description": (
                    "Published with a future publish time means scheduled: readers see the "
                    "piece from that moment. “View on site” previews a draft exactly as it "
                    "will look."
                ),
            },
        ),
        (
            "Record",
            {"fields": ["reading_time", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    @admin.display(description="State", ordering="status")
    def state_label(self, obj):
        if obj.state == "scheduled":
            return format_html(
                "Scheduled for {}", timezone.localtime(obj.publish_at).strftime("%d %b %Y %H:%M")
            )
        return obj.state.capitalize()

    @admin.display(description="Reading time")
    def reading_time(self, obj):
        return f"{obj.reading_minutes} min ({obj.word_count} words)" if obj.pk else "—"

    @admin.action(description="Publish selected pieces now", permissions=["change"])
    def publish_now(self, request, queryset):
        for article in queryset:
            services.publish_article(article=article)
        self.message_user(request, f"Published {len(queryset)} piece(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected pieces (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        for article in queryset:
            services.unpublish_article(article=article)
        self.message_user(
            request, f"Moved {len(queryset)} piece(s) back to draft.", messages.SUCCESS
        )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "size", "rendition_count", "created_at"]
    search_fields = ["alt_text", "credit"]
    readonly_fields = ["thumbnail", "size"]
    fields = ["file", "thumbnail", "size", "alt_text", "credit"]

    class Media:
        css = {"all": ["css/admin.css"]}  # .admin-thumbnail: the CSP refuses style attributes

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rendition_total=Count("renditions"))

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["file"] if "file" in form.changed_data else None
        services.save_image(image=obj, upload=upload)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        # A refused upload (or any other error) answers 400 with the form and its messages, as
        # members' upload forms do; Django's admin would answer 200.
        if request.method == "POST" and context["errors"]:
            response.status_code = 400
        return response

    @admin.display(description="Preview")
    def thumbnail(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="120" height="{}" class="admin-thumbnail">',
            obj.file.url,
            round(120 * obj.height / obj.width) if obj.width else 80,
        )

    @admin.display(description="Pixels")
    def size(self, obj):
        return f"{obj.width} × {obj.height}" if obj.pk else "—"

    @admin.display(description="Renditions", ordering="rendition_total")
    def rendition_count(self, obj):
        return obj.rendition_total


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
