"""One-time codes sent by text message to a customer's phone (the portal's only identification)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Organisation
from kesu.portal.choices import Purpose


class PhoneCode(models.Model):
    """A code sent to one phone for one purpose; only its keyed hash is kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=5, choices=Purpose.choices)
    # The branch code (filing) or the complaint number (tracking) the code was asked for.
    subject = models.CharField(_("for"), max_length=40)
    code_hash = models.CharField(_("code hash"), max_length=64)
    salt = models.CharField(max_length=32)
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal code")
        verbose_name_plural = _("portal codes")
        indexes = [models.Index(fields=["phone", "created_at"], name="portal_code_phone_idx")]

    def __str__(self) -> str:
        return f"{self.phone} · {self.purpose}"
