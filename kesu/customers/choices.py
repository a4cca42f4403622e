from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    DIAMOND = "diamond", _("Diamond")
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    A = "A", _("Tier A")
    B = "B", _("Tier B")
    C = "C", _("Tier C")


class PersonalityType(models.TextChoices):
    """How staff judge a customer's manner (DOMAIN §6); guides how they are handled."""

    IMPATIENT = "impatient", _("Impatient")
    METICULOUS = "meticulous", _("Meticulous")
    OPINIONATED = "opinionated", _("Opinionated")
    TALKATIVE = "talkative", _("Talkative")
    SHOWING_OFF = "showing_off", _("Showing off")
    SUPERIOR = "superior", _("Feels superior")
    SUSPICIOUS = "suspicious", _("Suspicious")
    HABITUAL = "habitual", _("Habitual complainer")
    FAULT_FINDING = "fault_finding", _("Fault-finding")
    UNREASONABLE = "unreasonable", _("Unreasonable")
    ELOQUENT = "eloquent", _("Eloquent")
    NERVOUS = "nervous", _("Nervous")
    IMPULSIVE = "impulsive", _("Impulsive (callback)")
    INDECISIVE = "indecisive", _("Indecisive (callback)")
    WANTS_TO_BE_HEARD = "wants_heard", _("Wants to be heard (callback)")


class PurchaseKind(models.TextChoices):
    ORDER = "order", _("Order")
    VEHICLE = "vehicle", _("Vehicle delivery")
    SERVICE = "service", _("Service visit")


class ContactChannel(models.TextChoices):
    """How a customer prefers to be reached (their page's preferences)."""

    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")


class CustomerLanguage(models.TextChoices):
    """The language messages to the customer are written in (acknowledgement, progress,
    closure, survey, text messages)."""

    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


class CustomerAction(models.TextChoices):
    """Audit actions on customer records."""

    CUSTOMER_CREATE = "customer_create", _("Customer created")
    CUSTOMER_UPDATE = "customer_update", _("Customer record edited")
    PURCHASE_CREATE = "purchase_create", _("Purchase added")
    KEY_PERSON_CREATE = "key_person_create", _("Key person added")
