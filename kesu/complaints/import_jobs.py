"""An Excel import from upload to the last row: the job, its progress and the one transaction.

An upload becomes an ImportJob holding the file. Small files are worked through while the
upload waits; larger ones by the background worker (`run_pending_imports`, from `run_worker`
and the Celery beat), while the page polls the job's counts for its progress bar.

Every row is checked first (kesu/complaints/imports.py); if any row has a problem nothing is
imported and the job keeps the report. Otherwise all rows go in in one transaction: customers
missing (matched by phone), complaints in batches with numbers handed out the normal way, and one
"import" entry per complaint (and "customer created" per new customer) appended to the audit
trail in bulk. A failure anywhere rolls everything back.

Historical complaints are not registrations: no deadlines are planned (no SLA reminders or
escalations), no notification goes out, no callback is planned. The "import" entry records every
field the row was given, so kesu/complaints/consistency.py replays it like a registration.

On PostgreSQL a file of more than OVERLAP_BLOCK rows is checked and imported at once
(import_overlapped, KESU_IMPORT_OVERLAP): a forked process checks the rows a block at a time and
sends those found good to this one, which imports them while the next block is checked, in the
same single transaction; a problem in any row rolls it all back and the job keeps the report.

While the transaction runs, the job's counts cannot be written through its connection (the bar
would only move at the commit): on PostgreSQL they go through a second connection of their own;
SQLite has one writer at a time, so there the bar shows the import as under way until it ends.
"""

import contextlib
import logging
import os
import pickle
import signal
import traceback
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record_bulk
from kesu.complaints.choices import ComplaintAction, ImportStatus
from kesu.complaints.imports import (
    CHUNK,
    REPORT_CAP,
    Checked,
    ImportRefused,
    RowsCheck,
    check_rows,
    column_keys,
    may_import,
    open_rows,
    row_estimate,
    taken_numbers,
    too_large,
)
from kesu.complaints.models import Complaint, ImportJob
from kesu.complaints.numbering import reserve_complaint_numbers
from kesu.complaints.search import grams_of, searched_texts
from kesu.complaints.services import REGISTER_RECORDED
from kesu.core.bulk import BulkInserter
from kesu.core.errors import NotAllowed
from kesu.customers.choices import CustomerAction, PurchaseKind
from kesu.customers.models import Customer, Purchase
from kesu.customers.services import CUSTOMER_FIELDS, PURCHASE_FIELDS
from kesu.organisation.models import User

logger = logging.getLogger("kesu.complaints.imports")

# The row's values that name the purchase (the vehicle) a complaint is about.
PURCHASE_KEYS = ("product", "vin", "plate_number")
# The row's values that are not Complaint fields of the same name.
_NOT_FIELDS = frozenset({"_row", "number", "customer", "phone", *PURCHASE_KEYS})
# What the "import" entry records: what a registration records and the later stages' fields an
# import may fill in, so the replay finds the row as it was imported.
IMPORT_RECORDED = [
    *REGISTER_RECORDED,
    "responsibility",
    "escalation_level",
    "confirmation_method",
    "confirmed_at",
    "solution",
    "resolvability",
    "not_solvable_reason",
    "solution_due_on",
    "compensation_type",
    "compensation_amount",
    "satisfaction",
    "root_cause",
    "corrective_action",
    "preventive_action",
    "resolved_at",
    "closed_at",
    "close_reason",
    "close_note",
]
ACTIVE = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


def job_create(*, actor: User, file_name: str, data: bytes) -> ImportJob:
    """Take an upload: refuse at once what is no import (not an .xlsx, empty, wrong headers)."""
    if not may_import(actor):
        raise NotAllowed(_("Your role may not import complaints."), code="role_not_allowed")
    if len(data) > settings.KESU_IMPORT_MAX_BYTES:
        raise ValidationError({"file": too_large()})
    try:
        header, rows = open_rows(data)
        column_keys(header, actor)
    except ImportRefused as refused:
        raise ValidationError({"file": refused.message}) from refused
    return ImportJob.objects.create(
        organisation_id=actor.organisation_id,
        created_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=(file_name or "import.xlsx")[-200:],
        content=data,
    )


