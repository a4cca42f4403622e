"""What the inbound and telephony endpoints accept and answer."""

import base64
import binascii
import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kesu.complaints import limits as complaint_limits
from kesu.complaints.choices import Channel, Demand, Kind, State
from kesu.complaints.selectors import branches_in_view
from kesu.core.api.fields import (
    BoundedDateTimeField,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
    request_user,
)
from kesu.core.phones import normalise_phone
from kesu.customers import limits as customer_limits
from kesu.integrations import limits
from kesu.organisation.models import Branch

# The channels a complaint can come in through from another system (not a walk-in, a letter
# or a callback, which staff record themselves).
INBOUND_CHANNELS = [
    (code, label)
    for code, label in Channel.choices
    if code not in {Channel.WALK_IN, Channel.LETTER, Channel.FAX, Channel.CALLBACK}
]
# Base64 takes 4 characters for every 3 bytes.
PHOTO_MAX_CHARACTERS = (settings.KESU_ATTACHMENT_MAX_BYTES + 2) // 3 * 4


class InboundCustomerSerializer(StrictInputMixin, serializers.Serializer):
    phone = serializers.CharField(
        max_length=40, help_text=_("The customer's phone, e.g. 13812345678 or +8613812345678.")
    )
    name = serializers.CharField(
        max_length=customer_limits.NAME,
        required=False,
        help_text=_("Needed when no customer has this phone yet."),
    )
    email = serializers.EmailField(max_length=254, required=False)

    def validate_phone(self, value: str) -> str:
        try:
            return normalise_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class InboundPhotoSerializer(StrictInputMixin, serializers.Serializer):
    file_name = serializers.CharField(
        max_length=200, help_text=_("With its extension, e.g. dashboard.jpg.")
    )
    data = serializers.CharField(
        max_length=PHOTO_MAX_CHARACTERS,
        trim_whitespace=True,
        help_text=_("The file's content, base64-encoded."),
    )

    def validate(self, attrs):
        try:
            content = base64.b64decode(attrs["data"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"data": [_("The photo's data is not valid base64.")]}
            ) from None
        if not content:
            raise serializers.ValidationError({"data": [_("The photo is empty.")]})
        name = Path(attrs["file_name"]).name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return SimpleUploadedFile(name, content, content_type=content_type)


class InboundComplaintSerializer(StrictInputMixin, serializers.Serializer):
    branch = ScopedPrimaryKeyRelatedField(
        scope=branches_in_view,
        queryset=Branch.objects.all(),
        required=False,
        help_text=_(
            "The branch the complaint is for; may be left out when the token acts in one "
            "branch only."
        ),
    )
    channel = serializers.ChoiceField(choices=INBOUND_CHANNELS)
    external_reference = serializers.CharField(
        max_length=limits.EXTERNAL_REFERENCE,
        required=False,
        help_text=_(
            "Your own number for it (a WeChat message id, the manufacturer's case number); "
            "kept on the complaint."
        ),
    )
    customer = InboundCustomerSerializer()
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    demand = serializers.ChoiceField(choices=Demand.choices, required=False)
    title = serializers.CharField(
        max_length=complaint_limits.TITLE, help_text=_("The complaint in a line.")
    )
    account = serializers.CharField(
        max_length=complaint_limits.ACCOUNT, help_text=_("The customer's account, as written.")
    )
    received_at = BoundedDateTimeField(
        required=False, help_text=_("When the customer sent it; defaults to now.")
    )
    photos = serializers.ListField(
        child=InboundPhotoSerializer(),
        required=False,
        max_length=limits.PHOTOS,
        help_text=_("Photos or other files, checked as uploads are."),
    )

    def validate(self, attrs):
        if "branch" not in attrs:
            branches = list(branches_in_view(request_user(self.context))[:2])
            if len(branches) != 1:
                raise serializers.ValidationError(
                    {"branch": [_("Say which branch the complaint is for.")]}
                )
            attrs["branch"] = branches[0]
        return attrs


class InboundCustomerResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text=_("Whether the customer was added now."))


class InboundResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The complaint's id in /api/v1/complaints/."))
    number = serializers.CharField(help_text=_("The complaint's number, to tell the customer."))
    state = serializers.ChoiceField(choices=State.choices)
    branch = serializers.IntegerField()
    external_reference = serializers.CharField(allow_null=True)
    customer = InboundCustomerResultSerializer()
    attachments = serializers.ListField(child=serializers.IntegerField())
    received_at = serializers.DateTimeField()


class CallReportSerializer(StrictInputMixin, serializers.Serializer):
    # The written forms people and telephony systems use: 13812345678, +86 138-1234-5678,
    # 010-6552 2100. Kept as digits (and a leading +) only.
    caller = serializers.RegexField(
        r"^\+?[0-9][0-9 \-]{2,30}$",
        max_length=limits.CALLER,
        help_text=_(
            "The calling number as the telephony system shows it: digits, optionally with a "
            "leading + and with spaces or hyphens between them, e.g. 13812345678, "
            "+86 138-1234-5678 or 010-6552 2100 (3 to 32 characters). Kept without the "
            "spaces and hyphens. Other characters (letters, brackets, dots) are refused."
        ),
        error_messages={
            "invalid": _(
                "Give the calling number as digits, optionally with a leading + and spaces or "
                "hyphens, e.g. 13812345678 or +86 138-1234-5678."
            )
        },
    )
    extension = serializers.RegexField(
        r"^[0-9]{1,16}$",
        max_length=16,
        help_text=_("The extension the call rings at, e.g. 8012."),
        error_messages={"invalid": _("Give the extension as digits only, e.g. 8012.")},
    )

    def validate_caller(self, value: str) -> str:
        return "".join(ch for ch in value if ch == "+" or ch.isdigit())


class AgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CallResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caller = serializers.CharField()
    extension = serializers.CharField()
    agent = AgentSerializer()
    shown_until = serializers.DateTimeField()
