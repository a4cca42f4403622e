from django.contrib import admin

from kesu.notifications.models import (
    DeliveryAttempt,
    Notification,
    NotificationSetting,
    WebhookEndpoint,
)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "branch", "is_active"]
    list_filter = ["kind", "is_active", "branch"]
    search_fields = ["name"]
    list_select_related = ["branch"]


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    """Kinds of notification switched off for an organisation (no user) or for one user
    (docs/notifications.md); users change their own on Inbox → Notification settings."""

    list_display = ["kind", "organisation", "user", "enabled"]
    list_filter = ["organisation", "kind", "enabled"]
    search_fields = ["user__username"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: looked at, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["at", "worker_id", "ok", "error", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "channel",
        "recipient",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "channel", "kind", "organisation"]
    search_fields = ["dedupe_key", "recipient__username"]
    list_select_related = ["recipient", "endpoint"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["notification_id", "at", "worker_id", "ok", "duration_ms", "error"]
    list_filter = ["ok"]
    search_fields = ["worker_id", "notification__dedupe_key"]
    list_select_related = ["notification"]