def runs_inline(job: ImportJob) -> bool:
    """Whether the upload waits for this job: a file of at most KESU_IMPORT_INLINE_ROWS rows,
    as the sheet's recorded dimension says (a sheet that records none goes to the worker)."""
    return 0 < (row_estimate(bytes(job.content or b"")) or 0) <= settings.KESU_IMPORT_INLINE_ROWS


# A job this long without a sign of life (its updated_at) lost its worker: nothing of it was
# committed (the import is one transaction), so it is queued again, at most this many times.
STALL_ATTEMPTS = 2


def recover_stalled_imports(now=None) -> int:
    """Jobs whose worker (or inline upload) stopped halfway: queued again while they have
    attempts left, failed with a readable message otherwise. Returns how many were touched."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.KESU_IMPORT_STALL_MINUTES)
    stalled = ImportJob.objects.filter(
        status__in=(ImportStatus.VALIDATING, ImportStatus.IMPORTING), updated_at__lt=stale
    )
    touched = 0
    for job in stalled.only("pk", "attempts", "language"):
        if job.attempts < STALL_ATTEMPTS:
            touched += ImportJob.objects.filter(pk=job.pk, updated_at__lt=stale).update(
                status=ImportStatus.QUEUED, validated_rows=0, imported_rows=0, updated_at=now
            )
            continue
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _(
                "The import stopped before it ended (the background worker was stopped) and "
                "nothing was imported. Upload the file again."
            )
        touched += ImportJob.objects.filter(pk=job.pk, updated_at__lt=stale).update(
            status=ImportStatus.FAILED, message=message, finished_at=now, content=None,
            updated_at=now,
        )  # fmt: skip
        logger.warning("Excel import %s stopped %s times: given up", job.pk, job.attempts)
    return touched


def run_pending_imports(limit: int = 5) -> int:
    """Work through the oldest waiting jobs (the worker's pass), after taking back those whose
    worker stopped halfway; returns how many it ran."""
    recover_stalled_imports()
    ran = 0
    for job_id in (
        ImportJob.objects.filter(status=ImportStatus.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    ):
        if job_run(job_id):
            ran += 1
    return ran


def _claim(job_id: int) -> bool:
    # An update of one row is atomic on both databases: two workers never run one job.
    now = timezone.now()
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.VALIDATING,
            started_at=now,
            updated_at=now,
            attempts=F("attempts") + 1,
        )
    )


def job_run(job_id: int) -> bool:
    """Check and import one queued job. False when another worker has it already."""
    if not _claim(job_id):
        return False
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _run(job)
        except _TakenOver:
            logger.warning("Excel import %s was taken up again by another worker", job.pk)
        except ImportRefused as refused:
            _finish_if_still_ours(job, ImportStatus.INVALID, message=refused.message)
        except Exception:
            logger.exception("Excel import %s failed", job.pk)
            _finish_if_still_ours(
                job,
                ImportStatus.FAILED,
                message=_("The import failed and nothing was imported. Try again later."),
            )
    return True


class _TakenOver(Exception):
    """The job was given to another worker meanwhile (this one looked stalled)."""


def _finish(job: ImportJob, status: str, **values) -> None:
    now = timezone.now()
    values |= {"status": status, "finished_at": now, "updated_at": now, "content": None}
    # Only while the job is still this worker's: one taken up again by recover_stalled_imports
    # belongs to the next attempt, and this one's import must not commit beside it.
    if not ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(**values):
        raise _TakenOver
    for name, value in values.items():
        setattr(job, name, value)


def _finish_if_still_ours(job: ImportJob, status: str, **values) -> None:
    with contextlib.suppress(_TakenOver):
        _finish(job, status, **values)


def _run(job: ImportJob) -> None:
    actor = job.created_by
    if not may_import(actor) or actor.organisation_id != job.organisation_id:
        raise ImportRefused(_("Your role may not import complaints."))
    data = bytes(job.content or b"")
    header, rows = open_rows(data)
    keys = column_keys(header, actor)
    estimate = row_estimate(data)
    if overlaps(estimate):
        _run_overlapped(job, actor, keys, rows, estimate or 0)
        return

    def validated(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(validated_rows=count, updated_at=timezone.now())

    checked = check_rows(actor, keys, rows, progress=validated)
    if checked.error_count:
        _finish(
            job,
            ImportStatus.INVALID,
            total_rows=checked.total,
            validated_rows=checked.total,
            errors=checked.errors,
            error_count=checked.error_count,
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING,
        total_rows=checked.total,
        validated_rows=checked.total,
        updated_at=timezone.now(),
    )
    progress = _SideProgress(job.pk)
    try:
        with transaction.atomic():
            numbers = import_checked(
                actor, checked, file_name=job.file_name, job_id=job.pk, progress=progress.imported
            )
            progress.close()
            _finish(
                job,
                ImportStatus.DONE,
                total_rows=checked.total,
                imported_rows=len(numbers),
                first_number=min(numbers, default=""),
                last_number=max(numbers, default=""),
            )
    finally:
        progress.close()


def _run_overlapped(job: ImportJob, actor: User, keys, rows, estimate: int) -> None:
    """Checking and importing at once (import_overlapped): both bars move together, up to the
    sheet's recorded row count until the last row is checked."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, total_rows=estimate, updated_at=timezone.now()
    )
    progress = _SideProgress(job.pk)
    try:
        with transaction.atomic():
            checked, numbers = import_overlapped(
                actor, keys, rows, file_name=job.file_name, job_id=job.pk, progress=progress.both
            )
            progress.close()
            _finish(
                job,
                ImportStatus.DONE,
                total_rows=checked.total,
                validated_rows=checked.total,
                imported_rows=len(numbers),
                first_number=min(numbers, default=""),
                last_number=max(numbers, default=""),
            )
    except RowsInvalid as invalid:  # rolled back: nothing of the rows checked good stays
        progress.close()
        _finish(
            job,
            ImportStatus.INVALID,
            total_rows=invalid.checked.total,
            validated_rows=invalid.checked.total,
            imported_rows=0,
            errors=invalid.checked.errors,
            error_count=invalid.checked.error_count,
        )
    finally:
        progress.close()


