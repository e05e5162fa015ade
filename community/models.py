from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from common.images import ValidatedImageField
from common.markup import render_markdown


class Status(models.TextChoices):
    """Moderation state shared by comments, shares, suggestions and partner posts."""

    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class ModeratedQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def pending(self):
        return self.filter(status=Status.PENDING)


# --- Cities ------------------------------------------------------------------------------------


class City(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    region = models.CharField(max_length=120, blank=True, help_text="Country or region.")
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:city-detail", kwargs={"slug": self.slug})


class Club(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="clubs")
    name = models.CharField(max_length=160)
    description = models.TextField(max_length=1000)
    meets = models.CharField(max_length=200, blank=True, help_text="When and where it meets.")
    website = models.URLField(blank=True)
    is_beginner_friendly = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.APPROVED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Route(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="routes")
    name = models.CharField(max_length=160)
    description = models.TextField(max_length=1000)
    distance_km = models.DecimalField(max_digits=5, decimal_places=1)
    surface = models.CharField(max_length=80, blank=True, help_text="Paved, gravel, track…")
    start_point = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.APPROVED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["distance_km", "name"]

    def __str__(self):
        return self.name


# --- Profiles ----------------------------------------------------------------------------------


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=60)
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    bio = models.CharField(max_length=300, blank=True)
    avatar = ValidatedImageField(upload_to="avatars/", blank=True)
    show_city = models.BooleanField("Show my city on my member page", default=False)
    is_findable = models.BooleanField(
        "Let runners in my city find me (display name only)", default=False
    )
    notify_replies = models.BooleanField("Email me when someone replies to me", default=True)
    goal_reminders = models.BooleanField("Send me a monthly goal reminder", default=False)
    last_goal_reminder_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("community:member-detail", kwargs={"pk": self.pk})


# --- Shares and cheers -------------------------------------------------------------------------


class Share(models.Model):
    class Kind(models.TextChoices):
        WIN = "win", "Run win"
        MILESTONE = "milestone", "First milestone"
        RITUAL = "ritual", "Ritual"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WIN)
    text = models.TextField(max_length=2000)
    text_html = models.TextField(editable=False, default="")
    photo = ValidatedImageField(upload_to="shares/", blank=True)
    # Stored when the photo is saved (services.shares), so pages reserve its space before it
    # loads. Not the field's width_field: that reopens the file whenever a row is loaded.
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField("Photo description", max_length=200, blank=True)
    distance_km = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    may_feature = models.BooleanField(default=False)
    feature_consent_text = models.CharField(max_length=300, blank=True, editable=False)
    feature_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # On the share's side, not the article's: articles knows no other app (README, Layout).
    story = models.OneToOneField(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,  # set by feature_as_story; the admin shows it as a link
        related_name="source_share",
        help_text="The reader story this share became; the member is credited on it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="share_feed_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.author_id}"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text, for_members=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("community:share-detail", kwargs={"pk": self.pk})


class Cheer(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="cheers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cheers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["share", "member"], name="one_cheer_per_member_and_share"
            )
        ]

    def __str__(self):
        return f"{self.member_id} cheers {self.share_id}"


# --- Partner posts -----------------------------------------------------------------------------


class PartnerPost(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="partner_posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_posts"
    )
    title = models.CharField(
        max_length=120, help_text="e.g. Looking for a slow Saturday 5K partner"
    )
    text = models.TextField(max_length=1500)
    text_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.APPROVED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text, for_members=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("community:post-detail", kwargs={"pk": self.pk})


# --- Comments ----------------------------------------------------------------------------------


class Comment(models.Model):
    """A comment on exactly one of: an article, a share, a partner post."""

    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    share = models.ForeignKey(
        Share, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    partner_post = models.ForeignKey(
        PartnerPost, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=3000)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    is_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(article__isnull=False, share__isnull=True, partner_post__isnull=True)
                    | Q(article__isnull=True, share__isnull=False, partner_post__isnull=True)
                    | Q(article__isnull=True, share__isnull=True, partner_post__isnull=False)
                ),
                name="comment_has_exactly_one_target",
            )
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_id}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body, for_members=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"

    @property
    def target(self):
        return self.article or self.share or self.partner_post


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=300)
    is_resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member")
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


# --- Goals -------------------------------------------------------------------------------------


class Goal(models.Model):
    class Preset(models.TextChoices):
        FEEL_GOOD_5K = "5k", "A feel-good 5K"
        CALMER_MORNINGS = "mornings", "Calmer mornings"
        BETTER_SLEEP = "sleep", "Better sleep"
        OWN = "own", "My own goal"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    preset = models.CharField(max_length=10, choices=Preset, default=Preset.FEEL_GOOD_5K)
    title = models.CharField(max_length=120)
    why = models.TextField("Why it matters to me", max_length=1000, blank=True)
    target_on = models.DateField("Target date")
    is_active = models.BooleanField(default=True)
    plan = models.JSONField(null=True, blank=True, help_text="A run-walk plan saved from /start/.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(is_active=True), name="one_active_goal_per_member"
            )
        ]

    def __str__(self):
        return self.title


class GoalUpdate(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    month = models.DateField(help_text="The first day of the month this update is for.")
    note = models.TextField(max_length=2000)
    note_html = models.TextField(editable=False, default="")
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    sleep = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "month"], name="one_update_per_goal_and_month"),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__gte=1, mood__lte=5), name="mood_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(sleep__isnull=True) | Q(sleep__gte=1, sleep__lte=5), name="sleep_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.goal} — {self.month:%B %Y}"

    def save(self, *args, **kwargs):
        self.note_html = render_markdown(self.note, for_members=True)
        super().save(*args, **kwargs)
