"""Historical complaints from an Excel file: its columns, reading it and checking every row.

The columns are the export's (kesu/complaints/exports.py) for the fields an import can take,
under the same titles, so a list exported from Kesu (or from another installation) is read back;
the export's other columns (who approved, the routing rule, the deadlines of the apps above …)
are skipped. Headers are accepted in English and in Chinese whatever the user's language, and so
are codes and labels (“Closed”, “已结案” or “closed”).

Nothing here writes: `check_rows` turns the rows into the values of the complaints to create, or
into a report of (row, column, message) for every problem. Lookups (branches, departments,
categories, users, complaint numbers already taken) are loaded once for the whole file or once
per chunk of rows, never per row. kesu/complaints/import_jobs.py writes what was checked.
"""

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from kesu.complaints import hooks, limits
from kesu.complaints.choices import (
    TERMINAL_STATES,
    THIRD_PARTY_CHANNELS,
    CauseClass,
    Channel,
    CloseReason,
    CompensationType,
    ConfirmationMethod,
    Demand,
    EscalationLevel,
    Kind,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
    State,
)
from kesu.complaints.exports import category_labels, columns_for
from kesu.complaints.models import Category, Complaint
from kesu.complaints.sheet_reader import UnsafeWorkbook, sheet_rows
from kesu.core.phones import normalise_phone
from kesu.customers import limits as customer_limits
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, User

# Who may import: those who answer for a branch's or the group's complaints.
IMPORT_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN})
# The report keeps this many problems; the count says how many there were in all.
REPORT_CAP = 10_000
# Rows checked between two progress reports.
PROGRESS_EVERY = 500
CHUNK = 1000
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def may_import(user) -> bool:
    return user.role in IMPORT_ROLES and user.organisation_id is not None


