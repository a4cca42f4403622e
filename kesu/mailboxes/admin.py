from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kesu.mailboxes.choices import InboundStatus, reason_label
from kesu.mailboxes.models import CustomerMessage, InboundMail, Mailbox, MessageTemplate


class MailboxForm(forms.ModelForm):
    """The password is never shown again; left empty on a change, the kept one stays."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Kept as typed, for the worker to log in: readable by whoever may change mailboxes "
            "here and by the database's administrators. Leave empty to keep the current one."
        ),
    )

    class Meta:
        model = Mailbox
        fields = [
            "organisation",
            "branch",
            "address",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "intake_user",
            "is_active",
        ]

    def clean_password(self):
        value = self.cleaned_data.get("password") or ""
        if not value:
            if self.instance.pk:
                return self.instance.password
            raise forms.ValidationError(_("This field is required."))
        return value


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "address",
        "branch",
        "host",
        "security",
        "is_active",
        "last_checked_at",
        "last_error",
        "failed_mails",
    ]
    list_filter = ["is_active", "organisation", "branch"]
    search_fields = ["address", "host"]
    list_select_related = ["branch"]
    autocomplete_fields = ["intake_user"]
    readonly_fields = ["last_checked_at", "last_error"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(failed_count=Count("mails", filter=Q(mails__status=InboundStatus.FAILED)))
        )

    @admin.display(description=_("failed e-mails"), ordering="failed_count")
    def failed_mails(self, obj):
        """How many of its mails could not be processed, linked to their list."""
        if not obj.failed_count:
            return "0"
        url = reverse("admin:mailboxes_inboundmail_changelist")
        return format_html(
            '<a href="{}?mailbox__id__exact={}&amp;status__exact={}">{}</a>',
            url,
            obj.pk,
            InboundStatus.FAILED,
            obj.failed_count,
        )


class LogAdmin(admin.ModelAdmin):
    """A log: looked at, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMail)
class InboundMailAdmin(LogAdmin):
    list_display = [
        "received_at",
        "mailbox",
        "sender",
        "subject",
        "status",
        "reason_text",
        "complaint",
    ]
    list_filter = ["status", "mailbox"]
    exclude = ["reason"]
    readonly_fields = ["reason_text"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["mailbox", "complaint"]
    date_hierarchy = "received_at"

    @admin.display(description=_("reason"), ordering="reason")
    def reason_text(self, obj):
        return reason_label(obj.reason)


@admin.register(CustomerMessage)
class CustomerMessageAdmin(LogAdmin):
    list_display = ["created_at", "kind", "channel", "to", "status", "complaint", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to", "subject"]
    list_select_related = ["complaint"]
    date_hierarchy = "created_at"
    exclude = ["body"]
    readonly_fields = ["text_as_sent"]

    @admin.display(description=_("text"))
    def text_as_sent(self, obj):
        # The message as the customer got it: data, not wording (for translators and the crawl).
        return format_html('<pre translate="no">{}</pre>', obj.body)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "language", "subject", "organisation"]
    list_filter = ["organisation", "kind", "channel", "language"]
    search_fields = ["subject", "body"]
    list_select_related = ["organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["body"].help_text = _(
            "Values are written in braces. Every message offers {name}, {number}, {title}, "
            "{branch}, {hotline} and {tracking} (the customer portal's tracking page); the "
            "acknowledgement also {received}, shared progress {text}, the closure {recourse} "
            "(where else to turn, with the time limits), the survey {url} and {until}. "
            "A brace of your own is doubled: {{ or }}."
        )
        return form
