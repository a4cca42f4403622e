"""A complaint's team in the API: co-handlers, the visiting team and watchers (team.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints.api.serializers import TeamAddSerializer, TeamMemberSerializer
from kesu.complaints.selectors import complaint_get
from kesu.complaints.team import require_may_manage_team, team_add, team_of, team_remove
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN, NOT_FOUND

TAG = "team"


class TeamView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("The complaint's team beside its owner"),
        responses={200: TeamMemberSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        complaint = complaint_get(request.user, pk)
        return Response(TeamMemberSerializer(team_of(complaint), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Put a colleague on the team, or change their role on it"),
        description=_(
            "The owner and those who lead the handling may; the new member is told and sees "
            "the complaint under “With my team”."
        ),
        request=TeamAddSerializer,
        responses={
            201: TeamMemberSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        require_may_manage_team(request.user, complaint_get(request.user, pk))
        serializer = TeamAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = team_add(
            actor=request.user, complaint_id=pk, user_id=data["user"], role=data["role"]
        )
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class TeamMemberView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Take a colleague off the team"),
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, pk: int, user_pk: int):
        complaint_get(request.user, pk)
        team_remove(actor=request.user, complaint_id=pk, user_id=user_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
