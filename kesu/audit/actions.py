"""What each audit action is called: one label table for the timeline, on the pages and in the API.

An entry stores only its action's code. Each app owns the codes of the entries it writes, as
choices next to its other codes, and registers them here when Django starts (its AppConfig.ready):
the audit trail sits below the apps that write to it and cannot import their codes.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Promise | str] = {}


class AuditAction(models.TextChoices):
    """The entries the audit trail writes itself: changes made in /admin/ (audit/admin_trail.py)."""

    ADMIN_ADDED = "admin_added", _("Added in the admin site")
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin site")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin site")
    ADMIN_ACTION = "admin_action", _("Bulk action in the admin site")


def register_action_labels(choices: type[models.Choices]) -> None:
    for member in choices:
        _LABELS[member.value] = member.label


def registered_action_codes() -> frozenset[str]:
    return frozenset(_LABELS)


def action_label(code: str) -> str:
    """The action's label in the active language; an unknown code shows as itself."""
    label = _LABELS.get(code)
    return str(label) if label is not None else code


register_action_labels(AuditAction)
