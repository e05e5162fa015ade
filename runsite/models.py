import uuid

from django.db import models


class ConsentRecord(models.Model):
    """Proof of a cookie choice: which anonymous browser chose what, under which policy, when."""

    anonymous_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    preferences = models.BooleanField(default=False)
    analytics = models.BooleanField(default=False)
    policy_version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.anonymous_id} v{self.policy_version}"


class CspReport(models.Model):
    """A Content-Security-Policy violation a browser reported."""

    document_uri = models.CharField(max_length=500, blank=True)
    violated_directive = models.CharField(max_length=200, blank=True)
    blocked_uri = models.CharField(max_length=500, blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    line_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.violated_directive} on {self.document_uri}"


class WelcomeSent(models.Model):
    """An address that has had its one welcome email, from whichever app welcomed it first.

    Kept as a keyed digest, not the address: it must outlive an unsubscribe or a deleted
    account ("once per address, ever") without keeping anyone's address after they have gone.
    """

    address_digest = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "welcomes sent"

    def __str__(self):
        return f"{self.kind} welcome at {self.sent_at:%Y-%m-%d %H:%M}"
