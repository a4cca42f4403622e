"""Complaint endpoints. Each view validates input, calls a service or selector, renders."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints.api.filters import ComplaintFilter
from kesu.complaints.api.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ComplaintUpdateSerializer,
    NoteSerializer,
    TimelineEntrySerializer,
    TransitionSerializer,
)
from kesu.complaints.api.transitions import TRANSITION_INPUTS, run_transition
from kesu.complaints.attachments import content_disposition
from kesu.complaints.choices import State
from kesu.complaints.selectors import (
    attachment_get,
    complaint_attachments,
    complaint_detail,
    complaint_get,
    complaint_list,
    complaint_timeline,
)
from kesu.complaints.services import (
    complaint_add_note,
    complaint_attach,
    complaint_register,
    complaint_update,
)
from kesu.complaints.workflow import TRANSITIONS, transitions_for
from kesu.core.api.concurrency import etag_for, expected_version, stale_version_status
from kesu.core.api.pagination import OldestFirstPagination
from kesu.core.api.responses import (
    BAD_REQUEST,
    CONFLICT,
    ETAG_HEADER,
    FORBIDDEN,
    IF_MATCH_HEADER,
    NOT_FOUND,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED,
    NoAllowHeaderMixin,
)
from kesu.core.errors import NotFound

TAG = "complaints"
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Any unique string (e.g. a UUID) chosen by the client. A retry with the same key "
        "returns the complaint created the first time (200, Idempotent-Replayed: true)."
    ),
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_('"true" when the response is the replay of an earlier create.'),
)


def complaint_response(request, complaint, status_code=status.HTTP_200_OK, headers=None):
    data = ComplaintDetailSerializer(complaint, context={"request": request}).data
    response = Response(data, status=status_code, headers=headers)
    response["ETag"] = etag_for(complaint.version)
    return response


def _after_write(request, complaint):
    """The complaint as it is now; a user who just handed a case away still gets its state."""
    try:
        return complaint_detail(request.user, complaint.pk)
    except NotFound:
        return complaint


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        raise ValidationError(
            {"Idempotency-Key": [_("Give a key of 1 to 100 characters, e.g. a UUID.")]}
        )
    return key


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Complaints you may see, newest first")),
)
class ComplaintListView(generics.ListAPIView):
    serializer_class = ComplaintListSerializer
    filterset_class = ComplaintFilter

    def get_queryset(self):
        return complaint_list(self.request.user)

    @extend_schema(
        tags=[TAG],
        summary=_("Register a complaint"),
        request=ComplaintCreateSerializer,
        parameters=[IDEMPOTENCY_KEY, ETAG_HEADER, IDEMPOTENT_REPLAYED],
        responses={
            201: ComplaintDetailSerializer,
            200: OpenApiResponse(
                ComplaintDetailSerializer, description=_("Replay of an earlier create.")
            ),
            400: BAD_REQUEST,
            403: FORBIDDEN,
        },
    )
    def post(self, request):
        serializer = ComplaintCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        complaint, created = complaint_register(
            actor=request.user,
            idempotency_key=_idempotency_key(request),
            **serializer.validated_data,
        )
        if not created:
            response = complaint_response(request, _after_write(request, complaint))
            response["Idempotent-Replayed"] = "true"
            return response
        # The new complaint is answered from the objects just written, with their relations
        # already loaded: re-reading it would cost a query whose eleven-table join takes
        # longer to plan than the rest of the request's SQL to run.
        location = reverse("api:complaint-detail", kwargs={"pk": complaint.pk})
        return complaint_response(
            request, complaint, status.HTTP_201_CREATED, headers={"Location": location}
        )


class ComplaintDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One complaint"),
        parameters=[ETAG_HEADER],
        responses={200: ComplaintDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return complaint_response(request, complaint_detail(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary=_("Edit the record's descriptive fields"),
        description=_(
            "Needs the version you read: If-Match with the ETag (stale → 412) or `version` "
            "in the body (stale → 409); without either, 428."
        ),
        request=ComplaintUpdateSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={
            200: ComplaintDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            412: PRECONDITION_FAILED,
            428: PRECONDITION_REQUIRED,
        },
    )
    def patch(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = ComplaintUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version, from_header = expected_version(
            request, changes.pop("version", None), required=True
        )
        with stale_version_status(from_header):
            complaint = complaint_update(
                complaint_id=pk, actor=request.user, expected_version=version, changes=changes
            )
        return complaint_response(request, _after_write(request, complaint))


class TransitionListView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("The moves you may make on this complaint now"),
        responses={200: TransitionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        complaint = complaint_get(request.user, pk)
        return Response(
            TransitionSerializer(transitions_for(complaint, request.user), many=True).data
        )


class TransitionView(APIView):
    """POST one move of the procedure; subclassed per move so each has its own input schema."""

    transition_name = ""

    def post(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = TRANSITION_INPUTS[self.transition_name](
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, from_header = expected_version(request, data.pop("version", None), required=False)
        with stale_version_status(from_header):
            complaint = run_transition(
                self.transition_name,
                complaint_id=pk,
                actor=request.user,
                data=data,
                expected_version=version,
            )
        return complaint_response(request, _after_write(request, complaint))


def _transition_view(name: str) -> type[TransitionView]:
    transition = TRANSITIONS[name]
    target = transition.target
    description = (
        format_lazy(_("Ends in state “{state}”."), state=State(target).label)
        if target
        else _("Keeps the state; records the change.")
    )
    view = type(
        "".join(part.title() for part in name.split("_")) + "TransitionView",
        (TransitionView,),
        {"transition_name": name, "__module__": __name__},
    )
    return extend_schema_view(
        post=extend_schema(
            tags=["transitions"],
            operation_id=f"v1_complaints_transitions_{name}",
            summary=transition.label,
            description=description,
            request=TRANSITION_INPUTS[name],
            parameters=[IF_MATCH_HEADER, ETAG_HEADER],
            responses={
                200: ComplaintDetailSerializer,
                400: BAD_REQUEST,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
                412: PRECONDITION_FAILED,
            },
        )
    )(view)


TRANSITION_VIEWS = {name: _transition_view(name) for name in TRANSITIONS}


@extend_schema(exclude=True)
class UnknownTransitionView(NoAllowHeaderMixin, APIView):
    """A move the procedure does not have: 404 for every method, OPTIONS and HEAD included."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        complaint_get(request.user, kwargs["pk"])
        raise NotFound(
            _("There is no move called “%(name)s”."),
            code="unknown_transition",
            params={"name": kwargs["name"][:40]},
        )


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("The complaint's timeline, oldest first")),
)
class TimelineView(generics.ListAPIView):
    serializer_class = TimelineEntrySerializer
    pagination_class = OldestFirstPagination
    filter_backends = []

    def get_queryset(self):
        return complaint_timeline(self.request.user, self.kwargs["pk"])


