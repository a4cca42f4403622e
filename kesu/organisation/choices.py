from django.db import models
from django.utils.translation import gettext_lazy as _


class StandIn(models.TextChoices):
    """What a stand-in user (inactive, made by Kesu itself) acts for; its name is this label,
    shown in the reader's language wherever the user is named."""

    PORTAL = "portal", _("The customer (portal)")
    EMAIL = "email", _("The customer (e-mail)")


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline staff")
    CALLBACK = "callback", _("Callback specialist")
    HANDLER = "handler", _("Handling manager")
    DIRECTOR = "director", _("Customer director")
    GENERAL_MANAGER = "gm", _("General manager")
    GROUP = "group", _("Group customer centre")
    ADMIN = "admin", _("Administrator")


# Roles that see every branch of their organisation.
ORGANISATION_WIDE_ROLES = frozenset({Role.GROUP, Role.ADMIN})
# Roles that talk to customers and therefore see their phone numbers and ID numbers in full.
CONTACT_DATA_ROLES = frozenset({Role.FRONTLINE, Role.CALLBACK, Role.DIRECTOR, Role.GENERAL_MANAGER})
