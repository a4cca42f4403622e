"""Errors raised by services; the API and the pages turn them into translated responses."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused business operation, with a stable code and a translated message."""

    status_code = 400
    default_code = "refused"
    default_message = _("The operation was refused.")

    def __init__(self, message=None, *, code: str | None = None, params: dict | None = None):
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.params = params or {}
        super().__init__(str(self.code))

    def render(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotAllowed(DomainError):
    status_code = 403
    default_code = "not_allowed"
    default_message = _("Your role may not do this.")


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class InvalidState(DomainError):
    status_code = 409
    default_code = "invalid_state"
    default_message = _("This cannot be done in the complaint's current state.")


class StaleVersion(DomainError):
    status_code = 409
    default_code = "stale_version"
    default_message = _(
        "Someone else changed this complaint after you loaded it. Reload it and apply your change again."
    )