class ImportRefused(Exception):
    """The whole file cannot be read as an import: the message says why, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportColumn:
    key: str  # the Complaint field, or "customer", "phone", "number"
    title: Promise  # the export's title of the column
    kind: str  # text, choice, datetime, date, decimal, bool, phone, branch, department …
    required: bool = False
    limit: int = 0  # the longest text
    choices: type | None = None
    help: Promise | str = ""


def _choice(key, title, choices, help_text=""):
    return ImportColumn(key, title, "choice", choices=choices, help=help_text)


def _text(key, title, limit, required=False, help_text=""):
    return ImportColumn(key, title, "text", required=required, limit=limit, help=help_text)


COLUMNS: list[ImportColumn] = [
    _text(
        "number",
        gettext_lazy("Number"),
        40,
        help_text=gettext_lazy(
            "Optional: the complaint's number in the old system. The complaint gets a Kesu "
            "number; the old one is kept in its timeline and found by the search."
        ),
    ),
    _choice("kind", gettext_lazy("Kind"), Kind, gettext_lazy("Empty: complaint.")),
    ImportColumn(
        "received_at",
        gettext_lazy("Received at"),
        "datetime",
        required=True,
        help=gettext_lazy("Date and time, e.g. 2024-03-05 14:30 (a date alone: midnight)."),
    ),
    ImportColumn("channel", gettext_lazy("Channel"), "choice", required=True, choices=Channel),
    _text("channel_detail", gettext_lazy("Channel detail"), limits.CHANNEL_DETAIL),
    _text(
        "third_party_reference",
        gettext_lazy("Third party's reference"),
        limits.THIRD_PARTY_REFERENCE,
        help_text=gettext_lazy("Only for a complaint forwarded by a third party."),
    ),
    ImportColumn(
        "branch",
        gettext_lazy("Branch"),
        "branch",
        help=gettext_lazy(
            "Name or code. Empty: your own branch. Branch staff import into their own branch only."
        ),
    ),
    ImportColumn(
        "department",
        gettext_lazy("Handling department"),
        "department",
        help=gettext_lazy("Name or code of a department of the complaint's branch."),
    ),
    _text("customer", gettext_lazy("Customer"), customer_limits.NAME, required=True),
    ImportColumn(
        "phone",
        gettext_lazy("Phone"),
        "phone",
        required=True,
        help=gettext_lazy(
            "The customer is found by this number in the organisation, or created with the "
            "name of the first row that gives it."
        ),
    ),
    _text(
        "product",
        gettext_lazy("Product or model"),
        customer_limits.PRODUCT,
        help_text=gettext_lazy(
            "Optional, with VIN and plate number: the purchase the complaint is about. It is "
            "found among the customer's purchases by VIN, then plate number, then product, or "
            "added to the customer."
        ),
    ),
    _text("vin", gettext_lazy("VIN"), 17),
    _text("plate_number", gettext_lazy("Plate number"), 16),
    _text("title", gettext_lazy("Summary"), limits.TITLE, required=True),
    _text("account", gettext_lazy("The customer's account"), limits.ACCOUNT, required=True),
    _choice("demand", gettext_lazy("Demand"), Demand, gettext_lazy("Empty: other.")),
    _text("demand_detail", gettext_lazy("Demand detail"), limits.LINE),
    ImportColumn(
        "category",
        gettext_lazy("Category"),
        "category",
        help=gettext_lazy("The full path as the export writes it, the code, or a unique name."),
    ),
    _choice("cause", gettext_lazy("Cause class"), CauseClass),
    _choice("responsibility", gettext_lazy("Responsibility"), Responsibility),
    _choice("severity", gettext_lazy("Severity"), Severity, gettext_lazy("Empty: general.")),
    _text(
        "severity_override_reason", gettext_lazy("Reason for changing the severity"), limits.LINE
    ),
    ImportColumn("is_crisis", gettext_lazy("Crisis"), "bool", help=gettext_lazy("Yes or no.")),
    ImportColumn(
        "state",
        gettext_lazy("State"),
        "choice",
        choices=State,
        help=gettext_lazy(
            "Empty: closed when a closing time is given, else registered. Merged complaints "
            "cannot be imported."
        ),
    ),
    ImportColumn(
        "owner",
        gettext_lazy("Owner"),
        "user",
        help=gettext_lazy("User name or name of a Kesu user of the branch. Empty: nobody."),
    ),
    _choice("escalation_level", gettext_lazy("Escalation level"), EscalationLevel),
    _text("staff_involved", gettext_lazy("Staff member involved"), limits.PERSON),
    _text("promise_made_by", gettext_lazy("Promise made by"), limits.PERSON),
    _choice("confirmation_method", gettext_lazy("Confirmation"), ConfirmationMethod),
    _text("solution", gettext_lazy("Solution"), limits.TEXT),
    _choice("resolvability", gettext_lazy("Resolvability"), Resolvability),
    _text("not_solvable_reason", gettext_lazy("Why not solvable for now"), limits.LINE),
    ImportColumn("solution_due_on", gettext_lazy("Solution to be done by"), "date"),
    _choice("compensation_type", gettext_lazy("Compensation type"), CompensationType),
    ImportColumn("compensation_amount", gettext_lazy("Compensation amount (yuan)"), "decimal"),
    _choice("satisfaction", gettext_lazy("Satisfaction"), Satisfaction),
    _text("root_cause", gettext_lazy("Root cause"), limits.TEXT),
    _text("corrective_action", gettext_lazy("Corrective action"), limits.TEXT),
    _text("preventive_action", gettext_lazy("Preventive action"), limits.TEXT),
    _choice(
        "close_reason",
        gettext_lazy("Closing reason"),
        CloseReason,
        gettext_lazy("Only for a closed or withdrawn complaint. Empty: completed (withdrawn)."),
    ),
    _text("close_note", gettext_lazy("Closing note"), limits.LINE),
    ImportColumn("confirmed_at", gettext_lazy("Confirmed at"), "datetime"),
    ImportColumn("resolved_at", gettext_lazy("Resolved at"), "datetime"),
    ImportColumn(
        "closed_at",
        gettext_lazy("Closed at"),
        "datetime",
        help=gettext_lazy("Required for a closed or withdrawn complaint."),
    ),
    ImportColumn("due_at", gettext_lazy("Resolution due"), "datetime"),
]
BY_KEY = {column.key: column for column in COLUMNS}
# Choices an import does not take: a merge needs the complaint it went into.
REFUSED_STATES = frozenset({State.MERGED})


def _normal(value) -> str:
    return " ".join(str(value).split()).casefold()


def _in_every_language(text: Callable[[], object]) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(_normal(text()))
    return names


def header_names() -> dict[str, str]:
    """Every accepted header (normalised), in each language, and the key of its column."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        for name in _in_every_language(lambda c=column: c.title):
            names[name] = column.key
    return names


