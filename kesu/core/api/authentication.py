"""API tokens that expire, and are revoked on sign-out."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


def masked_key(key: str) -> str:
    """A token as people may see it: enough to tell tokens apart, not enough to use one."""
    return f"{key[:4]}…" if key else ""


def token_expires_at(token: Token):
    return token.created + timedelta(hours=settings.KESU_TOKEN_TTL_HOURS)


def token_is_expired(token: Token, now=None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def token_for(user) -> Token:
    """The user's token, a fresh one if the old one has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_is_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


def tokens_revoke(user) -> int:
    """Revoke the user's API token (sign-out, or an administrator's decision)."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, refused once the token is KESU_TOKEN_TTL_HOURS old."""

    def authenticate_credentials(self, key):
        # The user's organisation, branch and department come with the token: nearly every
        # request needs them (visibility, intake defaults), one query instead of four.
        try:
            token = Token.objects.select_related(
                "user__organisation", "user__branch", "user__department"
            ).get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("The token has expired; request a new one."), code="token_expired"
            )
        return user, token


def revoke_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        tokens_revoke(user)


class SessionCsrfAuthentication(SessionAuthentication):
    """The workspace's browser session; a failed CSRF check is refused in the user's language.

    DRF's refusal is "CSRF Failed: <Django's reason>", English whatever the language; the
    reason (cookie or token missing, token wrong, untrusted origin) goes to the log instead.
    """

    def enforce_csrf(self, request):
        check = CSRFCheck(lambda request: None)
        check.process_request(request)  # puts the CSRF cookie into request.META
        reason = check.process_view(request, None, (), {})
        if reason:
            logger.info("API request refused, CSRF check failed: %s", reason)
            raise exceptions.PermissionDenied(
                _(
                    "The security check of your browser session failed: reload the page and "
                    "try again. Programs should sign in with a token instead."
                ),
                code="csrf_failed",
            )


class SessionCsrfScheme(SessionScheme):
    """The schema describes the subclass as the session cookie, as it does DRF's class."""

    target_class = "kesu.core.api.authentication.SessionCsrfAuthentication"
