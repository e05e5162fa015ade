from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from common.markup import render_markdown


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def unsuppressed(self):
        """Without addresses on the suppression list (one anti-join, however long the list)."""
        return self.filter(
            ~Exists(SuppressedAddress.objects.filter(email=Lower(OuterRef("email"))))
        )

    def mailable(self):
        return self.confirmed().unsuppressed()

    def for_newsletter(self):
        return self.mailable().filter(wants_newsletter=True)

    def for_beginner_series(self):
        return self.mailable().filter(wants_beginner_series=True)

    def with_email(self, email: str):
        """The row for an address, in any case, through the case-insensitive unique index."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    wants_newsletter = models.BooleanField("The weekly letter", default=True)
    wants_beginner_series = models.BooleanField("The beginner guidance series", default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
    )
    # Consent record: when, from which form, and the exact wording agreed to.
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=40, blank=True)
    consent_text = models.CharField(max_length=400, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounce_count = models.PositiveSmallIntegerField(default=0)
    series_started_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_subscriber_email_ci"),
        ]
        indexes = [models.Index(fields=["status", "wants_newsletter"], name="subscriber_send_idx")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_mailable(self) -> bool:
        return self.status == self.Status.CONFIRMED


class IssueQuerySet(models.QuerySet):
    def due(self):
        """Scheduled issues whose time has come (beat polls for these)."""
        return self.filter(status=Issue.Status.SCHEDULED, scheduled_at__lte=timezone.now())

    def sent(self):
        return self.filter(status=Issue.Status.SENT)


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=150)
    preheader = models.CharField(
        max_length=150, blank=True, help_text="The preview line mail apps show after the subject."
    )
    intro = models.TextField("Introduction", help_text="Markdown.")
    intro_html = models.TextField(editable=False, default="")
    closing = models.TextField("Closing note", blank=True, help_text="Markdown.")
    closing_html = models.TextField(editable=False, default="")
    articles = models.ManyToManyField(
        "articles.Article", through="IssueArticle", blank=True, related_name="newsletter_issues"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Set once every recipient has a Delivery row; only then can the send be finished.
    prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0, editable=False)
    # When a sender last moved a delivery on (sent, failed, retried): beat tells a send that
    # stands still from one that is busy, and restarts or reports it.
    progress_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last progress before a stall beat reported (once); cleared by the next progress.
    stalled_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        self.closing_html = render_markdown(self.closing)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsletter:issue-detail", kwargs={"pk": self.pk})


class IssueArticle(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="issue_articles")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "article"], name="unique_article_per_issue")
        ]

    def __str__(self):
        return f"{self.issue} — {self.article}"


class Delivery(models.Model):
    """One row per issue and subscriber: the record that makes a send resumable and single."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed before sending)"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A claim is a lease: the sender that holds it (a token of its own) renews it while it is
    # alive; once it has expired, anyone may put the row back in the queue.
    claimed_by = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="one_delivery_per_issue_and_subscriber"
            )
        ]
        indexes = [
            # The claim reads an issue's queued rows in id order: with the id in the index it
            # reads them in order, instead of walking the primary key past every row already
            # sent (this issue's and all earlier issues'). Its prefix serves the progress counts.
            models.Index(fields=["issue", "status", "id"], name="delivery_claim_idx"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"


class SeriesDelivery(models.Model):
    """One row per subscriber and beginner-series step: each step is sent exactly once."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="series_deliveries"
    )
    step = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "step"], name="one_series_step_each")
        ]
        verbose_name_plural = "series deliveries"

    def __str__(self):
        return f"{self.subscriber_id} step {self.step}"


class MailProvider(models.TextChoices):
    """The providers the site can send through (EMAIL_PROVIDER); labels are anymail's names."""

    AMAZON_SES = "amazon_ses", "Amazon SES"
    BREVO = "brevo", "Brevo"
    MAILGUN = "mailgun", "Mailgun"
    POSTMARK = "postmark", "Postmark"
    SENDGRID = "sendgrid", "SendGrid"


class SuppressedAddress(models.Model):
    """An address the site sends nothing to any more, whichever list or kind of mail: it
    bounced for good, its owner reported our mail as spam, or an editor stopped it. Only a bounce
    is lifted by itself (by confirming a new subscription); the rest only by an editor."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Spam complaint"
        MANUAL = "manual", "Stopped by an editor"

    email = models.EmailField(max_length=254, unique=True)
    reason = models.CharField(max_length=10, choices=Reason)
    detail = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=12, choices=MailProvider, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "suppressed addresses"
        constraints = [
            # Lower-cased on the way in, so the plain unique index serves every lookup.
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="suppressed_email_lower_case"
            )
        ]
        permissions = [("lift_suppressedaddress", "Can lift a suppression")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ProviderEvent(models.Model):
    """One event a provider's tracking webhook reported (a bounce, a complaint, a delivery…),
    recorded once: a redelivered or replayed post finds its id taken and changes nothing.
    Rows older than PROVIDER_EVENT_DAYS are pruned; a suppression keeps its own detail."""

    class Outcome(models.TextChoices):
        HARD_BOUNCE = "hard-bounce", "Hard bounce: marked bounced"
        SOFT_BOUNCE = "soft-bounce", "Soft bounce: counted"
        COMPLAINT = "complaint", "Spam complaint: unsubscribed and suppressed"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribed at the provider"
        RECORDED = "recorded", "Recorded only"

    provider = models.CharField(max_length=12, choices=MailProvider)
    # The provider's id for the event (Mailgun: the signature's token; Amazon SES: the SNS
    # message id and the recipient), or a digest of the event where the provider gives none.
    event_id = models.CharField(max_length=200)
    # anymail's normalized type: bounced, deferred, complained, unsubscribed, delivered…
    event_type = models.CharField(max_length=20)
    outcome = models.CharField(max_length=12, choices=Outcome, default=Outcome.RECORDED)
    recipient = models.EmailField(max_length=254, blank=True)
    description = models.CharField(max_length=300, blank=True)
    mta_response = models.CharField(max_length=1000, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="one_provider_event_each")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="provider_event_recipient_idx")
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.event_type} for {self.recipient or '?'}"
