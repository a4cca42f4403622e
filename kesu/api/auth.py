"""Signing in for API clients (a token) and who the signed-in user is."""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.authtoken import serializers as authtoken_serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from kesu.complaints.api.reference_serializers import MeSerializer, TokenSerializer
from kesu.core.api.authentication import token_expires_at, token_for, tokens_revoke
from kesu.core.api.json_types import StrictJSONTypesMixin
from kesu.core.api.responses import BAD_REQUEST, error
from kesu.core.api.throttling import SignInRateThrottle
from kesu.organisation.models import User


class AccountLockedOut(exceptions.APIException):
    """Too many failed sign-ins for this username from this address (django-axes)."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, cool_off):
        seconds = max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0
        minutes = max(1, math.ceil(seconds / 60))
        if seconds:
            detail = ngettext(
                "This account is locked at this address after too many failed sign-ins. "
                "Try again in %(minutes)s minute.",
                "This account is locked at this address after too many failed sign-ins. "
                "Try again in %(minutes)s minutes.",
                minutes,
            ) % {"minutes": minutes}
            self.wait = seconds  # DRF sends it as Retry-After
        else:
            detail = _(
                "This account is locked at this address after too many failed sign-ins. "
                "An administrator can unlock it."
            )
        super().__init__(detail)


class AuthTokenSerializer(StrictJSONTypesMixin, authtoken_serializers.AuthTokenSerializer):
    """DRF's, with JSON strings only (its name kept: the schema's component is AuthTokenRequest)."""


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        summary=_("Get an API token for a username and password"),
        auth=[],
        responses={
            200: TokenSerializer,
            400: BAD_REQUEST,
            429: error(_("Too many requests, or the account is locked at this address.")),
        },
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

    throttle_classes = [SignInRateThrottle]
    serializer_class = AuthTokenSerializer
    # The API's own (DRF's view names its stock JSON parser): bounded JSON, strict types.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def post(self, request, *args, **kwargs):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        # The workspace's sign-in page shows django-axes' lockout; here, without this check,
        # the locked-out user's right password would get "Unable to log in" (400).
        locked = (
            isinstance(username, str)
            and username
            and not AxesProxyHandler.is_allowed(request, {"username": username})
        )
        if locked:
            raise AccountLockedOut(get_cool_off(request))
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
        # An integration's token narrows its service user to the token's branches.
        user.acting_branch_ids = getattr(request.user, "acting_branch_ids", None)
        return Response(MeSerializer(user, context={"request": request}).data)
