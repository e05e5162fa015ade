"""The shared library's own records: cookie choices and welcomes sent.

Both tables were made by runsite's migrations; they kept their names when the models moved
here (common/migrations/0001), so no data moved.
"""

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
        db_table = "runsite_consentrecord"  # made by runsite's migrations before the move
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.anonymous_id} v{self.policy_version}"


class WelcomeSent(models.Model):
    """An address that has had its one welcome email, from whichever app welcomed it first.

    Kept as a keyed digest, not the address: it must outlive an unsubscribe or a deleted
    account ("once per address, ever") without keeping anyone's address after they have gone.
    """

    address_digest = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "runsite_welcomesent"  # made by runsite's migrations before the move
        verbose_name_plural = "welcomes sent"

    def __str__(self):
        return f"{self.kind} welcome at {self.sent_at:%Y-%m-%d %H:%M}"