def skipped_headers(user) -> set[str]:
    """The export's columns that an import does not take, in each language: skipped, not refused."""
    taken = header_names()
    skipped: set[str] = set()
    for language in LANGUAGES:
        with translation.override(language):
            titles = [c.title for c in columns_for(user)]
            for part in hooks.exported_columns(user):
                if part is not None:
                    titles += [c.title for c in part.columns]
            skipped |= {_normal(t) for t in titles}
    return skipped - set(taken)


def choice_lookup(choices: type) -> dict[str, object]:
    """A choice's code, and its label in each language, normalised → its value."""
    lookup: dict[str, object] = {}
    for member in choices:  # type: ignore[attr-defined]
        lookup[_normal(member.value)] = member.value
        for label in _in_every_language(lambda m=member: m.label):
            lookup[label] = member.value
    return lookup


def _bool_lookup() -> dict[str, bool]:
    lookup = {"1": True, "0": False, "true": True, "false": False, "y": True, "n": False}
    lookup |= dict.fromkeys(_in_every_language(lambda: _("Yes")) | {"是", "yes"}, True)
    lookup |= dict.fromkeys(_in_every_language(lambda: _("No")) | {"否", "no"}, False)
    return lookup


# ---- Reading the file ----------------------------------------------------------------------


def not_a_workbook() -> str:
    return _(
        "This file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook "
        "(.xlsx)”, or start from the template, and upload it again."
    )


def open_rows(data: bytes) -> tuple[tuple, Iterator[tuple]]:
    """The first sheet's header row and an iterator over its other rows (values only).

    Raises ImportRefused for an empty file, anything that is not an .xlsx workbook (an old .xls,
    a program renamed .xlsx, a damaged or encrypted file) and a workbook that unpacks too large.
    """
    if not data:
        raise ImportRefused(_("The file is empty."))
    if len(data) > settings.KESU_IMPORT_MAX_BYTES:
        raise ImportRefused(too_large())
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRefused(not_a_workbook())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
        if "[Content_Types].xml" not in names or not any(
            n.startswith("xl/worksheets/") for n in names
        ):
            raise ImportRefused(not_a_workbook())
        if unpacked > settings.KESU_IMPORT_MAX_BYTES * 20:
            raise ImportRefused(too_large())
        try:
            rows = sheet_rows(zipfile.ZipFile(io.BytesIO(data)))
            header = next(rows, None)
        except UnsafeWorkbook as exc:
            raise ImportRefused(not_a_workbook()) from exc
        except Exception:  # a workbook the quick reader does not know: openpyxl reads it
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = next(rows, None)
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused(not_a_workbook()) from exc
    if header is None or not any(_present(v) for v in header):
        raise ImportRefused(
            _("The first sheet has no header row: the first row must name the columns.")
        )
    return header, _guarded(rows)


