from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Organisation


class AuditChain(models.Model):
    """Head of one lane of an organisation's hash chain; locked while an entry is appended.

    An organisation has several independent lanes (KESU_AUDIT_LANES), so writers of different
    complaints do not wait for each other. A lane's first entry has seq `base_seq + 1`: a lane
    created later starts above every entry the organisation already has, so the entries of one
    complaint stay in order by seq even when its lane changed (entries from before lanes are in
    lane 0).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lane = models.PositiveSmallIntegerField(default=0)
    base_seq = models.PositiveBigIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "lane"], name="audit_chain_lane_unique")
        ]

    def __str__(self) -> str:
        return f"chain of {self.organisation_id} lane {self.lane} at {self.last_seq}"


class AuditEntry(models.Model):
    """One recorded change: who, when, what — as codes and values, never translated sentences.

    Entries about a complaint form its timeline. Each entry's hash covers its content and the
    previous entry's hash in its lane, so editing or removing a row breaks the chain from there
    on; its MAC (HMAC of the hash with a key the database does not hold) means the chain cannot
    be rebuilt after an edit by someone who can only write to the database.
    """

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        SHARED = "shared", _("Shared with the customer")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lane = models.PositiveSmallIntegerField(default=0)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    # Not a foreign key on purpose: the audit trail outlives and never cascades with its objects.
    complaint_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "lane", "seq"], name="audit_lane_seq_unique"
            )
        ]
        indexes = [
            models.Index(fields=["complaint_id", "seq"], name="audit_complaint_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.lane}.{self.seq} {self.action} {self.object_type}:{self.object_id}"
