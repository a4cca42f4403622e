"""Writes: opening a crisis, naming its spokesperson and the internal notice, its action plan,
its public statements and watched posts, ending it with its review.

Each function checks who may, locks the crisis, changes it and records an entry on the
complaint's timeline (the audit trail) in the same transaction; the notifications it sends are
queued in that transaction too.
"""

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.complaints.attachments import IMAGE_TYPES
from kesu.complaints.models import Attachment, Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services import attachment_store, validate_upload
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.core.limits import length_errors, normalise_newlines
from kesu.crises import limits
from kesu.crises.choices import CrisisAudit, Platform, Status
from kesu.crises.models import Crisis, CrisisStatement, CrisisStep, WatchedPost
from kesu.crises.notices import notify_notice, notify_step_assigned
from kesu.crises.selectors import (
    crises_visible_to,
    leads,
    may_complete,
    may_end,
    may_open,
    may_work,
    people_for,
)
from kesu.organisation.models import User

# A time given as "when it happened" may be a little ahead of the server's clock.
CLOCK_SLACK = timedelta(minutes=5)
FIRST_YEAR = 2000
LATEST_DUE = timedelta(days=366)


def _text(value) -> str:
    return normalise_newlines(value or "").strip()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _check_person(crisis_or_complaint, person: User | None, field: str, missing: str) -> dict:
    if person is None:
        return {field: [missing]}
    org, branch = crisis_or_complaint.organisation_id, crisis_or_complaint.branch_id
    if not people_for(org, branch).filter(pk=person.pk).exists():
        return {field: [_("Choose someone active of the case's branch or of the group centre.")]}
    return {}


def _audit(crisis: Crisis, actor, action: str, obj, data: dict) -> None:
    audit_record(
        organisation_id=crisis.organisation_id,
        actor=actor,
        action=action,
        obj=obj,
        complaint_id=crisis.complaint_id,
        data={"crisis_id": crisis.pk, **data},
    )


