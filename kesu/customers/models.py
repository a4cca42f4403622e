from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.limits import TextLimit
from kesu.customers import limits
from kesu.customers.choices import (
    ContactChannel,
    CustomerLanguage,
    PersonalityType,
    PurchaseKind,
    Tier,
)
from kesu.organisation.models import Branch, Organisation


class Customer(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        related_name="customers",
        null=True,
        blank=True,
        verbose_name=_("home branch"),
    )
    name = models.CharField(_("name"), max_length=limits.NAME)
    phone = models.CharField(
        _("phone"), max_length=20, help_text=_("Stored in international form, e.g. +8613812345678.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=64, blank=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    is_company = models.BooleanField(_("corporate customer"), default=False)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, blank=True)
    personality_type = models.CharField(
        _("personality type"), max_length=20, choices=PersonalityType.choices, blank=True
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    founded_on = models.DateField(_("company founded on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=limits.ADDRESS, blank=True)
    notes = models.TextField(
        _("notes"), max_length=limits.NOTES, blank=True, validators=[TextLimit(limits.NOTES)]
    )
    # When to call is the callbacks' (CustomerCallPreference: window, days, no text messages);
    # how to reach the customer at all is the customer's own.
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    language = models.CharField(
        _("language of messages"),
        max_length=10,
        choices=CustomerLanguage.choices,
        blank=True,
        help_text=_(
            "Messages to the customer (e-mail and text) are written in it; empty: the "
            "organisation's (KESU_CUSTOMER_LANGUAGE)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["organisation", "phone"], name="customer_phone_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def message_language(self) -> str:
        """The language of messages to this customer: theirs, else KESU_CUSTOMER_LANGUAGE."""
        return self.language or settings.KESU_CUSTOMER_LANGUAGE


class KeyPerson(models.Model):
    """A person who matters at a corporate customer: who decides, who pays, who drives."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="key_persons", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=limits.NAME)
    title = models.CharField(_("title"), max_length=limits.TITLE, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        # A caller's number may be a key person's of another customer (possible duplicates).
        indexes = [models.Index(fields=["phone"], name="key_person_phone_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class Purchase(models.Model):
    """What the customer bought or had done: an order, a delivered vehicle, a service visit.

    Its dates drive the callback plans (order effective, delivery, service completed).
    """

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("customer")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="purchases", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PurchaseKind.choices)
    reference = models.CharField(_("reference"), max_length=limits.REFERENCE, blank=True)
    product = models.CharField(_("product or model"), max_length=limits.PRODUCT, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    plate_number = models.CharField(_("plate number"), max_length=16, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    order_effective_on = models.DateField(_("order effective on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    service_completed_on = models.DateField(_("service completed on"), null=True, blank=True)
    # Who sold it: the 3-day call after delivery is theirs (seed 001; callbacks/plans.py).
    sales_advisor = models.ForeignKey(
        "organisation.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_purchases",
        verbose_name=_("sales advisor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        # The same vehicle or order on another customer's complaint (possible duplicates).
        indexes = [
            models.Index(fields=["vin"], name="purchase_vin_idx"),
            models.Index(fields=["plate_number"], name="purchase_plate_idx"),
            models.Index(fields=["reference"], name="purchase_reference_idx"),
        ]

    def __str__(self) -> str:
        return " ".join(
            part for part in [self.product, self.plate_number or self.reference] if part
        )