def row_estimate(data: bytes) -> int | None:
    """The rows under the header as the first sheet's recorded dimension says, if it says."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return None if sheet.max_row is None else max(0, sheet.max_row - 1)
    except Exception:
        return None


def too_large() -> str:
    return _("The file is too large: import at most %(size)s MB at a time.") % {
        "size": settings.KESU_IMPORT_MAX_BYTES // (1024 * 1024)
    }


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    try:
        yield from rows
    except Exception as exc:
        raise ImportRefused(not_a_workbook()) from exc


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def column_keys(header: tuple, user) -> list[str | None]:
    """The column key of each header cell (None: skipped). Raises ImportRefused naming the
    unknown, repeated and missing columns."""
    names = header_names()
    skipped = skipped_headers(user)
    keys: list[str | None] = []
    unknown, repeated = [], []
    for cell in header:
        if not _present(cell):
            keys.append(None)
            continue
        key = names.get(_normal(cell))
        if key is None:
            if _normal(cell) not in skipped:
                unknown.append(str(cell).strip())
            keys.append(None)
        elif key in keys:
            repeated.append(str(cell).strip())
            keys.append(None)
        else:
            keys.append(key)
    missing = [str(c.title) for c in COLUMNS if c.required and c.key not in keys]
    problems = []
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": "、".join(unknown[:20])})
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": "、".join(repeated)})
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
    if problems:
        raise ImportRefused(
            " ".join(problems) + " " + _("Use the headers of the template (either language).")
        )
    return keys


# ---- Checking the rows ---------------------------------------------------------------------


@dataclass
class Checked:
    """What the rows gave: the values of each complaint to create, or the problems found."""

    rows: list[dict] = field(default_factory=list)
    errors: list[list] = field(default_factory=list)  # [row, column title, message]
    error_count: int = 0
    total: int = 0

    def add_error(self, row: int, key: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < REPORT_CAP:
            title = str(BY_KEY[key].title) if key in BY_KEY else ""
            self.errors.append([row, title, message])


class _Lookups:
    """Everything a row refers to by name, loaded once for the file."""

    def __init__(self, actor: User):
        self.actor = actor
        org_id = actor.organisation_id
        self.choices = {c.key: choice_lookup(c.choices) for c in COLUMNS if c.choices}
        self.booleans = _bool_lookup()
        branches = list(
            Branch.objects.filter(organisation_id=org_id).values_list("id", "name", "code")
        )
        self.branch_names = {pk: name for pk, name, _code in branches}
        self.branches: dict[str, int] = {}
        for pk, name, code in branches:
            self.branches[_normal(code)] = pk
            self.branches.setdefault(_normal(name), pk)
        self.departments: dict[tuple[int, str], int] = {}
        for pk, branch_id, name, code in Department.objects.filter(
            branch__organisation_id=org_id
        ).values_list("id", "branch_id", "name", "code"):
            self.departments[(branch_id, _normal(code))] = pk
            self.departments.setdefault((branch_id, _normal(name)), pk)
        self.categories = self._categories(org_id)
        self.users: dict[str, tuple[int, int | None] | None] = {}
        for user in User.objects.filter(organisation_id=org_id).only(
            "id", "username", "display_name", "first_name", "last_name", "branch_id", "stand_in"
        ):
            entry = (user.pk, user.branch_id)
            self.users[_normal(user.username)] = entry
            shown = _normal(str(user))
            # Two users of one name: the name does not say which; the user name must.
            self.users[shown] = None if self.users.get(shown, entry) != entry else entry

    def _categories(self, org_id) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        rows = Category.objects.filter(organisation_id=org_id).values_list(
            "id", "code", "path", "name", "name_en"
        )
        for pk, code, path, _name, _name_en in rows:
            found[_normal(code)] = pk
            found[_normal(path)] = pk
        for language in LANGUAGES:
            with translation.override(language):
                for pk, label in category_labels(org_id).items():
                    found.setdefault(_normal(label), pk)
        names: dict[str, set[int]] = {}
        for pk, _code, _path, name, name_en in rows:
            for n in {name, name_en} - {""}:
                names.setdefault(_normal(n), set()).add(pk)
        for n, pks in names.items():
            if n not in found:
                found[n] = next(iter(pks)) if len(pks) == 1 else None
        return found


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=_zone())


@cache
def _zone():
    # KESU_TIME_ZONE has no daylight saving time in China; where it has, a wall-clock time in
    # the hour that repeats is read as its first occurrence (fold 0).
    return timezone.get_default_timezone()


_DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
]


def parse_moment(value) -> datetime:
    """A cell as an aware datetime: an Excel date, a serial number or a text like 2024-3-5 14:30."""
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return _local(datetime.combine(value, time()))
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = from_excel(value)
        if isinstance(moment, datetime):
            return _local(moment)
        raise ValueError(value)
    text = " ".join(str(value).replace("/", "-").replace(".", "-").split())
    for fmt in _DATETIME_FORMATS:
        try:
            return _local(datetime.strptime(text, fmt))  # noqa: DTZ007 - local wall-clock time
        except ValueError:
            continue
    raise ValueError(value)


def _text_of(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column (a VIN, a reference)
    return str(value).replace("\r\n", "\n").strip()


class _RowChecker:
    def __init__(self, actor: User, lookups: _Lookups, checked: Checked):
        self.actor = actor
        self.lookups = lookups
        self.checked = checked
        self.now = timezone.now()
        self.org_wide = actor.sees_whole_organisation
        self.phones: dict[str, str] = {}
        self.only_branch = (
            next(iter(lookups.branch_names)) if len(lookups.branch_names) == 1 else None
        )

    def check(self, number: int, cells: dict[str, object]) -> dict | None:
        values: dict[str, object] = {}
        errors: list[tuple[str, str]] = []
        for key, raw in cells.items():
            column = BY_KEY[key]
            if not _present(raw):
                if column.required:
                    errors.append((key, _("This field is required.")))
                continue
            try:
                values[key] = self._value(column, raw)
            except ValidationError as exc:
                errors.append((key, exc.messages[0]))
        for key in ("received_at", "channel", "customer", "phone", "title", "account"):
            if key not in cells:
                errors.append((key, _("This field is required.")))
        if not errors:
            errors += self._relations(values)
        if not errors:
            errors += self._consistency(values)
        for key, message in errors:
            self.checked.add_error(number, key, message)
        if errors:
            return None
        values["_row"] = number
        return values

    def _value(self, column: ImportColumn, raw):
        read = getattr(self, f"_read_{column.kind}", None)
        if read is None:
            return _normal(_text_of(raw))  # a name, looked up with the row's other values
        return read(column, raw)

    def _read_text(self, column: ImportColumn, raw) -> str:
        text = _text_of(raw)
        if column.limit and len(text) > column.limit:
            raise ValidationError(
                _("Shorten this to at most %(limit)d characters (it has %(count)d).")
                % {"limit": column.limit, "count": len(text)}
            )
        return text

    def _read_choice(self, column: ImportColumn, raw):
        found = self.lookups.choices[column.key].get(_normal(_text_of(raw)))
        if found is None:
            raise ValidationError(
                _("“%(value)s” is not one of the allowed values (see the second sheet).")
                % {"value": _text_of(raw)[:50]}
            )
        return found

    def _read_datetime(self, column: ImportColumn, raw) -> datetime:
        try:
            return parse_moment(raw)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValidationError(
                _("“%(value)s” is not a date and time such as 2024-03-05 14:30.")
                % {"value": _text_of(raw)[:50]}
            ) from exc

    def _read_date(self, column: ImportColumn, raw) -> date:
        return timezone.localtime(self._read_datetime(column, raw)).date()

    def _read_decimal(self, column: ImportColumn, raw) -> Decimal:
        try:
            amount = Decimal(_text_of(raw).replace(",", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                _("“%(value)s” is not an amount.") % {"value": _text_of(raw)[:50]}
            ) from exc
        if amount < 0 or amount >= Decimal("1e10"):
            raise ValidationError(_("Give an amount from 0 to 9,999,999,999.99."))
        return amount

    def _read_bool(self, column: ImportColumn, raw) -> bool:
        found = self.lookups.booleans.get(_normal(_text_of(raw)))
        if found is None:
            raise ValidationError(_("Write yes or no."))
        return found

    def _read_phone(self, column: ImportColumn, raw) -> str:
        text = _text_of(raw)[:40]
        if text not in self.phones:  # a customer's number comes back in many rows
            self.phones[text] = normalise_phone(text)
        return self.phones[text]

    def _branch(self, values: dict) -> tuple[int | None, list[tuple[str, str]]]:
        branch_name = values.pop("branch", None)
        if branch_name is None:
            if not self.org_wide:
                return self.actor.branch_id, []
            if self.only_branch is None:
                return None, [("branch", _("Say which branch the complaint is for."))]
            return self.only_branch, []
        branch_id = self.lookups.branches.get(branch_name)
        if branch_id is None:
            return None, [("branch", _("No branch of this name or code."))]
        if not self.org_wide and branch_id != self.actor.branch_id:
            return None, [("branch", _("You can import complaints of your own branch only."))]
        return branch_id, []

    def _relations(self, values: dict) -> list[tuple[str, str]]:
        lookups = self.lookups
        branch_id, errors = self._branch(values)
        values["branch_id"] = branch_id
        department = values.pop("department", None)
        if department is not None and branch_id is not None:
            values["department_id"] = lookups.departments.get((branch_id, department))
            if values["department_id"] is None:
                errors.append(("department", _("No department of this name in the branch.")))
        category = values.pop("category", None)
        if category is not None:
            values["category_id"] = lookups.categories.get(category)
            if values["category_id"] is None:
                errors.append(("category", _("No category of this name.")))
        owner = values.pop("owner", None)
        if owner is not None:
            found = lookups.users.get(owner)
            if found is None:
                errors.append(("owner", _("No single Kesu user of this name.")))
            elif found[1] not in (None, branch_id):
                errors.append(("owner", _("This user works in another branch.")))
            else:
                values["owner_id"] = found[0]
        return errors

    def _consistency(self, values: dict) -> list[tuple[str, str]]:
        errors = []
        received = values["received_at"]
        if received > self.now + timedelta(minutes=5):
            errors.append(("received_at", _("This is in the future.")))
        state = values.get("state") or (State.CLOSED if "closed_at" in values else State.REGISTERED)
        values["state"] = state
        if state in REFUSED_STATES:
            errors.append(
                ("state", _("A merged complaint cannot be imported: import the one it went into."))
            )
        terminal = state in TERMINAL_STATES
        if terminal and "closed_at" not in values:
            errors.append(
                ("closed_at", _("A closed or withdrawn complaint needs its closing time."))
            )
        if not terminal:
            for key in ("closed_at", "close_reason", "close_note"):
                if key in values:
                    errors.append((key, _("Only a closed or withdrawn complaint has this.")))
        elif "close_reason" not in values:
            values["close_reason"] = (
                CloseReason.WITHDRAWN if state == State.WITHDRAWN else CloseReason.COMPLETED
            )
        for key in ("confirmed_at", "resolved_at", "closed_at"):
            moment = values.get(key)
            if moment is not None and moment < received:
                errors.append((key, _("This is before the complaint was received.")))
        resolved, closed = values.get("resolved_at"), values.get("closed_at")
        if resolved and closed and closed < resolved:
            errors.append(("closed_at", _("This is before the complaint was resolved.")))
        if values.get("third_party_reference") and values["channel"] not in THIRD_PARTY_CHANNELS:
            errors.append(
                (
                    "third_party_reference",
                    _("Only a complaint forwarded by a third party has this."),
                )
            )
        return errors


def row_cells(keys: list[str | None], row: tuple) -> dict[str, object]:
    return {key: row[i] for i, key in enumerate(keys) if key is not None and i < len(row)}


def check_rows(
    actor: User,
    keys: list[str | None],
    rows: Iterable[tuple],
    *,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row (numbered as Excel numbers them, the header being row 1).

    Raises ImportRefused when the file has no row or more than KESU_IMPORT_MAX_ROWS.
    """
    check = RowsCheck(actor, keys)
    good = [row for block in check.blocks(rows, progress=progress) for row in block]
    taken = taken_numbers(actor, good)
    check.checked.rows = check.drop_taken(good, taken)
    check.end()
    if progress is not None:
        progress(check.checked.total)
    return check.checked


