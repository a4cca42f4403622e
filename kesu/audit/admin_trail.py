"""Changes made in /admin/ go into the audit trail.

The admin site (AuditedAdminSite, installed by kesu.audit.apps.KesuAdminConfig) gives every
ModelAdmin registered on it the AuditedAdminMixin, so an admin registered later — ours or a
library's — cannot forget it. The mixin hooks what Django's admin itself calls for every write:

- log_addition / log_change / log_deletions: the add and change forms, the change list's
  editable columns, the password form of a user, the delete page and the bulk "delete selected";
- save_formset: the rows of the inlines on a page (a branch's departments, an organisation's
  compensation limits, a policy's targets…), each as its own entry;
- every other bulk action: one entry per selected object, with the action's name.

Each entry says who (the actor), when, "admin_added" / "admin_changed" / "admin_deleted" /
"admin_action", the object's type and id, and {field: [old, new]} for the fields that changed.
A secret (a password hash, a webhook secret, an API token) is never written: only its name
appears under "secrets_changed".
"""

import datetime
import uuid
from decimal import Decimal

from django.contrib import admin
from django.db import models
from django.db.models.fields.files import FieldFile

from kesu.audit.actions import AuditAction

ADDED, CHANGED, DELETED, ACTION = (
    AuditAction.ADMIN_ADDED,
    AuditAction.ADMIN_CHANGED,
    AuditAction.ADMIN_DELETED,
    AuditAction.ADMIN_ACTION,
)
ADMIN_ACTIONS = (ADDED, CHANGED, DELETED, ACTION)
_BEFORE = "_kesu_audit_before"


def is_secret(field: models.Field) -> bool:
    name = field.name.lower()
    return name in {"password", "key"} or "secret" in name or "token" in name


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj: models.Model | None) -> dict:
    """The object's field values as plain JSON values (foreign keys as ids, many-to-many as
    sorted ids)."""
    if obj is None:
        return {}
    values = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, models.DecimalField) and isinstance(value, Decimal):
            # As stored (2 places), whether the form's "3000" or the row's "3000.00".
            value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
        values[f.name] = _plain(value)
    if obj.pk is not None:
        for f in obj._meta.many_to_many:
            values[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return values


def diff(model: type[models.Model], before: dict, after: dict) -> tuple[dict, list[str]]:
    """{field: [old, new]} of the fields that differ, and the names of changed secrets."""
    changes, secrets = {}, []
    fields = {f.name: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        field = fields.get(name)
        if field is not None and is_secret(field):
            secrets.append(name)
        else:
            changes[name] = [old, new]
    return changes, secrets


def _organisation_of(obj, depth: int = 3) -> int | None:
    from kesu.organisation.models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id:
        return organisation_id
    if depth == 0:
        return None
    for f in obj._meta.concrete_fields:
        if f.many_to_one or f.one_to_one:
            if getattr(obj, f.attname, None) is None:
                continue
            try:
                related = getattr(obj, f.name)
            except f.related_model.DoesNotExist:
                continue
            found = _organisation_of(related, depth - 1)
            if found:
                return found
    return None


def organisations_for(obj, user) -> list[int]:
    """Whose trail an admin change goes into: the object's organisation (its own, or through a
    branch, calendar, policy…), else the acting user's; a change of something no organisation
    owns (a permission group) goes into every organisation's trail."""
    from kesu.organisation.models import Organisation

    found = _organisation_of(obj) or getattr(user, "organisation_id", None)
    if found:
        return [found]
    return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))


class _Ref:
    """What audit_record needs of an object: its type and an integer id."""

    def __init__(self, obj: models.Model, pk):
        self._meta = obj._meta
        # A non-integer key (an API token's) is itself secret: the entry names no id then.
        self.pk = pk if isinstance(pk, int) else 0


def record(request, action: str, obj, before: dict, after: dict, pk=None, **extra) -> None:
    from kesu.audit.services import audit_record

    changes, secrets = diff(type(obj), before, after)
    if action == ADDED:
        changes = {k: v for k, v in changes.items() if v[1] not in (None, "", [])}
    if action == CHANGED and not changes and not secrets:
        return  # saved without a change
    data = {"changes": changes, **extra}
    if secrets:
        data["secrets_changed"] = secrets
    ref = _Ref(obj, obj.pk if pk is None else pk)
    actor = getattr(request, "user", None)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    for organisation_id in organisations_for(obj, actor):
        audit_record(
            organisation_id=organisation_id, actor=actor, action=action, obj=ref, data=data
        )


class AuditedAdminMixin:
    """Records every add, change and delete this admin makes (see the module's docstring)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            setattr(obj, _BEFORE, snapshot(obj))
        return obj

    def save_model(self, request, obj, form, change):
        if change and not hasattr(obj, _BEFORE):
            # The change list's editable columns load no object first: read what is stored.
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            setattr(obj, _BEFORE, snapshot(stored))
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        logged = super().log_addition(request, obj, message)
        record(request, ADDED, obj, {}, snapshot(obj))
        return logged

    def log_change(self, request, obj, message):
        logged = super().log_change(request, obj, message)
        after = snapshot(obj)
        record(request, CHANGED, obj, getattr(obj, _BEFORE, None) or {}, after)
        setattr(obj, _BEFORE, after)
        return logged

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(request, DELETED, obj, snapshot(obj), {})
        return super().log_deletions(request, queryset)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        keys = {id(f.instance): f.instance.pk for f in formset.initial_forms}
        stored = model._default_manager.filter(pk__in=[k for k in keys.values() if k is not None])
        before = {o.pk: snapshot(o) for o in stored}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(request, ADDED, obj, {}, snapshot(obj))
        for obj, _names in formset.changed_objects:
            record(request, CHANGED, obj, before.get(obj.pk, {}), snapshot(obj))
        for obj in formset.deleted_objects:
            pk = keys.get(id(obj), obj.pk)
            record(request, DELETED, obj, before.get(pk, {}), {}, pk=pk)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (func if name == "delete_selected" else _audited_action(func, name), name, text)
            for name, (func, name, text) in actions.items()
        }


def _audited_action(func, name: str):
    """A bulk action that also records, per selected object, that it ran and what it changed."""

    def action(modeladmin, request, queryset):
        objects = list(queryset)
        before = {o.pk: snapshot(o) for o in objects}
        response = func(modeladmin, request, queryset)
        model = queryset.model
        after = {o.pk: snapshot(o) for o in model._default_manager.filter(pk__in=list(before))}
        for obj in objects:
            record(request, ACTION, obj, before[obj.pk], after.get(obj.pk, {}), name=name)
        return response

    action.__name__ = getattr(func, "__name__", name)
    return action


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """The admin class with the mixin (itself if it has it already)."""
    if issubclass(admin_class, AuditedAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (AuditedAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class AuditedAdminSite(admin.AdminSite):
    """The admin site: every registered ModelAdmin records its changes in the audit trail."""

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)
