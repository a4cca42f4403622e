"""The integration token: `Authorization: Bearer <key>`, and what it may do.

Staff clients sign in with `Authorization: Token <token>` (kesu/core/api/authentication.py);
an integration's key goes after `Bearer`, so neither scheme can be mistaken for the other.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from kesu.integrations.models import Integration
from kesu.integrations.services import TokenRefused, acting_branches, integration_for_key

KEYWORD = b"bearer"

# The API addresses an integration's token may read (with the read scope) and write to (with
# the write scope), besides the inbound and telephony endpoints, which name their ability.
READABLE = frozenset(
    {
        "me",
        "category-list",
        "branch-list",
        "complaint-list",
        "complaint-detail",
        "complaint-timeline",
        "complaint-attachments",
        "customer-list",
        "customer-detail",
        "customer-purchases",
    }
)
WRITABLE = frozenset({"complaint-notes", "complaint-attachments"})
ABILITY_FIELDS = {"inbound": "may_register_inbound", "telephony": "may_report_calls"}


class IntegrationTokenAuthentication(BaseAuthentication):
    """An integration's key; refused (401) when unknown, revoked or expired.

    The request acts as the integration's service user, narrowed to the branches the token
    may act in (User.acting_branch_ids), so every reader and service scopes it as it scopes
    staff.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        # A key missing or garbled is an invalid one (docs/integrations.md lists the codes).
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key after the word Bearer: Authorization: Bearer kesu_…"),
                code="invalid_token",
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token."), code="invalid_token"
            ) from None
        try:
            integration = integration_for_key(key)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message, code=refused.code) from None
        user = integration.service_user
        user.acting_branch_ids = acting_branches(integration)
        return user, integration

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class IntegrationScope(BasePermission):
    """What an integration's token may do: read with the read scope, write with the write
    scope, and the inbound and telephony endpoints only with their ability. Staff requests
    pass (their roles decide, as before)."""

    def has_permission(self, request, view):
        if request.method.lower() not in view.http_method_names or not hasattr(
            view, request.method.lower()
        ):
            return True  # the view answers 405, as it does to everyone
        integration = request.auth
        ability = getattr(view, "integration_ability", None)
        if not isinstance(integration, Integration):
            if ability is None or not request.user.is_authenticated:
                return True
            return self._refuse(
                _("Only an integration's token may use this address."), "integrations_only"
            )
        match = getattr(request, "resolver_match", None)
        name = match.url_name if match else ""
        reading = request.method in SAFE_METHODS
        if ability is not None:
            if not getattr(integration, ABILITY_FIELDS[ability]):
                return self._refuse(ABILITY_MESSAGES[ability], "scope_missing")
            if ability == "inbound" and not integration.may_write:
                return self._refuse(_("This integration's token may only read."), "read_only")
            return True
        if reading and name in READABLE:
            if integration.may_read:
                return True
            return self._refuse(_("This integration's token may not read."), "scope_missing")
        if not reading and name in WRITABLE:
            if integration.may_write:
                return True
            return self._refuse(_("This integration's token may only read."), "read_only")
        return self._refuse(
            _("An integration's token may not use this address."), "not_for_integrations"
        )

    def _refuse(self, message, code: str) -> bool:
        self.message = message
        self.code = code
        return False


ABILITY_MESSAGES = {
    "inbound": _("This integration's token may not register complaints (inbound)."),
    "telephony": _("This integration's token may not report calls (telephony)."),
}