def _locked(actor: User, crisis_id: int) -> Crisis:
    try:
        return (
            crises_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("complaint", "spokesperson")
            .get(pk=crisis_id)
        )
    except (Crisis.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _may(allowed: bool, crisis: Crisis) -> None:
    if not crisis.is_open:
        raise InvalidState(_("The crisis has ended: nothing more is recorded."), code="ended")
    if not allowed:
        raise NotAllowed(_("You may not do this in this crisis."))


# ---- Opening it, its spokesperson and the notice to staff --------------------------------------


def crisis_open(
    *, actor: User, complaint_id: int, spokesperson: User | None, internal_notice: str = ""
) -> Crisis:
    """Open the crisis handling of a complaint flagged as a crisis, naming its one spokesperson;
    the branch's staff are told at once that only they speak for the company."""
    notice = _text(internal_notice)
    with transaction.atomic():
        complaint = (
            complaints_visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None:
            raise NotFound()
        if not complaint.is_crisis:
            raise InvalidState(
                _("Only a complaint flagged as a crisis is handled as one."), code="not_crisis"
            )
        if not may_open(actor, complaint):
            raise NotAllowed(
                _("The general manager, the customer director or the group opens a crisis.")
            )
        if Crisis.objects.filter(complaint_id=complaint.pk).exists():
            raise InvalidState(_("This complaint's crisis is already open."), code="exists")
        errors = length_errors(internal_notice=(notice, limits.TEXT))
        errors.update(
            _check_person(complaint, spokesperson, "spokesperson", _("Name the spokesperson."))
        )
        _raise(errors)
        assert spokesperson is not None
        try:
            with transaction.atomic():
                crisis = Crisis.objects.create(
                    organisation_id=complaint.organisation_id,
                    branch_id=complaint.branch_id,
                    complaint=complaint,
                    spokesperson=spokesperson,
                    internal_notice=notice,
                    opened_by=actor,
                )
        except IntegrityError:  # opened by someone else at the same moment
            raise InvalidState(
                _("This complaint's crisis is already open."), code="exists"
            ) from None
        _audit(
            crisis,
            actor,
            CrisisAudit.OPENED,
            crisis,
            {"spokesperson": spokesperson.pk, "name": str(spokesperson), "text": notice},
        )
        notify_notice(crisis)
    return crisis


def crisis_set_spokesperson(
    *, actor: User, crisis_id: int, spokesperson: User | None, internal_notice: str
) -> Crisis:
    """Name another spokesperson or change the internal notice; the staff are told again."""
    notice = _text(internal_notice)
    with transaction.atomic():
        crisis = _locked(actor, crisis_id)
        _may(leads(actor, crisis), crisis)
        errors = length_errors(internal_notice=(notice, limits.TEXT))
        errors.update(
            _check_person(crisis, spokesperson, "spokesperson", _("Name the spokesperson."))
        )
        _raise(errors)
        assert spokesperson is not None
        changed_person = spokesperson.pk != crisis.spokesperson_id
        if not changed_person and notice == crisis.internal_notice:
            return crisis
        old = crisis.spokesperson
        crisis.spokesperson, crisis.internal_notice = spokesperson, notice
        crisis.save(update_fields=["spokesperson", "internal_notice", "updated_at"])
        if changed_person:
            _audit(
                crisis,
                actor,
                CrisisAudit.SPOKESPERSON,
                crisis,
                {
                    "spokesperson": spokesperson.pk,
                    "name": str(spokesperson),
                    "previous": old.pk,
                    "text": notice,
                },
            )
        else:
            _audit(crisis, actor, CrisisAudit.NOTICE, crisis, {"text": notice})
        notify_notice(crisis)
    return crisis


# ---- The action plan ----------------------------------------------------------------------------


def step_add(
    *,
    actor: User,
    crisis_id: int,
    title: str,
    owner: User | None,
    due_at: datetime | None,
    note: str = "",
) -> CrisisStep:
    title, note = _text(title), _text(note)
    with transaction.atomic():
        crisis = _locked(actor, crisis_id)
        _may(may_work(actor, crisis), crisis)
        errors = length_errors(title=(title, limits.TITLE), note=(note, limits.TEXT))
        if not title:
            errors["title"] = [_("Say what is to be done.")]
        errors.update(_check_person(crisis, owner, "owner", _("Name who does it.")))
        now = timezone.now()
        if due_at is None:
            errors["due_at"] = [_("Give the time it is due.")]
        elif due_at < now:
            errors["due_at"] = [_("The due time cannot be in the past.")]
        elif due_at > now + LATEST_DUE:
            errors["due_at"] = [_("A crisis step is due within a year.")]
        _raise(errors)
        assert owner is not None and due_at is not None
        step = CrisisStep.objects.create(
            crisis=crisis, title=title, owner=owner, due_at=due_at, note=note, created_by=actor
        )
        _audit(
            crisis,
            actor,
            CrisisAudit.STEP_ADDED,
            step,
            {
                "step_id": step.pk,
                "text": title,
                "owner": owner.pk,
                "name": str(owner),
                "due_at": due_at,
                "note": note,
            },
        )
        notify_step_assigned(step, crisis, actor)
    return step


def step_complete(*, actor: User, step_id: int, note: str = "") -> CrisisStep:
    note = _text(note)
    _raise(length_errors(note=(note, limits.TEXT)))
    with transaction.atomic():
        step = (
            CrisisStep.objects.filter(crisis__in=crises_visible_to(actor), pk=step_id)
            .select_related("owner")
            .first()
        )
        if step is None:
            raise NotFound()
        crisis = _locked(actor, step.crisis_id)
        step = CrisisStep.objects.select_for_update().get(pk=step.pk)
        if step.done_at is not None:
            raise InvalidState(_("This step is already done."), code="done")
        _may(may_complete(actor, step, crisis), crisis)
        step.done_at, step.done_by = timezone.now(), actor
        fields = ["done_at", "done_by"]
        if note:
            step.note = f"{step.note}\n{note}".strip() if step.note else note
            fields.append("note")
        step.save(update_fields=fields)
        _audit(
            crisis,
            actor,
            CrisisAudit.STEP_DONE,
            step,
            {"step_id": step.pk, "text": step.title, "note": note},
        )
    return step


# ---- What is said and written in public ---------------------------------------------------------


def _past_time(value: datetime | None, field: str, missing: str) -> dict:
    if value is None:
        return {field: [missing]}
    if value > timezone.now() + CLOCK_SLACK:
        return {field: [_("This time is in the future.")]}
    if value.year < FIRST_YEAR:
        return {field: [_("Give a time after the year %(year)s.") % {"year": FIRST_YEAR}]}
    return {}


def statement_add(
    *,
    actor: User,
    crisis_id: int,
    made_at: datetime | None,
    channel: str,
    text: str,
    made_by: User | None = None,
) -> CrisisStatement:
    """A public statement made: when, where, its words; made by the spokesperson unless said."""
    channel, text = _text(channel), _text(text)
    with transaction.atomic():
        crisis = _locked(actor, crisis_id)
        _may(may_work(actor, crisis), crisis)
        made_by = made_by or crisis.spokesperson
        errors = length_errors(channel=(channel, limits.LINE), text=(text, limits.TEXT))
        if not channel:
            errors["channel"] = [_("Say where the statement was made.")]
        if not text:
            errors["text"] = [_("Give the statement's words.")]
        errors.update(_past_time(made_at, "made_at", _("Give the time it was made.")))
        errors.update(_check_person(crisis, made_by, "made_by", _("Name who made it.")))
        _raise(errors)
        assert made_at is not None
        statement = CrisisStatement.objects.create(
            crisis=crisis,
            made_at=made_at,
            channel=channel,
            text=text,
            made_by=made_by,
            recorded_by=actor,
        )
        _audit(
            crisis,
            actor,
            CrisisAudit.STATEMENT,
            statement,
            {
                "statement_id": statement.pk,
                "made_at": made_at,
                "channel": channel,
                "text": text,
                "made_by": made_by.pk,
                "name": str(made_by),
            },
        )
    return statement


def check_url(url: str) -> dict:
    """A web address of the post: http or https, with a host."""
    if not url:
        return {"url": [_("Give the post's web address.")]}
    if len(url) > limits.URL:
        return {"url": [_("A web address of at most %(max)s characters.") % {"max": limits.URL}]}
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return {
            "url": [
                _(
                    "Give the web address as it is in the browser, starting with https:// or http://."
                )
            ]
        }
    if any(c.isspace() for c in url):
        return {"url": [_("A web address has no spaces.")]}
    return {}


def check_screenshot(upload: UploadedFile | None) -> dict:
    """A photo (jpg, png, gif, webp) whose content is one, as the complaints' files are checked."""
    if upload is None:
        return {}
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in IMAGE_TYPES:
        return {
            "screenshot": [
                _("A screenshot is a picture: %(allowed)s.") % {"allowed": ", ".join(IMAGE_TYPES)}
            ]
        }
    try:
        validate_upload(upload)
    except ValidationError as exc:
        return {"screenshot": exc.messages}
    return {}


def _store_screenshot(complaint: Complaint, actor: User, upload: UploadedFile, title: str):
    """The screenshot as one of the complaint's files (checked before), with its own entry."""
    # Described by the post's own title (or address), in no interface language.
    limit = Attachment._meta.get_field("description").max_length
    return attachment_store(
        complaint=complaint, actor=actor, upload=upload, description=title[:limit]
    )


def post_add(
    *,
    actor: User,
    crisis_id: int,
    platform: str,
    url: str,
    first_seen_at: datetime | None,
    title: str = "",
    reach: str = "",
    notes: str = "",
    screenshot: UploadedFile | None = None,
) -> WatchedPost:
    """A post or article about the case to watch, with a screenshot of it if there is one."""
    url, title, reach, notes = (url or "").strip(), _text(title), _text(reach), _text(notes)
    errors = length_errors(
        title=(title, limits.TITLE), reach=(reach, limits.LINE), notes=(notes, limits.TEXT)
    )
    if platform not in Platform.values:
        errors["platform"] = [_("Choose where it was published.")]
    errors.update(check_url(url))
    errors.update(_past_time(first_seen_at, "first_seen_at", _("Give the time it was first seen.")))
    errors.update(check_screenshot(screenshot))
    with transaction.atomic():
        crisis = _locked(actor, crisis_id)
        _may(may_work(actor, crisis), crisis)
        _raise(errors)
        assert first_seen_at is not None
        attachment = (
            _store_screenshot(crisis.complaint, actor, screenshot, title or url)
            if screenshot is not None
            else None
        )
        post = WatchedPost.objects.create(
            crisis=crisis,
            platform=platform,
            url=url,
            title=title,
            first_seen_at=first_seen_at,
            reach=reach,
            notes=notes,
            screenshot=attachment,
            recorded_by=actor,
        )
        _audit(
            crisis,
            actor,
            CrisisAudit.POST,
            post,
            {
                "post_id": post.pk,
                "platform": platform,
                "url": url,
                "text": title or url,
                "reach": reach,
                "screenshot": attachment.pk if attachment else None,
            },
        )
    return post


# ---- Ending it ------------------------------------------------------------------------------------


def crisis_end(
    *,
    actor: User,
    crisis_id: int,
    what_happened: str,
    what_worked: str,
    what_to_change: str,
) -> Crisis:
    """End the crisis with its review: what happened, what worked, what to change next time."""
    values = {
        "what_happened": _text(what_happened),
        "what_worked": _text(what_worked),
        "what_to_change": _text(what_to_change),
    }
    errors = length_errors(**{name: (text, limits.TEXT) for name, text in values.items()})
    for name, text in values.items():
        if not text:
            errors.setdefault(name, []).append(_("This field is required."))
    with transaction.atomic():
        crisis = _locked(actor, crisis_id)
        _may(may_end(actor, crisis), crisis)
        _raise(errors)
        crisis.status = Status.ENDED
        crisis.ended_at, crisis.ended_by = timezone.now(), actor
        crisis.review_what_happened = values["what_happened"]
        crisis.review_what_worked = values["what_worked"]
        crisis.review_what_to_change = values["what_to_change"]
        crisis.save()
        open_steps = crisis.steps.filter(done_at__isnull=True).count()
        _audit(
            crisis,
            actor,
            CrisisAudit.ENDED,
            crisis,
            {
                "text": values["what_happened"],
                "what_worked": values["what_worked"],
                "what_to_change": values["what_to_change"],
                "open_steps": open_steps,
            },
        )
    return crisis