# Rows checked by the forked process between two blocks sent to the importing one.
OVERLAP_BLOCK = 1000


def overlaps(estimate: int | None) -> bool:
    """Whether a file of about `estimate` rows is checked and imported at once (PostgreSQL only:
    there the import's transaction does not hold up a second process; a forked one)."""
    return (
        settings.KESU_IMPORT_OVERLAP
        and connection.vendor == "postgresql"
        and hasattr(os, "fork")
        and (estimate is None or estimate > OVERLAP_BLOCK)
    )


class RowsInvalid(Exception):
    """A row of an overlapped import had a problem: what was imported is rolled back."""

    def __init__(self, checked: Checked):
        super().__init__(f"{checked.error_count} problems")
        self.checked = checked


def import_overlapped(
    actor: User,
    keys: list[str | None],
    rows,
    *,
    file_name: str,
    job_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Checked, list[str]]:
    """Check the rows in a forked process while importing here, in one transaction (the
    caller's or one of its own), the blocks it has found good: the two phases overlap instead
    of adding up. Returns the file's Checked (its rows left empty) and the numbers given.

    The forked process only reads the workbook and checks (every lookup is loaded before the
    fork; it opens no connection and never touches this one); numbers already in Kesu are
    looked up here. If any row has a problem, what was imported is rolled back and RowsInvalid
    carries the report of every row, as check_rows makes it. progress(checked, imported) after
    each block.
    """
    check = RowsCheck(actor, keys)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the checking process: never returns
        os.close(read_fd)
        _check_forked(check, rows, write_fd)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe, transaction.atomic():
            importer = _Importer(actor, file_name=file_name, job_id=job_id)
            given: set[str] = set()
            while True:
                try:
                    # From the process forked just above, never from outside.
                    kind, payload, count, bad = pickle.load(pipe)  # noqa: S301
                except EOFError as exc:
                    raise RuntimeError("the checking process stopped without a result") from exc
                if kind == "refused":
                    raise ImportRefused(payload)
                if kind == "failed":
                    raise RuntimeError(f"the checking process failed:\n{payload}")
                if kind == "done":
                    break
                # Numbers this import has just given are not "already in Kesu" (checked first,
                # they would not have been).
                good = check.drop_taken(payload, taken_numbers(actor, payload) - given)
                if not (bad or check.checked.error_count):
                    given.update(importer.add(good))
                if progress is not None:
                    progress(count, importer.done)
            checked = _merged(payload, check.checked)
            if checked.error_count:
                raise RowsInvalid(checked)
            return checked, importer.numbers
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # ended already, unless this one failed first
        os.waitpid(pid, 0)


