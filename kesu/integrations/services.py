"""Writes of the integrations app: tokens, complaints from other channels, reported calls."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import THIRD_PARTY_CHANNELS
from kesu.complaints.routing import least_busy
from kesu.complaints.services import attachment_store, complaint_register, validate_upload
from kesu.core.errors import DomainError, NotFound
from kesu.customers.models import Customer
from kesu.customers.selectors import customers_by_phone
from kesu.customers.services import customer_create
from kesu.integrations.models import InboundComplaint, IncomingCall, Integration
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, User

KEY_PREFIX = "kesu_"
# How much of a key stays readable (the admin's list, the audit trail never sees the key).
SHOWN_CHARACTERS = 12
# A pop-up shows for this long after the call was reported, unless dismissed earlier.
CALL_SHOWN_FOR = timedelta(minutes=1)
# last_used_at is written at most this often (not on every request of a busy integration).
LAST_USED_EVERY = timedelta(minutes=1)


class IdempotencyKeyReused(DomainError):
    status_code = 409
    default_code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was used for a different request. Use a new key for a new "
        "complaint; resend exactly the same body to get the first answer again."
    )


def secret_hash(key: str) -> str:
    """The stored form of a key: keys are long and random, so one SHA-256 suffices (a slow
    password hash would cost every API request; there is nothing to guess)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _service_username(integration: Integration) -> str:
    return f"integration-{integration.pk}"


@transaction.atomic
def integration_prepare(integration: Integration) -> str:
    """Give a saved integration its service user (if it has none) and a new key; returns the
    key, which is shown once and kept only as its hash."""
    if integration.service_user_id is None:
        user = User(
            username=_service_username(integration),
            display_name=integration.name,
            organisation_id=integration.organisation_id,
            role=Role.GROUP,
            branch=None,
            # Inactive: no sign-in anywhere, left out of every picker and notification; the
            # token is checked by its integration (revoked, expires_at), not by this flag.
            is_active=False,
            is_staff=False,
        )
        user.set_unusable_password()
        user.save()
        integration.service_user = user
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    integration.secret_hash = secret_hash(key)
    integration.key_prefix = key[:SHOWN_CHARACTERS]
    integration.save(update_fields=["service_user", "secret_hash", "key_prefix"])
    return key


def branches_problem(
    *, organisation_id: int | None, all_branches: bool, branches
) -> Promise | None:
    """Why these branches cannot be an integration's, or None: they must be the organisation's,
    and it acts either in all branches or in the branches chosen — some, and not both (with
    both ticked it would silently reach every branch, not the ones chosen)."""
    branches = list(branches or [])
    if organisation_id and any(b.organisation_id != organisation_id for b in branches):
        return _("Choose branches of the integration's organisation.")
    if all_branches and branches:
        return _(
            "Choose either “in all branches” or particular branches, not both: with both, the "
            "token would act in every branch."
        )
    if not all_branches and not branches:
        return _("Choose the branches it may act in, or tick all.")
    return None


@transaction.atomic
def integration_create(
    *, branches: list[Branch] | None = None, **fields
) -> tuple[Integration, str]:
    """A new integration with its service user; returns it and its key (shown once). It acts
    in `all_branches=True` or in the `branches` given (one of the two)."""
    organisation = fields.get("organisation")
    problem = branches_problem(
        organisation_id=organisation.pk if organisation else fields.get("organisation_id"),
        all_branches=bool(fields.get("all_branches")),
        branches=branches,
    )
    if problem:
        raise ValidationError({"branches": problem})
    integration = Integration.objects.create(**fields)
    if branches:
        integration.branches.set(branches)
    return integration, integration_prepare(integration)


def integration_saved(integration: Integration) -> None:
    """After an edit: the service user carries the integration's name and organisation, and a
    newly revoked integration records when."""
    updates = []
    if integration.revoked and integration.revoked_at is None:
        integration.revoked_at = timezone.now()
        updates.append("revoked_at")
    elif not integration.revoked and integration.revoked_at is not None:
        integration.revoked_at = None
        updates.append("revoked_at")
    if updates:
        integration.save(update_fields=updates)
    user = integration.service_user
    if user is not None and (
        user.display_name != integration.name or user.organisation_id != integration.organisation_id
    ):
        user.display_name = integration.name[:100]
        user.organisation_id = integration.organisation_id
        user.save(update_fields=["display_name", "organisation"])


class TokenRefused(Exception):
    """Why a key is not accepted: unknown, revoked or expired (the API answers 401)."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


def integration_for_key(key: str, now=None) -> Integration:
    """The integration whose key this is, if it may be used now; records when it was used."""
    now = now or timezone.now()
    digest = secret_hash(key)
    integration = (
        Integration.objects.select_related("service_user__organisation", "organisation")
        .filter(secret_hash=digest)
        .first()
    )
    if integration is None or not hmac.compare_digest(integration.secret_hash or "", digest):
        raise TokenRefused("invalid_token", _("Invalid token."))
    if integration.revoked:
        raise TokenRefused("token_revoked", _("This integration's token has been revoked."))
    if integration.is_expired(now):
        raise TokenRefused("token_expired", _("This integration's token has expired."))
    if integration.service_user is None:
        raise TokenRefused("invalid_token", _("Invalid token."))
    if integration.last_used_at is None or now - integration.last_used_at >= LAST_USED_EVERY:
        Integration.objects.filter(pk=integration.pk).update(last_used_at=now)
        integration.last_used_at = now
    return integration


def acting_branches(integration: Integration) -> frozenset[int] | None:
    """The branches the integration may act in; None for all of its organisation's."""
    if integration.all_branches:
        return None
    return frozenset(integration.branches.values_list("pk", flat=True))


