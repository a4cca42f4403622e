"""The webhooks in the Django admin: endpoints and the delivery log, to look at (changes go
through the pages, so that each is audited and the secret is shown only once), and the
delivery log's "send again" as an action."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kesu.core.errors import DomainError
from kesu.webhooks import services
from kesu.webhooks.models import Attempt, Delivery, Endpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ["description", "url", "organisation", "is_active", "created_at"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["description", "url"]
    list_select_related = ["organisation"]
    # Never the secret: it was shown once, to whoever made it.
    fields = [
        "organisation",
        "description",
        "url",
        "events",
        "branches",
        "is_active",
        "created_at",
        "created_by",
    ]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["at", "worker_id", "ok", "status_code", "duration_ms", "excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "event",
        "endpoint",
        "branch",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["event_id"]
    list_select_related = ["endpoint", "branch"]
    readonly_fields = [
        "organisation",
        "endpoint",
        "branch",
        "event_id",
        "event",
        "body_as_sent",
        "payload_json",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "replay_of",
    ]
    inlines = [AttemptInline]
    actions = ["replay"]
    exclude = ["payload", "body"]

    @admin.display(description=_("body as sent"))
    def body_as_sent(self, obj):
        # The exact text sent and signed (services.sent_body); data, not wording.
        return format_html(
            '<pre translate="no" style="white-space: pre-wrap">{}</pre>',
            services.sent_body(obj).decode("utf-8"),
        )

    @admin.display(description=_("Payload"))
    def payload_json(self, obj):
        # The body laid out; marked as data, not wording, for translators and the crawl.
        return format_html(
            '<pre translate="no">{}</pre>', json.dumps(obj.payload, ensure_ascii=False, indent=2)
        )

    @admin.action(description=_("Send again"))
    def replay(self, request, queryset):
        sent = 0
        for delivery in queryset.order_by("id"):
            try:
                services.delivery_replay(actor=request.user, delivery_id=delivery.pk)
            except DomainError as exc:
                self.message_user(request, f"#{delivery.pk}: {exc.render()}", messages.ERROR)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(n)d delivery sent again.", "%(n)d deliveries sent again.", sent)
                % {"n": sent},
                messages.SUCCESS,
            )


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "at", "ok", "status_code", "duration_ms"]
    list_filter = ["ok"]
    list_select_related = ["delivery"]