def _merged(checked: Checked, taken: Checked) -> Checked:
    """The forked process's report and the numbers found already in Kesu here, in row order."""
    checked.error_count += taken.error_count
    checked.errors += taken.errors[: max(0, REPORT_CAP - len(checked.errors))]
    checked.errors.sort(key=lambda error: error[0])
    return checked


def _check_forked(check: RowsCheck, rows, write_fd: int):
    """The forked process: check the rows, send the good ones a block at a time, then the report.
    Ends with os._exit, running nothing of the parent's (no atexit, no connection closed)."""
    code = 0
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            try:
                checked = check.checked
                for block in check.blocks(rows, size=OVERLAP_BLOCK):
                    message = ("rows", block, checked.total, checked.error_count > 0)
                    pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.flush()
                check.end()
                pickle.dump(("done", checked, checked.total, checked.error_count > 0), pipe)
            except ImportRefused as refused:
                pickle.dump(("refused", refused.message, 0, True), pipe)
            except Exception:
                pickle.dump(("failed", traceback.format_exc(), 0, True), pipe)
    except BaseException:  # the importing process went away (a broken pipe): nobody to tell
        code = 1
    finally:
        os._exit(code)


class _SideProgress:
    """The job's imported count, written while the import's transaction is still open: through
    a connection of its own that commits each update (PostgreSQL only, see the module's doc)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def imported(self, count: int) -> None:
        self._update("imported_rows = %s", [count])

    def _update(self, columns: str, values: list) -> None:
        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET {columns}, updated_at = %s "  # noqa: S608
                    "WHERE id = %s",
                    [*values, timezone.now(), self.job_id],
                )
        except Exception:  # the bar must never stop the import
            logger.warning("could not record the progress of import %s", self.job_id)

    def both(self, validated: int, imported: int) -> None:
        self._update("validated_rows = %s, imported_rows = %s", [validated, imported])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def import_checked(
    actor: User,
    checked: Checked,
    *,
    file_name: str,
    job_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Create the checked rows' complaints (and missing customers) with their timeline entries,
    in the caller's transaction or one of its own. Returns the numbers given."""
    with transaction.atomic():
        return _Importer(actor, file_name=file_name, job_id=job_id, progress=progress).add(
            checked.rows
        )


