"""Signing in for API clients (a token) and who the signed-in user is."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kesu.api.authentication import token_expires_at, token_for, tokens_revoke
from kesu.api.reference_serializers import MeSerializer, TokenSerializer
from kesu.api.responses import BAD_REQUEST, error
from kesu.organisation.models import User


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        summary=_("Get an API token for a username and password"),
        auth=[],
        responses={200: TokenSerializer, 400: BAD_REQUEST},
    ),
    delete=extend_schema(
        tags=["auth"],
        summary=_("Revoke the token of this request (sign out)"),
        request=None,
        responses={204: None, 401: error(_("No valid token or session."))},
    ),
)
class TokenView(ObtainAuthToken):
    """POST username and password, get the token to send as `Authorization: Token <token>`.

    A token expires KESU_TOKEN_TTL_HOURS after it was issued; signing in again then issues a
    new one. DELETE revokes it, as does signing out of the workspace.
    """

    throttle_classes = [AnonRateThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_for(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    def delete(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        tokens_revoke(request.user)
        return Response(status=204)


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
