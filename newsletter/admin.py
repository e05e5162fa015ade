"""The editors' newsletter workspace: compose an issue, preview and test it, send it, watch it go.

Every state change is a POST to a view that calls the sending service; the admin never sets an
issue's status or touches a delivery by hand. Subscribers and deliveries are records to read:
subscribers come in only through double opt-in, and a delivery row is what stops a second copy.
A subscriber's page says why mail to them stopped; the suppression list is the one thing
editors change by hand (stop an address, or lift a suppression); provider events are records.
"""

import smtplib

from anymail.exceptions import AnymailError
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from .models import (
    Delivery,
    Issue,
    IssueArticle,
    MailProvider,
    ProviderEvent,
    SeriesDelivery,
    Subscriber,
    SuppressedAddress,
)
from .services import emails, sending, suppression

# Once a send has started, the issue is what subscribers got (or are getting): no more edits.
LOCKED = frozenset(
    {Issue.Status.SENDING, Issue.Status.PAUSED, Issue.Status.SENT, Issue.Status.CANCELLED}
)
STARTABLE = frozenset({Issue.Status.DRAFT, Issue.Status.SCHEDULED})
FAILURES_SHOWN = 50
# The preview is our own template's HTML, but it is served on the admin's origin: no scripts.
PREVIEW_CSP = "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'"


def is_locked(issue: Issue | None) -> bool:
    return issue is not None and issue.status in LOCKED


def state(issue: Issue) -> str:
    return issue.get_status_display().lower()


def is_stalled(issue: Issue) -> bool:
    return issue.status == Issue.Status.SENDING and issue.stalled_since is not None


def localtime(moment) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y at %H:%M")


def sample_subscriber(request) -> Subscriber:
    """An unsaved stand-in: its links carry a token for no real subscriber, so they harm nobody."""
    return Subscriber(pk=0, email=request.user.email or "editor@example.com")