class _Importer:
    """Writes checked rows, a block at a time, in the caller's transaction: the customers and
    purchases found or created are remembered from one block to the next, so a customer of
    many blocks is created once.

    Within a block the rows are numbered in the order they were received (per year, numbers
    reserved at once); complaints and their entries are written as plain rows (no model
    instance), each entry's data written out as JSON once (audit_record_bulk).
    """

    def __init__(self, actor: User, *, file_name: str, job_id=None, progress=None):
        assert actor.organisation is not None  # may_import checked it
        self.actor = actor
        self.organisation = actor.organisation
        self.file_name = file_name
        self.job_id = job_id
        self.progress = progress
        self.done = 0
        self.numbers: list[str] = []
        self.customers: dict[str, tuple[int, str]] = {}
        self.purchases: dict[tuple, int] = {}
        self.purchases_loaded: set[int] = set()
        self.inserter = BulkInserter(Complaint)
        self.template = self.inserter.defaults() | {
            "organisation_id": actor.organisation_id,
            "registered_by_id": actor.pk,
        }

    def add(self, block: list[dict]) -> list[str]:
        rows = sorted(block, key=lambda row: row["received_at"])
        by_year: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            by_year[timezone.localtime(row["received_at"]).year].append(row)
        numbered: list[tuple[str, dict]] = []
        for year in sorted(by_year):
            numbers = reserve_complaint_numbers(self.organisation, year, len(by_year[year]))
            numbered += list(zip(numbers, by_year[year], strict=True))
        self._customers_for(rows)
        self._purchases_for(rows)
        for start in range(0, len(numbered), CHUNK):
            chunk = numbered[start : start + CHUNK]
            complaints = [self._complaint(number, row) for number, row in chunk]
            ids = self.inserter.insert_rows(complaints)
            audit_record_bulk(
                organisation_id=self.organisation.pk,
                plain=True,
                items=[
                    self._entry(pk, values, row)
                    for pk, values, (_number, row) in zip(ids, complaints, chunk, strict=True)
                ],
            )
            self.done += len(chunk)
            if self.progress is not None:
                self.progress(self.done)
        given = [number for number, _row in numbered]
        self.numbers += given
        return given

    def _customers_for(self, rows: list[dict]) -> None:
        """(id, name) of the customer of each phone: the organisation's, or created now."""
        found = self.customers
        phones = [p for p in dict.fromkeys(row["phone"] for row in rows) if p not in found]
        for start in range(0, len(phones), CHUNK):
            for pk, phone, name in (
                Customer.objects.filter(
                    organisation_id=self.actor.organisation_id,
                    phone__in=phones[start : start + CHUNK],
                )
                .order_by("id")
                .values_list("id", "phone", "name")
            ):
                found.setdefault(phone, (pk, name))
        first_rows = {}
        for row in rows:
            if row["phone"] not in found:
                first_rows.setdefault(row["phone"], row)
        new = [
            Customer(
                organisation_id=self.actor.organisation_id,
                branch_id=row["branch_id"],
                name=row["customer"],
                phone=phone,
            )
            for phone, row in first_rows.items()
        ]
        _insert_recorded(self.actor, Customer, new, CustomerAction.CUSTOMER_CREATE, CUSTOMER_FIELDS)
        for customer in new:
            found[customer.phone] = (customer.pk, customer.name)

    def _purchases_for(self, rows: list[dict]) -> None:
        """The id of the purchase each row names: the customer's own (by VIN, plate, product),
        or added now (a vehicle when a VIN or plate is given, else an order), with its audit
        entry. No callbacks are planned for them: like the complaints, they are history."""
        found = self.purchases
        wanted: dict[tuple, dict] = {}
        for row in rows:
            key = _purchase_key(self.customers[row["phone"]][0], row)
            if key is not None and key not in found:
                wanted.setdefault(key, row)
        if not wanted:
            return
        customer_ids = sorted({key[0] for key in wanted} - self.purchases_loaded)
        for start in range(0, len(customer_ids), CHUNK):
            for pk, customer_id, vin, plate, product in (
                Purchase.objects.filter(customer_id__in=customer_ids[start : start + CHUNK])
                .order_by("id")
                .values_list("id", "customer_id", "vin", "plate_number", "product")
            ):
                for kind, value in (("vin", vin.upper()), ("plate_number", plate.upper())):
                    if value:
                        found.setdefault((customer_id, kind, value), pk)
                if product:
                    found.setdefault((customer_id, "product", product), pk)
        self.purchases_loaded.update(customer_ids)
        new = {
            key: Purchase(
                customer_id=key[0],
                branch_id=row["branch_id"],
                kind=PurchaseKind.VEHICLE if key[1] != "product" else PurchaseKind.ORDER,
                product=row.get("product") or "",
                vin=(row.get("vin") or "").upper(),
                plate_number=(row.get("plate_number") or "").upper(),
            )
            for key, row in wanted.items()
            if key not in found
        }
        made = list(new.values())
        _insert_recorded(
            self.actor, Purchase, made, CustomerAction.PURCHASE_CREATE, PURCHASE_FIELDS
        )
        found.update({key: purchase.pk for key, purchase in new.items()})

    def _complaint(self, number: str, row: dict) -> dict:
        """The complaint's row: every column by attname."""
        values = self.template.copy()
        for key, value in row.items():
            if key not in _NOT_FIELDS:
                values[_ATTNAMES[key]] = value
        customer_id, customer_name = self.customers[row["phone"]]
        key = _purchase_key(customer_id, row)
        values["number"] = number
        values["customer_id"] = customer_id
        values["purchase_id"] = self.purchases[key] if key is not None else None
        values["suggested_severity"] = values["severity"]
        values["search_notes"] = row.get("number") or ""
        values["search_grams"] = " ".join(grams_of(*searched_texts(values, customer_name)))
        return values

    def _entry(self, pk: int, values: dict, row: dict) -> dict:
        fields = {}
        for name, attname, convert in _RECORDED:  # as to_jsonable would make them
            value = values[attname]
            fields[name] = value if convert is None or value is None else convert(value)
        data = {
            "to": values["state"],
            "number": values["number"],
            "source": "excel",
            "file": self.file_name,
            "row": row["_row"],
            "fields": fields,
        }
        if self.job_id is not None:
            data["job"] = self.job_id
        if row.get("number"):
            data["original_number"] = row["number"]
        return {
            "actor_id": self.actor.pk,
            "action": ComplaintAction.IMPORT,
            "object_type": _COMPLAINT_TYPE,
            "object_id": pk,
            "complaint_id": pk,
            "data": data,
        }


