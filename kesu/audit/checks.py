"""`manage.py check --deploy`: the audit trail's key must be the app's own, not the database's
neighbour or the session key's shadow."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs, **kwargs):
    key = getattr(settings, "KESU_AUDIT_KEY", "")
    if not key:
        return [
            Warning(
                "KESU_AUDIT_KEY is not set: the audit trail's MAC key is derived from "
                "KESU_SECRET_KEY.",
                hint="Set KESU_AUDIT_KEY to a key of its own (docs/deploy.md, section 10), so "
                "that rotating the secret key does not touch the trail's anchor.",
                id="kesu.W001",
            )
        ]
    if key == settings.SECRET_KEY:
        return [
            Warning(
                "KESU_AUDIT_KEY equals KESU_SECRET_KEY.",
                hint="Give the audit trail a key of its own.",
                id="kesu.W002",
            )
        ]
    return []
