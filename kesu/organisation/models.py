from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.choices import CONTACT_DATA_ROLES, ORGANISATION_WIDE_ROLES, Role, StandIn


class Organisation(models.Model):
    """A company or group using Kesu; complaint numbers are unique within it."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    number_prefix = models.CharField(
        _("complaint number prefix"),
        max_length=8,
        default="KS",
        help_text=_("Letters printed before every complaint number, e.g. KS."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # What the customer portal (kesu/portal) shows of the branch.
    display_name = models.CharField(
        _("name shown to customers"),
        max_length=200,
        blank=True,
        help_text=_("On the customer portal; empty: the branch's name."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        help_text=_("Shown at the top of the customer portal (PNG or JPEG, a small one)."),
    )
    hotline = models.CharField(
        _("customer hotline"),
        max_length=40,
        blank=True,
        help_text=_("The number customers may call, shown on the customer portal."),
    )

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="branch_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def customer_name(self) -> str:
        return self.display_name or self.name


class Department(models.Model):
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="departments", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["branch", "code"], name="department_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.branch} / {self.name}"


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("branch"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.FRONTLINE)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language of messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("E-mails are written in it; empty: the site's language."),
    )
    # The phone extension at the user's desk: a call the telephony system reports for it pops
    # up in the user's open Kesu tab (kesu/integrations, docs/integrations.md).
    extension = models.CharField(
        _("phone extension"),
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9]{1,16}$", _("Give the extension as digits only, e.g. 8012."))
        ],
        help_text=_("The extension of the phone at this user's desk, e.g. 8012."),
    )

    # Set on the stand-in users Kesu makes (organisation.services.stand_in_user): the name
    # shown for them is this marker's label, in the reader's language, not display_name.
    stand_in = models.CharField(
        _("stand-in for"), max_length=10, choices=StandIn.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "extension"],
                condition=~models.Q(extension=""),
                name="user_extension_unique",
                violation_error_message=_("Another user of the organisation has this extension."),
            )
        ]

    # Set on the service user of an integration while it makes a request (kesu/integrations):
    # the branches its token may act in, None for all. The readers of complaints and customers
    # narrow what an organisation-wide role sees to these branches.
    acting_branch_ids: frozenset[int] | None = None

    def __str__(self) -> str:
        # A reader that loaded only the names (.only()) gets them, without a query per user.
        if "stand_in" not in self.get_deferred_fields() and self.stand_in in StandIn.values:
            return str(StandIn(self.stand_in).label)
        return self.display_name or self.get_full_name() or self.username

    @property
    def sees_whole_organisation(self) -> bool:
        return self.role in ORGANISATION_WIDE_ROLES

    @property
    def sees_contact_data(self) -> bool:
        return self.role in CONTACT_DATA_ROLES


class CompensationLimit(models.Model):
    """How much compensation a role may grant without someone above approving it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="compensation_limits"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    max_amount = models.DecimalField(
        _("maximum amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )

    class Meta:
        verbose_name = _("compensation limit")
        verbose_name_plural = _("compensation limits")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"], name="compensation_limit_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()}: {self.max_amount if self.max_amount is not None else '∞'}"
        )