# What to_jsonable makes of a time, a date, an amount (an entry's values are as it makes them).
_JSONABLE = {
    "DateTimeField": lambda value: value.astimezone(UTC).isoformat(),
    "DateField": date.isoformat,
    "DecimalField": str,
}
# A checked row's keys that are Complaint fields, and the names IMPORT_RECORDED gives them, by
# the column (attname) holding them.
_ATTNAMES = {f.attname: f.attname for f in Complaint._meta.concrete_fields} | {
    f.name: f.attname for f in Complaint._meta.concrete_fields
}
_RECORDED = [
    (name, _ATTNAMES[name], _JSONABLE.get(Complaint._meta.get_field(name).get_internal_type()))
    for name in IMPORT_RECORDED
]
_COMPLAINT_TYPE = Complaint._meta.label_lower


def _insert_recorded(actor: User, model, objects: list, action: str, fields: list[str]) -> None:
    """Insert the customer records an import adds (customers, purchases) in chunks, each with
    its audit entry recording `fields` and the Excel source."""
    inserter = BulkInserter(model)
    object_type = model._meta.label_lower
    for start in range(0, len(objects), CHUNK):
        batch = objects[start : start + CHUNK]
        inserter.insert(batch)
        audit_record_bulk(
            organisation_id=actor.organisation_id,  # type: ignore[arg-type]
            items=[
                {
                    "actor_id": actor.pk,
                    "action": action,
                    "object_type": object_type,
                    "object_id": obj.pk,
                    "complaint_id": None,
                    "data": {k: getattr(obj, k if k != "branch" else "branch_id") for k in fields}
                    | {"source": "excel"},
                }
                for obj in batch
            ],
        )


def _purchase_key(customer_id: int, row: dict) -> tuple | None:
    """What tells a row's purchase apart within its customer's: the VIN, else the plate, else
    the product; None for a row that names none."""
    if row.get("vin"):
        return (customer_id, "vin", row["vin"].upper())
    if row.get("plate_number"):
        return (customer_id, "plate_number", row["plate_number"].upper())
    if row.get("product"):
        return (customer_id, "product", row["product"])
    return None
