"""Signing in for API clients (a token) and who the signed-in user is."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kesu.api.reference_serializers import MeSerializer, TokenSerializer
from kesu.api.responses import BAD_REQUEST
from kesu.organisation.models import User


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        summary=_("Get an API token for a username and password"),
        auth=[],
        responses={200: TokenSerializer, 400: BAD_REQUEST},
    )
)
class TokenView(ObtainAuthToken):
    """POST username and password, get the token to send as `Authorization: Token <token>`."""

    throttle_classes = [AnonRateThrottle]


class MeView(APIView):
    @extend_schema(
        tags=["auth"],
        summary=_("Who you are: role, branch, department and what you may see"),
        responses={200: MeSerializer, 400: BAD_REQUEST},
    )
    def get(self, request):
        # Not type(request.user): with a session that is a lazy wrapper, not the model.
        user = User.objects.select_related("organisation", "branch", "department").get(
            pk=request.user.pk
        )
        return Response(MeSerializer(user, context={"request": request}).data)