# ---- Complaints from other channels --------------------------------------------------------


def _customer_for(actor: User, branch: Branch, customer: dict) -> tuple[Customer, bool]:
    """The customer of that phone the integration sees (their home branch first), else a new
    one in that branch."""
    found = sorted(
        customers_by_phone(actor, customer["phone"]),
        key=lambda c: (c.branch_id != branch.pk, c.pk),
    )
    if found:
        return found[0], False
    if not (customer.get("name") or "").strip():
        raise ValidationError(
            {"customer": _("No customer has this phone yet: give their name to add them.")}
        )
    created = customer_create(
        actor=actor,
        name=customer["name"],
        phone=customer["phone"],
        email=customer.get("email") or "",
        branch=branch,
    )
    return created, True


def inbound_register(
    *,
    integration: Integration,
    idempotency_key: str,
    body_sha256: str,
    branch: Branch,
    customer: dict,
    channel: str,
    title: str,
    account: str,
    external_reference: str = "",
    photos: list[UploadedFile] | None = None,
    **fields,
) -> tuple[InboundComplaint, bool]:
    """Register a complaint that came in through another channel, once per idempotency key.

    Returns (record, created). The same key with the same body returns the first record; with
    another body it is refused (IdempotencyKeyReused). The complaint goes through the
    complaints' own registration, so deadlines, routing and notifications apply; the customer
    is found by phone in what the integration sees or added in the branch; photos are checked
    as uploads are and kept with the complaint, each on its timeline.
    """
    previous = _previous(integration, idempotency_key, body_sha256)
    if previous is not None:
        return previous, False
    actor = integration.service_user
    assert actor is not None  # integration_for_key refuses an integration without one
    for index, photo in enumerate(photos or []):
        try:
            validate_upload(photo)
        except ValidationError as exc:
            raise ValidationError({f"photos.{index}": exc.messages}) from None
    reference = (external_reference or "").strip()
    try:
        with transaction.atomic():
            found, customer_created = _customer_for(actor, branch, customer)
            complaint, created = complaint_register(
                actor=actor,
                customer=found,
                branch=branch,
                channel=channel,
                title=title,
                account=account,
                idempotency_key=idempotency_key,
                owner_if_unrouted=first_owner(branch),
                third_party_reference=reference if channel in THIRD_PARTY_CHANNELS else "",
                channel_detail="" if channel in THIRD_PARTY_CHANNELS else reference,
                **fields,
            )
            if not created:  # the complaints' own key record exists: a race we lost
                raise IntegrityError("idempotency key taken")
            for photo in photos or []:
                attachment_store(complaint=complaint, actor=actor, upload=photo)
            record = InboundComplaint.objects.create(
                integration=integration,
                idempotency_key=idempotency_key,
                body_sha256=body_sha256,
                complaint=complaint,
                external_reference=reference,
                customer_created=customer_created,
            )
    except IntegrityError:
        # Two deliveries of one request raced: the one that committed first is the answer.
        previous = _previous(integration, idempotency_key, body_sha256)
        if previous is None:
            raise
        return previous, False
    return record, True


def first_owner(branch: Branch) -> User | None:
    """Who takes an inbound complaint no routing rule gives to someone (the integration's
    service user cannot handle one): the branch's frontline colleague with the fewest open
    complaints, else its least busy handling manager."""
    return least_busy(branch, Role.FRONTLINE, None) or least_busy(branch, Role.HANDLER, None)


def _previous(integration: Integration, key: str, body_sha256: str) -> InboundComplaint | None:
    previous = (
        InboundComplaint.objects.select_related("complaint", "complaint__customer")
        .filter(integration=integration, idempotency_key=key)
        .first()
    )
    if previous is not None and not hmac.compare_digest(previous.body_sha256, body_sha256):
        raise IdempotencyKeyReused()
    return previous


# ---- Calls (the call-centre pop-up) -----------------------------------------------------------


class UnknownExtension(DomainError):
    status_code = 404
    default_code = "unknown_extension"
    default_message = _("No agent has this extension in the branches this integration may act in.")


def agent_for_extension(integration: Integration, extension: str) -> User:
    agents = User.objects.filter(
        organisation_id=integration.organisation_id, extension=extension, is_active=True
    )
    branches = acting_branches(integration)
    if branches is not None:
        agents = agents.filter(branch_id__in=sorted(branches))
    agent = agents.first()
    if agent is None:
        raise UnknownExtension()
    return agent


def call_report(*, integration: Integration, caller: str, extension: str, now=None) -> IncomingCall:
    """A call ringing at an extension: the agent there sees it in their open tab for a minute."""
    now = now or timezone.now()
    agent = agent_for_extension(integration, extension)
    return IncomingCall.objects.create(
        integration=integration,
        agent=agent,
        extension=extension,
        caller=caller,
        received_at=now,
        expires_at=now + CALL_SHOWN_FOR,
    )


def call_dismiss(*, user: User, call_id: int, now=None) -> IncomingCall:
    """The agent closes the pop-up (Esc, or starting the intake from it)."""
    call = IncomingCall.objects.filter(pk=call_id, agent=user).first()
    if call is None:
        raise NotFound()
    if call.dismissed_at is None:
        call.dismissed_at = now or timezone.now()
        call.save(update_fields=["dismissed_at"])
    return call
