"""Integrations: other systems that use the API with a scoped token of their own.

Each integration acts as its own service user (created with it, inactive, no password: no
workspace sign-in, in no picker, told nothing), so the timeline names the integration as the one who registered or changed a case.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.integrations import limits
from kesu.organisation.models import Branch, Organisation


class Integration(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="integrations",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("name"),
        max_length=limits.NAME,
        help_text=_("Shown on the timeline as who registered or changed a complaint."),
    )
    may_read = models.BooleanField(
        _("may read"), default=True, help_text=_("Read complaints and customers.")
    )
    may_write = models.BooleanField(
        _("may write"),
        default=False,
        help_text=_("Add notes and files to complaints; needed for the inbound API too."),
    )
    may_register_inbound = models.BooleanField(
        _("may register complaints (inbound)"),
        default=False,
        help_text=_(
            "Register complaints that came in through another channel: WeChat, a "
            "mini-program, the manufacturer's system."
        ),
    )
    may_report_calls = models.BooleanField(
        _("may report incoming calls (telephony)"),
        default=False,
        help_text=_("Report incoming calls, so the agent at the extension sees who is calling."),
    )
    # Not ticked for a new integration: a token reaches only what the administrator chose,
    # either every branch (this) or the branches below, never both (docs/decisions.md).
    all_branches = models.BooleanField(
        _("in all branches"),
        default=False,
        help_text=_(
            "Tick to let the token act in every branch of the organisation, including branches "
            "added later; otherwise choose its branches below, not both."
        ),
    )
    branches = models.ManyToManyField(
        Branch,
        blank=True,
        related_name="+",
        verbose_name=_("branches"),
        help_text=_("The only branches it may act in; leave empty with “in all branches”."),
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )
    revoked = models.BooleanField(
        _("revoked"), default=False, help_text=_("A revoked token is refused at once, for good.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    # The key itself is shown once, when it is issued; only its hash and first characters stay.
    key_prefix = models.CharField(_("key begins with"), max_length=16, editable=False)
    secret_hash = models.CharField(
        _("key hash"), max_length=64, unique=True, null=True, editable=False
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration",
        null=True,
        editable=False,
        verbose_name=_("acts as"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_key(self) -> str:
        return f"{self.key_prefix}…" if self.key_prefix else "—"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class InboundComplaint(models.Model):
    """A complaint an integration registered through the inbound API, under its key."""

    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="inbound", verbose_name=_("integration")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=limits.IDEMPOTENCY_KEY)
    # What was sent, to tell a retry (same body) from a different request under the same key.
    body_sha256 = models.CharField(_("body hash"), max_length=64)
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="inbound", verbose_name=_("complaint")
    )
    external_reference = models.CharField(
        _("their reference"), max_length=limits.EXTERNAL_REFERENCE, blank=True
    )
    customer_created = models.BooleanField(_("customer created"), default=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint received through an integration")
        verbose_name_plural = _("complaints received through integrations")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "idempotency_key"], name="inbound_key_unique"
            )
        ]
        indexes = [
            models.Index(fields=["integration", "external_reference"], name="inbound_reference_idx")
        ]

    def __str__(self) -> str:
        return self.external_reference or self.idempotency_key


class IncomingCall(models.Model):
    """A call the telephony system reported for an agent's extension: the agent's pop-up."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="calls", verbose_name=_("integration")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="incoming_calls",
        verbose_name=_("agent"),
    )
    extension = models.CharField(_("phone extension"), max_length=16)
    caller = models.CharField(_("caller"), max_length=limits.CALLER)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    expires_at = models.DateTimeField(_("shown until"))
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming call")
        verbose_name_plural = _("incoming calls")
        # The agent's tab asks every two seconds for the newest call still showing.
        indexes = [models.Index(fields=["agent", "-expires_at"], name="incoming_call_agent_idx")]

    def __str__(self) -> str:
        return self.caller