class RowsCheck:
    """The checking of one file's rows, in blocks: every lookup loaded once, before the first row
    (so a forked process checks with no query of its own, see import_jobs)."""

    def __init__(self, actor: User, keys: list[str | None]):
        self.actor = actor
        self.keys = keys
        self.checked = Checked()
        self.checker = _RowChecker(actor, _Lookups(actor), self.checked)
        self.numbers: dict[str, int] = {}  # a given number → the row that gave it first

    def blocks(
        self,
        rows: Iterable[tuple],
        *,
        size: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[list[dict]]:
        """The rows found good, `size` rows checked at a time (0: all at once). Numbers already
        in Kesu are not looked at here (taken_numbers, drop_taken): that needs the database."""
        checked, checker, numbers = self.checked, self.checker, self.numbers
        keys = self.keys
        limit = settings.KESU_IMPORT_MAX_ROWS
        good: list[dict] = []
        for number, row in enumerate(rows, start=2):
            if not any(_present(v) for v in row):
                continue
            checked.total += 1
            if checked.total > limit:
                raise ImportRefused(
                    _("The file has more than %(limit)s rows: import it in parts.")
                    % {"limit": f"{limit:,}"}
                )
            values = checker.check(number, row_cells(keys, row))
            if values is not None:
                given = values.get("number")
                if given:
                    if given in numbers:
                        checked.add_error(
                            number,
                            "number",
                            _("Row %(row)s has the same number.") % {"row": numbers[given]},
                        )
                        values = None
                    else:
                        numbers[str(given)] = number
            if values is not None:
                good.append(values)
            if progress is not None and checked.total % PROGRESS_EVERY == 0:
                progress(checked.total)
            if size and checked.total % size == 0:
                yield good
                good = []
        if checked.total == 0:
            raise ImportRefused(_("The file has no complaints: fill in the rows under the header."))
        yield good

    def drop_taken(self, rows: list[dict], taken: set[str]) -> list[dict]:
        """The rows but those whose number is a complaint already in Kesu (each reported)."""
        if not taken:
            return rows
        kept = []
        for row in rows:
            if row.get("number") in taken:
                self.checked.add_error(
                    row["_row"],
                    "number",
                    _("Complaint %(number)s is already in Kesu.") % {"number": row["number"]},
                )
            else:
                kept.append(row)
        return kept

    def end(self) -> None:
        """After the last block: the report in the order of the rows."""
        self.checked.errors.sort(key=lambda error: error[0])


def taken_numbers(actor: User, rows: list[dict]) -> set[str]:
    """The numbers given in these rows that are complaints already in Kesu (a list exported and
    imported again), looked up CHUNK at a time."""
    given = [row["number"] for row in rows if row.get("number")]
    taken: set[str] = set()
    for start in range(0, len(given), CHUNK):
        taken |= set(
            Complaint.objects.filter(
                organisation_id=actor.organisation_id, number__in=given[start : start + CHUNK]
            ).values_list("number", flat=True)
        )
    return taken