class NoteView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Add a note or a call to the timeline"),
        request=NoteSerializer,
        responses={201: TimelineEntrySerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = complaint_add_note(complaint_id=pk, actor=request.user, **serializer.validated_data)
        entry.actor = request.user
        return Response(
            TimelineEntrySerializer(entry, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class AttachmentListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        summary=_("Files of the complaint"),
        responses={200: AttachmentSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        attachments = complaint_attachments(request.user, pk)
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Attach a file (photo of the defect, recording, letter)"),
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = complaint_attach(
            complaint_id=pk,
            actor=request.user,
            upload=serializer.validated_data["file"],
            description=serializer.validated_data.get("description", ""),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class _FileNegotiation(BaseContentNegotiation):
    """A download answers whatever the client accepts; errors still render as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentDownloadView(APIView):
    content_negotiation_class = _FileNegotiation

    @extend_schema(
        tags=[TAG],
        summary=_("Download a file of the complaint"),
        description=_(
            "The file as uploaded, with the Content-Type it was uploaded with (any type)."
        ),
        responses={(200, "*/*"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, pk: int, attachment_pk: int):
        attachment = attachment_get(request.user, pk, attachment_pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotFound() from None
        response = FileResponse(
            handle, content_type=attachment.content_type or "application/octet-stream"
        )
        # The original name, with an ASCII stand-in for clients that do not read filename*.
        response["Content-Disposition"] = content_disposition(attachment.original_name)
        return response
