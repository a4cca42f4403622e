"""POST /api/v1/triage/: the suggestions for a complaint being typed (nothing is written)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints import limits
from kesu.complaints.choices import Channel, Demand
from kesu.complaints.triage_suggestions import triage_suggest
from kesu.core.api.fields import StrictInputMixin
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN


class TriageInputSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=limits.TITLE, help_text=_("The summary."))
    account = serializers.CharField(
        max_length=limits.ACCOUNT, help_text=_("The customer's account, in their own words.")
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    demand = serializers.ChoiceField(choices=Demand.choices, required=False)


class SuggestionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text=_("The code or id to send when registering."))
    label = serializers.CharField(help_text=_("The value's name in the request's language."))
    confidence = serializers.FloatField(
        help_text=_("0 to 1; 0.5 is the model's decision boundary, not a probability.")
    )
    evidence = serializers.ListField(
        child=serializers.CharField(), help_text=_("The words of the text behind it.")
    )


class SeveritySuggestionSerializer(SuggestionSerializer):
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("The reason codes of the rules that matched.")
    )
    crisis = serializers.BooleanField()


class CrisisSuggestionSerializer(serializers.Serializer):
    value = serializers.BooleanField(help_text=_("Whether the text threatens a crisis."))
    kinds = SuggestionSerializer(many=True)


class TriageSerializer(serializers.Serializer):
    problem_areas = SuggestionSerializer(many=True)
    category = SuggestionSerializer(many=True)
    cause = SuggestionSerializer(many=True)
    department = SuggestionSerializer(many=True)
    demand = SuggestionSerializer(many=True)
    upset_level = SuggestionSerializer(many=True)
    personality_type = SuggestionSerializer(many=True)
    severity = SeveritySuggestionSerializer()
    crisis = CrisisSuggestionSerializer()


class TriageView(APIView):
    @extend_schema(
        tags=["complaints"],
        summary=_("Triage suggestions for a complaint being typed"),
        description=_(
            "Problem areas, severity with its reasons, crisis threats and, once the "
            "organisation's own models are trained from its closed complaints, category, "
            "cause, handling department, demand, how upset the customer is and personality "
            "type; best first, each with a confidence and "
            "the words behind it. Nothing is written."
        ),
        request=TriageInputSerializer,
        responses={200: TriageSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request):
        serializer = TriageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(triage_suggest(actor=request.user, **serializer.validated_data))