def _count_deliveries(*statuses: str) -> Coalesce:
    """A per-issue count that walks the (issue, status) index instead of every delivery row."""
    counted = (
        Delivery.objects.filter(issue=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="Send at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"Time zone: {settings.TIME_ZONE}.",
    )

    def __init__(self, *args, send_now: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.send_now = send_now

    def clean_scheduled_at(self):
        at = self.cleaned_data["scheduled_at"]
        if self.send_now:
            return None
        if at is None:
            raise ValidationError("Choose a date and time to schedule the issue, or send it now.")
        if at <= timezone.now():
            raise ValidationError(
                "That time has already passed. Choose a time in the future, or send it now."
            )
        return at


class IssueArticleInline(admin.TabularInline):
    model = IssueArticle
    fields = ["order", "article"]
    autocomplete_fields = ["article"]
    extra = 3
    verbose_name = "featured article"
    verbose_name_plural = "featured articles, in order (lowest number first)"

    def has_add_permission(self, request, obj):
        return not is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    change_form_template = "admin/newsletter/issue/change_form.html"
    list_display = [
        "subject",
        "status",
        "scheduled_at",
        "recipient_count",
        "progress_summary",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject"]
    list_per_page = 25
    actions = ["retry_failed_deliveries"]
    inlines = [IssueArticleInline]
    content_fields = ["subject", "preheader", "intro", "closing"]
    sending_fields = [
        "status",
        "scheduled_at",
        "started_at",
        "sent_at",
        "recipient_count",
        "progress_box",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_total=_count_deliveries(Delivery.Status.SENT),
                failed_total=_count_deliveries(Delivery.Status.FAILED),
                open_total=_count_deliveries(Delivery.Status.QUEUED, Delivery.Status.SENDING),
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.content_fields})]
        if obj is not None:
            fieldsets.append(("Sending", {"fields": self.sending_fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if is_locked(obj):
            return [*self.content_fields, *self.sending_fields]
        return self.sending_fields

    def view_on_site(self, obj):
        # Only a sent issue has a web version for readers.
        return obj.get_absolute_url() if obj.status == Issue.Status.SENT else None

    def has_delete_permission(self, request, obj=None):
        # A send in progress is never deleted from under its workers; a sent issue is kept
        # because its deliveries are the record of who got it (editors cannot delete those).
        if obj is not None and obj.status in (Issue.Status.SENDING, Issue.Status.PAUSED):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Progress")
    def progress_summary(self, obj):
        if not (obj.sent_total or obj.failed_total or obj.open_total):
            return "—"
        summary = f"{obj.sent_total} sent · {obj.failed_total} failed · {obj.open_total} queued"
        if is_stalled(obj):
            return f"Stalled since {localtime(obj.stalled_since)} · {summary}"
        return summary

    @admin.display(description="Progress")
    def progress_box(self, obj):
        if obj.pk is None:
            return "—"
        return render_to_string(
            "admin/newsletter/issue/includes/progress_counts.html",
            {
                "counts": sending.progress(obj),
                "progress_url": self._url("progress", obj),
                "stalled_since": obj.stalled_since if is_stalled(obj) else None,
            },
        )

    @admin.action(description="Retry failed deliveries", permissions=["change"])
    def retry_failed_deliveries(self, request, queryset):
        """Send the selected issues again to those it failed for, and to nobody else."""
        retried = {issue: sending.retry_failed(issue=issue) for issue in queryset}
        total = sum(retried.values())
        if not total:
            messages.warning(request, "No failed deliveries in the selected issues: nothing to do.")
            return
        names = ", ".join(f"“{issue}” ({n})" for issue, n in retried.items() if n)
        messages.success(
            request,
            f"{total} failed deliver{'y' if total == 1 else 'ies'} queued to be sent again: "
            f"{names}. Nobody who got the issue is sent it again.",
        )

    # --- Extra pages ---------------------------------------------------------------------------

    def get_urls(self):
        def wrap(view, *, post_only=False):
            return self.admin_site.admin_view(require_POST(view) if post_only else view)

        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/preview/html/",
                wrap(self.preview_html_view),
                name=f"{prefix}_preview_html",
            ),
            path(
                "<path:object_id>/preview/text/",
                wrap(self.preview_text_view),
                name=f"{prefix}_preview_text",
            ),
            path(
                "<path:object_id>/send-test/",
                wrap(self.send_test_view, post_only=True),
                name=f"{prefix}_send_test",
            ),
            path("<path:object_id>/send/", wrap(self.send_view), name=f"{prefix}_send"),
            path("<path:object_id>/progress/", wrap(self.progress_view), name=f"{prefix}_progress"),
            path(
                "<path:object_id>/pause/",
                wrap(self.pause_view, post_only=True),
                name=f"{prefix}_pause",
            ),
            path(
                "<path:object_id>/resume/",
                wrap(self.resume_view, post_only=True),
                name=f"{prefix}_resume",
            ),
            path("<path:object_id>/cancel/", wrap(self.cancel_view), name=f"{prefix}_cancel"),
            *super().get_urls(),
        ]

    def _url(self, name: str, issue: Issue) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[issue.pk],
        )

    def _issue(self, request, object_id, *, change: bool) -> Issue:
        """The issue, if this user may view it (or change it, for anything that acts)."""
        issue = self.get_object(request, unquote(object_id))
        if issue is None:
            raise Http404("There is no issue with this id.")
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def _context(self, request, issue: Issue, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "issue": issue,
            "title": title,
            "subtitle": issue.subject,
            "change_url": self._url("change", issue),
            **extra,
        }

    def _actions(self, request, issue: Issue) -> dict:
        """Which send controls this user sees for the issue in its current state."""
        can_change = self.has_change_permission(request, issue)
        return {
            "can_send": can_change and issue.status in STARTABLE,
            "can_test": can_change,
            "can_pause": can_change and issue.status == Issue.Status.SENDING,
            "can_resume": can_change and issue.status == Issue.Status.PAUSED,
            "can_cancel": can_change
            and issue.status in (Issue.Status.SCHEDULED, Issue.Status.SENDING, Issue.Status.PAUSED),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if issue is not None:
            extra_context["issue_actions"] = self._actions(request, issue)
            if is_locked(issue):
                extra_context.update(show_save=False, show_save_and_continue=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_html_view(self, request, object_id):
        issue = self._issue(request, object_id, change=False)
        message = emails.render_issue(issue).message_for(sample_subscriber(request))
        html = next(
            content for content, mimetype in message.alternatives if mimetype == "text/html"
        )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PREVIEW_CSP
        return response

    def preview_text_view(self, request, object_id):
        issue = self._issue(request, object_id, change=False)
        message = emails.render_issue(issue).message_for(sample_subscriber(request))
        text = f"Subject: {message.subject}\n\n{message.body}"
        return HttpResponse(text, content_type="text/plain; charset=utf-8")

    def send_test_view(self, request, object_id):
        issue = self._issue(request, object_id, change=True)
        address = request.user.email
        if not address:
            messages.error(request, "Your account has no email address to send a test to.")
            return HttpResponseRedirect(self._url("change", issue))
        message = emails.render_issue(issue).message_for(sample_subscriber(request))
        message.subject = f"[Test] {message.subject}"
        try:
            message.send()
        except (smtplib.SMTPException, OSError, AnymailError) as error:
            messages.error(request, f"The test to {address} could not be sent: {error}")
        else:
            messages.success(request, f"Test sent to {address}.")
        return HttpResponseRedirect(self._url("change", issue))

    def send_view(self, request, object_id):
        """Schedule, or send now after seeing how many people will get it (one send, ever)."""
        issue = self._issue(request, object_id, change=True)
        if request.method == "POST":
            if issue.status not in STARTABLE:
                messages.warning(
                    request,
                    f"This issue's send was already started (it is {state(issue)}); nothing "
                    "new was started.",
                )
                return HttpResponseRedirect(self._url("progress", issue))
            send_now = "send-now" in request.POST
            form = ScheduleForm(request.POST, send_now=send_now)
            if form.is_valid():
                return self._start_send(request, issue, form.cleaned_data["scheduled_at"])
        else:
            form = ScheduleForm(initial={"scheduled_at": issue.scheduled_at})
        unpublished = [a for a in issue.articles.order_by("title") if not a.is_published]
        context = self._context(
            request,
            issue,
            "Schedule or send",
            form=form,
            recipients=Subscriber.objects.for_newsletter().count(),
            can_start=issue.status in STARTABLE,
            unpublished=unpublished,
            time_zone=settings.TIME_ZONE,
        )
        return TemplateResponse(request, "admin/newsletter/issue/send.html", context)

    def _start_send(self, request, issue: Issue, at) -> HttpResponseRedirect:
        issue = sending.request_send(issue=issue, at=at)
        if issue.status == Issue.Status.SCHEDULED:
            when = timezone.localtime(issue.scheduled_at).strftime("%d %b %Y at %H:%M")
            messages.success(request, f"Scheduled: “{issue}” will be sent on {when}.")
            return HttpResponseRedirect(self._url("change", issue))
        if issue.status == Issue.Status.SENDING:
            messages.success(request, f"Sending started: “{issue}” is on its way.")
        else:
            messages.warning(
                request, "This issue's send was already started; nothing new was started."
            )
        return HttpResponseRedirect(self._url("progress", issue))

    def progress_view(self, request, object_id):
        issue = self._issue(request, object_id, change=False)
        counts = sending.progress(issue)
        failures = (
            issue.deliveries.filter(status=Delivery.Status.FAILED)
            .select_related("subscriber")
            .order_by("pk")[:FAILURES_SHOWN]
        )
        retrying = (
            issue.deliveries.filter(status=Delivery.Status.QUEUED).exclude(last_error="").count()
        )
        context = self._context(
            request,
            issue,
            "Sending progress",
            counts=counts,
            failures=failures,
            failures_shown=FAILURES_SHOWN,
            retrying=retrying,
            stalled_since=issue.stalled_since if is_stalled(issue) else None,
            refresh=issue.status == Issue.Status.SENDING,
            actions=self._actions(request, issue),
        )
        return TemplateResponse(request, "admin/newsletter/issue/progress.html", context)

    def pause_view(self, request, object_id):
        issue = sending.pause(issue=self._issue(request, object_id, change=True))
        if issue.status == Issue.Status.PAUSED:
            messages.success(request, "Paused: no further batches go out until you resume.")
        else:
            messages.warning(
                request, f"Only a sending issue can be paused; this one is {state(issue)}."
            )
        return HttpResponseRedirect(self._url("progress", issue))

    def resume_view(self, request, object_id):
        before = self._issue(request, object_id, change=True)
        issue = sending.resume(issue=before)
        if before.status == Issue.Status.PAUSED and issue.status == Issue.Status.SENDING:
            messages.success(
                request, "Resumed: the remaining subscribers are being sent the issue."
            )
        else:
            messages.warning(
                request, f"Only a paused issue can be resumed; this one is {state(issue)}."
            )
        return HttpResponseRedirect(self._url("progress", issue))

    def cancel_view(self, request, object_id):
        """GET asks for confirmation; only the POST cancels."""
        issue = self._issue(request, object_id, change=True)
        cancellable = self._actions(request, issue)["can_cancel"]
        if request.method == "POST":
            if not cancellable:
                messages.warning(request, f"This issue cannot be cancelled: it is {state(issue)}.")
                return HttpResponseRedirect(self._url("change", issue))
            issue = sending.cancel(issue=issue)
            messages.success(
                request,
                "Cancelled: nobody else will be sent this issue. Messages already delivered stay "
                "delivered.",
            )
            return HttpResponseRedirect(self._url("progress", issue))
        context = self._context(
            request,
            issue,
            "Cancel this send?",
            counts=sending.progress(issue),
            cancellable=cancellable,
        )
        return TemplateResponse(request, "admin/newsletter/issue/cancel.html", context)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Records the services keep: nobody edits them by hand (a subscriber exists only through
    double opt-in; a delivery row is what stops a second copy). Only a superuser may delete,
    to erase an address with its history."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _deliverability_events():
    """Provider events that changed something (not deliveries, opens or deferrals), newest first."""
    return ProviderEvent.objects.exclude(outcome=ProviderEvent.Outcome.RECORDED).order_by(
        "-created_at"
    )


def _event_line(outcome: str, at, *, provider: str = "", description: str = "") -> str:
    """E.g. "Hard bounce: marked bounced (Mailgun) on 03 Dec 2026 at 09:46: 550 No such user"."""
    source = f" ({MailProvider(provider).label})" if provider else ""
    said = f": {description}" if description else ""
    return f"{ProviderEvent.Outcome(outcome).label}{source} on {localtime(at)}{said}"


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyRecordAdmin):
    list_display = ["email", "status", "lists", "confirmed_at", "bounce_count", "stopped_because"]
    list_filter = ["status", "wants_newsletter", "wants_beginner_series", "consent_source"]
    search_fields = ["email"]
    fieldsets = [
        (
            None,
            {"fields": ["email", "status", "wants_newsletter", "wants_beginner_series", "user"]},
        ),
        ("Why mail stopped", {"fields": ["why_stopped"]}),
        (
            "Consent record",
            {"fields": ["consent_at", "consent_source", "consent_text", "confirmation_sent_at"]},
        ),
        (
            "History",
            {
                "fields": [
                    "confirmed_at",
                    "unsubscribed_at",
                    "bounce_count",
                    "series_started_on",
                    "created_at",
                ]
            },
        ),
    ]
    readonly_fields = ["created_at", "why_stopped"]

    def get_queryset(self, request):
        # The reasons in two subqueries per row, not two queries per row of the list.
        address = Lower(OuterRef("email"))
        suppressed = SuppressedAddress.objects.filter(email=address)
        events = _deliverability_events().filter(recipient=address)
        return (
            super()
            .get_queryset(request)
            .annotate(
                suppression_reason=Subquery(suppressed.values("reason")[:1]),
                last_outcome=Subquery(events.values("outcome")[:1]),
                last_outcome_at=Subquery(events.values("created_at")[:1]),
            )
        )

    @admin.display(description="Stopped because")
    def stopped_because(self, obj):
        parts = []
        if obj.suppression_reason:
            parts.append(f"Suppressed: {SuppressedAddress.Reason(obj.suppression_reason).label}")
        elif obj.status in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED):
            parts.append(obj.get_status_display())
        if obj.last_outcome:
            parts.append(_event_line(obj.last_outcome, obj.last_outcome_at))
        return " · ".join(parts) or "—"

    @admin.display(description="Why mail stopped")
    def why_stopped(self, obj):
        """The status, the suppression and the provider's last word, each with its date."""
        lines = []
        if obj.status == Subscriber.Status.UNSUBSCRIBED and obj.unsubscribed_at:
            lines.append(f"Unsubscribed on {localtime(obj.unsubscribed_at)}.")
        elif obj.status == Subscriber.Status.BOUNCED:
            counted = f" after {obj.bounce_count} failed deliveries" if obj.bounce_count else ""
            lines.append(f"Bounced{counted}.")
        if entry := suppression.suppression_for(obj.email):
            source = f" via {entry.get_provider_display()}" if entry.provider else ""
            detail = f": {entry.detail}" if entry.detail else ""
            lines.append(
                f"Suppressed for every kind of mail ({entry.get_reason_display()}{source}) on "
                f"{localtime(entry.created_at)}{detail}"
            )
        if event := _deliverability_events().filter(recipient=obj.email.lower()).first():
            line = _event_line(
                event.outcome,
                event.occurred_at or event.created_at,
                provider=event.provider,
                description=event.description,
            )
            lines.append(f"Last provider event: {line}")
        if not lines:
            return "Nothing has stopped mail to this address."
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    @admin.display(description="Lists")
    def lists(self, obj):
        chosen = [
            label
            for label, wanted in (
                ("Newsletter", obj.wants_newsletter),
                ("Beginner series", obj.wants_beginner_series),
            )
            if wanted
        ]
        return ", ".join(chosen) or "—"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyRecordAdmin):
    list_display = ["subscriber", "issue", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber", "issue"]


@admin.register(SeriesDelivery)
class SeriesDeliveryAdmin(ReadOnlyRecordAdmin):
    list_display = ["subscriber", "step", "sent_at"]
    list_filter = ["step"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber"]


class ManualSuppressionForm(forms.ModelForm):
    class Meta:
        model = SuppressedAddress
        fields = ["email", "detail"]
        labels = {"detail": "Why"}
        help_texts = {
            "email": "Nothing will be sent to this address any more: no newsletter, series, "
            "welcome, reply notice or goal reminder.",
            "detail": "For the next editor: who asked, and when.",
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if SuppressedAddress.objects.filter(email=email).exists():
            raise ValidationError("This address is already suppressed.")
        return email


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """Addresses nothing is sent to, and why. Editors stop one by hand, and lift suppressions
    with an explicit action (the only way back for a spam complaint); nobody edits one."""

    list_display = ["email", "reason", "detail", "provider", "created_at"]
    list_filter = ["reason", "provider"]
    search_fields = ["email"]
    actions = ["lift_suppressions"]
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ManualSuppressionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "detail"]
        return ["email", "reason", "detail", "provider", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["created_at"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # lifting is the one way a row goes
        return actions

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request):
        return request.user.has_perm("newsletter.lift_suppressedaddress")

    def save_model(self, request, obj, form, change):
        entry = suppression.suppress(
            email=obj.email, reason=SuppressedAddress.Reason.MANUAL, detail=obj.detail
        )
        obj.pk, obj.reason, obj.created_at = entry.pk, entry.reason, entry.created_at

    @admin.action(description="Lift the selected suppressions", permissions=["lift"])
    def lift_suppressions(self, request, queryset):
        """Let these addresses be mailed again, once they subscribe again (double opt-in)."""
        self.log_deletions(request, queryset)
        lifted = suppression.lift(suppressions=queryset)
        messages.success(
            request,
            f"{lifted} suppression{'s' * (lifted != 1)} lifted. Nothing is sent until the "
            "person subscribes again and confirms; a member's reply notices and reminders "
            "start again at once.",
        )


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "created_at",
        "provider",
        "event_type",
        "outcome",
        "recipient",
        "description",
    ]
    list_filter = ["outcome", "provider", "event_type"]
    search_fields = ["recipient", "event_id", "message_id"]
