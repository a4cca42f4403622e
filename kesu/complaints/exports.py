"""The complaint list as an Excel workbook.

The rows come from the database in chunks as plain values (one query with the few joins the
columns read, no model instances), each column's cell is made by a function chosen once per
export (choice labels and yes/no resolved once, not per cell), and the sheet's XML is streamed
into a temporary file by kesu/core/xlsx.py, so a large export never sits in memory as a whole.
About 4,000 rows of 71 columns a second on SQLite, ten times openpyxl's (docs/benchmarks.md,
issue 12).

- `write_complaints_xlsx(user, qs, *, filters, cap=None) -> (file, rows, capped)`: the
  export itself: the complaints' sheet and the "About this export" sheet (who, when, how many
  rows, the filters, the cap's note).
- `write_complaints_sheet(workbook, user, qs, *, cap=None, title="") -> (rows, capped)`: the
  complaints as the next sheet of a `kesu.core.xlsx.Workbook` another module writes (the
  monthly report's raw data): the same columns, formats, header and cap note.

The columns keep a `value(complaint)` that reads a model instance (with RELATED selected and
`merged_into_number` annotated), for code that has the instances; the export itself reads the
same through the column's `fields` and `cell` (see `export_rows`).
"""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesu.complaints import hooks
from kesu.complaints.models import Category, Complaint
from kesu.complaints.printing import customer_phone_for
from kesu.core import xlsx
from kesu.core.phones import display_phone as phone_display
from kesu.core.phones import mask_phone
from kesu.core.timestamps import quick_timestamps
from kesu.customers.models import Purchase

EXPORT_CAP = 100_000  # a busy month of a large group (~53,000 at 1M) fits; ~20 s to write
CHUNK = 2000
DATETIME_FORMAT = xlsx.DATETIME_FORMAT
DATE_FORMAT = xlsx.DATE_FORMAT
MONEY_FORMAT = xlsx.MONEY_FORMAT
# Related rows every line shows: what `Column.value` reads of a model instance.
RELATED = [
    "branch",
    "customer",
    "purchase",
    "department",
    "category",
    "owner",
    "registered_by",
    "routed_by",
    "compensation_approved_by",
    "preventive_verified_by",
]
# Kept for search; never exported, and large.
NOT_EXPORTED = ["search_grams", "search_notes"]

# What a cell holds, and so how it is written: text (always a string, never a formula), a
# moment (local wall-clock time, date-time format), a date, money (number, money format), a
# number, or whatever the value is (the columns of the apps above).
TEXT, MOMENT, DAY, MONEY, NUMBER, AUTO = "text", "moment", "day", "money", "number", "auto"


@dataclass
class Column:
    title: str
    width: int
    value: Callable  # complaint -> cell value
    key: str = ""  # where the columns of the apps above (hooks.exported_columns) go
    # How the export reads the cell without a model instance: the complaint's values it needs
    # (field paths of Complaint, as for values_list), the function making the cell of them
    # (None: the one value as it is), and what the cell holds.
    fields: tuple[str, ...] = ()
    cell: Callable | None = None
    kind: str = AUTO


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: the local wall-clock time is what people expect to see.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _person(user) -> str:
    return str(user) if user is not None else ""


def category_labels(organisation_id) -> dict[int, str]:
    """Every category of the organisation by id, as its full path in the user's language
    (产品质量 › 发动机): one query for the whole export, the tree is small."""
    english = (get_language() or "").startswith("en")
    nodes = {
        pk: (parent_id, (name_en or name) if english else name)
        for pk, parent_id, name, name_en in Category.objects.filter(
            organisation_id=organisation_id
        ).values_list("id", "parent_id", "name", "name_en")
    }
    labels: dict[int, str] = {}
    for pk in nodes:
        names, node, seen = [], pk, set()
        while node in nodes and node not in seen:
            seen.add(node)
            names.append(nodes[node][1])
            node = nodes[node][0]
        labels[pk] = " › ".join(reversed(names))
    return labels


def _path(obj, path: str):
    """complaint, "customer__name" -> complaint.customer.name (None past an empty relation)."""
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _blank(value):
    return "" if value is None else value


def _labels(model, name: str) -> Callable:
    """A choice field's value -> its label in the active language, as get_FOO_display gives
    it; the labels are translated once, here, not once per cell."""
    labels = {key: str(label) for key, label in model._meta.get_field(name).flatchoices}
    return lambda value: labels.get(value, value)


def _person_cell(display_name, first_name, last_name, username) -> str:
    """str(user) of the user's values (User.__str__), "" for nobody."""
    if username is None:
        return ""
    return display_name or f"{first_name} {last_name}".strip() or username


def _person_fields(relation: str) -> tuple[str, ...]:
    return tuple(
        f"{relation}__{f}" for f in ("display_name", "first_name", "last_name", "username")
    )


def _column(
    title: str,
    width: int,
    key: str,
    fields: str | tuple[str, ...],
    cell: Callable | None = None,
    kind: str = TEXT,
    value: Callable | None = None,
) -> Column:
    """A column read from `fields`; its `value(complaint)` reads the same paths of an
    instance unless given."""
    paths = (fields,) if isinstance(fields, str) else fields
    if value is None:
        if cell is None:
            (only,) = paths
            value = (
                (lambda c: _local(_path(c, only))) if kind == MOMENT else (lambda c: _path(c, only))
            )
        else:
            make = cell
            value = lambda c: make(*(_path(c, p) for p in paths))  # noqa: E731
            if kind == MOMENT:
                value = lambda c, read=value: _local(read(c))  # noqa: E731
    return Column(title, width, value, key, paths, cell, kind)


def columns_for(user, categories: dict[int, str] | None = None) -> list[Column]:
    """The export's own columns, in the order a monthly report reads them: what came in, from
    whom, what it is about, who has it, what was done and learnt, how it ended, and when."""
    categories = categories if categories is not None else {}
    yes, no = _("Yes"), _("No")

    def choice(title, width, key, name=None, model=Complaint):
        return _column(title, width, key, name or key, _labels(model, name or key))

    def person(title, width, key):
        return _column(
            title, width, key, _person_fields(key), _person_cell,
            value=lambda c: _person(getattr(c, key)),
        )  # fmt: skip

    purchase_kind = _labels(Purchase, "kind")
    sees_phone = user.sees_contact_data
    return [
        _column(_("Number"), 18, "number", "number"),
        choice(_("Kind"), 8, "kind"),
        _column(_("Received at"), 17, "received_at", "received_at", kind=MOMENT),
        choice(_("Channel"), 12, "channel"),
        _column(_("Channel detail"), 16, "channel_detail", "channel_detail"),
        _column(_("Third party's reference"), 16, "third_party_reference", "third_party_reference"),
        _column(_("Branch"), 14, "branch", "branch__name"),
        _column(_("Handling department"), 14, "department", "department__name", _blank),
        _column(_("Customer"), 14, "customer", "customer__name"),
        _column(
            _("Phone"),
            15,
            "phone",
            "customer__phone",
            (lambda p: phone_display(p))
            if sees_phone
            else (lambda p: phone_display(mask_phone(p))),
            value=lambda c: phone_display(customer_phone_for(user, c.customer)),
        ),
        _column(
            _("Purchase"),
            10,
            "purchase",
            ("purchase_id", "purchase__kind"),
            lambda pk, kind: purchase_kind(kind) if pk is not None else "",
        ),  # fmt: skip
        _column(_("Product or model"), 16, "product", "purchase__product", _blank),
        _column(_("VIN"), 19, "vin", "purchase__vin", _blank),
        _column(_("Plate number"), 11, "plate_number", "purchase__plate_number", _blank),
        _column(_("Summary"), 30, "title", "title"),
        _column(_("The customer's account"), 50, "account", "account"),
        choice(_("Demand"), 12, "demand"),
        _column(_("Demand detail"), 20, "demand_detail", "demand_detail"),
        _column(
            _("Category"),
            24,
            "category",
            ("category_id", "category__name"),
            lambda pk, name: categories.get(pk, name) if pk is not None else "",
        ),  # fmt: skip
        choice(_("Cause class"), 16, "cause"),
        choice(_("Responsibility"), 14, "responsibility"),
        choice(_("Suggested severity"), 10, "suggested_severity"),
        choice(_("Severity"), 8, "severity"),
        _column(
            _("Severity changed"),
            8,
            "severity_changed",
            ("severity", "suggested_severity"),
            lambda severity, suggested: yes if severity != suggested else no,
        ),  # fmt: skip
        _column(
            _("Reason for changing the severity"),
            20,
            "severity_override_reason",
            "severity_override_reason",
        ),
        _column(_("Crisis"), 6, "is_crisis", "is_crisis", lambda crisis: yes if crisis else no),
        choice(_("State"), 14, "state"),
        person(_("Owner"), 14, "owner"),
        person(_("Registered by"), 14, "registered_by"),
        _column(_("Routing rule"), 16, "routed_by", "routed_by__name", _blank),
        choice(_("Escalation level"), 14, "escalation_level"),
        _column(_("Staff member involved"), 16, "staff_involved", "staff_involved"),
        _column(_("Promise made by"), 16, "promise_made_by", "promise_made_by"),
        choice(_("Confirmation"), 14, "confirmation_method"),
        _column(_("Solution"), 40, "solution", "solution"),
        choice(_("Resolvability"), 14, "resolvability"),
        _column(_("Why not solvable for now"), 20, "not_solvable", "not_solvable_reason"),
        _column(_("Solution to be done by"), 12, "solution_due_on", "solution_due_on", kind=DAY),
        choice(_("Compensation type"), 14, "compensation", "compensation_type"),
        _column(
            _("Compensation amount (yuan)"),
            12,
            "compensation_amount",
            "compensation_amount",
            kind=MONEY,
        ),
        person(_("Compensation approved by"), 14, "compensation_approved_by"),
        _column(
            _("Compensation approved at"),
            17,
            "compensation_approved_at",
            "compensation_approved_at",
            kind=MOMENT,
        ),
        choice(_("Satisfaction"), 10, "satisfaction"),
        _column(_("Root cause"), 30, "root_cause", "root_cause"),
        _column(_("Corrective action"), 30, "corrective_action", "corrective_action"),
        _column(_("Preventive action"), 30, "preventive_action", "preventive_action"),
        _column(
            _("Verification of the preventive action"),
            30,
            "preventive_verification",
            "preventive_verification",
        ),
        person(_("Preventive action verified by"), 14, "preventive_verified_by"),
        _column(
            _("Preventive action verified at"),
            17,
            "preventive_verified_at",
            "preventive_verified_at",
            kind=MOMENT,
        ),
        choice(_("Closing reason"), 14, "close_reason"),
        _column(_("Closing note"), 20, "close_note", "close_note"),
        _column(_("Times reopened"), 8, "reopen_count", "reopen_count", kind=NUMBER),
        _column(
            _("Merged into"),
            18,
            "merged_into",
            "merged_into__number",
            _blank,
            value=lambda c: c.merged_into_number or "",
        ),  # fmt: skip
        _column(_("Confirmed at"), 17, "confirmed_at", "confirmed_at", kind=MOMENT),
        _column(_("Resolved at"), 17, "resolved_at", "resolved_at", kind=MOMENT),
        _column(_("Closed at"), 17, "closed_at", "closed_at", kind=MOMENT),
        _column(_("Resolution due"), 17, "due_at", "due_at", kind=MOMENT),
    ]


@dataclass
class ExportLayout:
    """The export's columns with those of the apps above in their places, and how each cell of
    a row is read: (part index or None, value function)."""

    columns: list[Column]
    readers: list[tuple[int | None, object]]
    parts: list[hooks.ExportPart]


def export_layout(user) -> ExportLayout:
    own = columns_for(user, category_labels(user.organisation_id))
    parts = [part for part in hooks.exported_columns(user) if part is not None]
    by_anchor: dict[str, list[int]] = {}
    for index, part in enumerate(parts):
        by_anchor.setdefault(part.after, []).append(index)
    columns: list[Column] = []
    readers: list[tuple[int | None, object]] = []

    def add_parts(indexes):
        for index in indexes:
            for col in parts[index].columns:
                columns.append(Column(col.title, col.width, col.value))
                readers.append((index, col.value))

    for column in own:
        columns.append(column)
        readers.append((None, column.value))
        add_parts(by_anchor.pop(column.key, []))
    add_parts([i for indexes in by_anchor.values() for i in indexes])  # unknown anchors: last
    return ExportLayout(columns, readers, parts)


def for_columns(qs):
    """The complaints of `qs` as the columns' `value(complaint)` reads them: every field, the
    related rows selected, the number of the case a duplicate was merged into annotated."""
    # defer(None): every column is read, so none may be fetched row by row.
    return (
        qs.defer(None)
        .defer(*NOT_EXPORTED)
        .select_related(*RELATED)
        .annotate(merged_into_number=F("merged_into__number"))
    )


def _exported(qs, cap: int):
    """The complaints an export of `qs` writes, newest first, one more than the cap (to tell
    whether it cut)."""
    return qs.order_by("-id")[: cap + 1]


def _fast_local(zone):
    def local(moment):
        return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None

    return local


def export_rows(
    layout: ExportLayout, qs, *, chunk_size: int | None = None, local_moments: bool = True
) -> Iterator[list[list]]:
    """The cells of `layout` for the complaints of `qs` (ordered and sliced by the caller), in
    chunks of rows: the same values as the columns' `value(complaint)` (moments in local time
    without a zone; as stored, with theirs, if not `local_moments`), read as plain values. One
    query for the rows (streamed), and the queries of the apps' parts per chunk; none per row."""
    size = chunk_size or CHUNK
    readers = zip(layout.columns, layout.readers, strict=True)
    own = [column for column, (part, _value) in readers if part is None]
    fields = ["id"]
    for column in own:
        for path in column.fields:
            if path not in fields:
                fields.append(path)
    at = {path: index for index, path in enumerate(fields)}
    local = _fast_local(timezone.get_current_timezone())
    loaded: list[dict] = [{} for _p in layout.parts]
    getters: list[Callable] = []
    own_columns = iter(own)
    for part, value in layout.readers:
        if part is not None:
            getters.append(
                lambda row, data=loaded, part=part, value=value: value(data[part].get(row[0]))
            )
            continue
        column = next(own_columns)
        places = [at[path] for path in column.fields]
        cell = column.cell
        if cell is None:
            get = itemgetter(places[0])
        elif len(places) == 1:
            get = lambda row, i=places[0], cell=cell: cell(row[i])  # noqa: E731
        else:
            get = lambda row, places=places, cell=cell: cell(*[row[i] for i in places])  # noqa: E731
        if column.kind == MOMENT and local_moments:
            get = lambda row, get=get: local(get(row))  # noqa: E731
        getters.append(get)

    chunk: list = []
    for row in qs.values_list(*fields).iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            yield _cells(chunk, layout, loaded, getters)
            chunk = []
    if chunk:
        yield _cells(chunk, layout, loaded, getters)


def _cells(chunk, layout, loaded, getters) -> list[list]:
    ids = [row[0] for row in chunk]
    # What the apps above show for these rows: a few queries per chunk, none per row.
    for index, part in enumerate(layout.parts):
        loaded[index] = part.load(ids)
    return [[get(row) for get in getters] for row in chunk]


def _writers(columns: list[Column], zone) -> list[xlsx.Writer]:
    """The cell writer of each column: moments in `zone`, yes/no in the active language."""
    by_kind: dict[str, xlsx.Writer] = {
        TEXT: xlsx.text,
        MOMENT: xlsx.moment_in(zone),
        DAY: xlsx.day,
        MONEY: xlsx.money,
        NUMBER: xlsx.number,
        AUTO: xlsx.auto_in(zone, (_("Yes"), _("No"))),
    }
    return [by_kind[column.kind] for column in columns]


def cap_note(cap: int) -> str:
    """What the sheet and the about sheet say when the cap cut the export."""
    return _(
        "Only the first %(cap)s complaints are exported. Narrow the filters to export the rest."
    ) % {"cap": f"{cap:,}"}


def write_complaints_sheet(
    workbook: xlsx.Workbook, user, qs, *, cap: int | None = None, title: str = ""
) -> tuple[int, bool]:
    """Write the complaints of `qs` (newest first, at most `cap`: EXPORT_CAP unless given) as
    the next sheet of `workbook`, named `title` (else "Complaints"), with every column of the
    export as `user` sees it: a styled, frozen header row, the columns' widths, moments in the
    active zone, and the cap's note as a last row when it cut the list. `qs` is already scoped
    to what `user` may see (as `filtered_complaints` gives it).

    Returns (rows written, whether the cap cut them). The monthly report's workbook writes its
    raw-data sheet with this; `write_complaints_xlsx` the whole export. A sheet past 2 GiB of
    XML (far beyond the cap's rows of limited texts) raises xlsx.TooLarge when it is closed:
    write the workbook again with `zip64=True`, as `write_complaints_xlsx` does.
    """
    cap = EXPORT_CAP if cap is None else cap
    layout = export_layout(user)
    columns = layout.columns
    ws = workbook.add_sheet(
        title or _("Complaints"), [c.width for c in columns], freeze_header=True
    )
    ws.write_row([c.title for c in columns], [xlsx.header] * len(columns))
    writers = _writers(columns, timezone.get_current_timezone())
    rows = 0
    capped = False
    # The rows' XML is made in a thread beside the reading (xlsx.RowsBeside), which waits for
    # the database most of its time: at a million complaints a month's export takes a third less.
    with quick_timestamps(qs.db), xlsx.RowsBeside(ws, writers) as beside:
        # The moments go to the sheet as stored: its writers turn them into local time.
        for chunk in export_rows(layout, _exported(qs, cap), local_moments=False):
            if rows + len(chunk) > cap:
                chunk, capped = chunk[: cap - rows], True
            beside.put(chunk)
            rows += len(chunk)
    if capped:
        ws.write_row([cap_note(cap)], [xlsx.warning])
    return rows, capped


def _write_workbook(out, user, qs, filters, cap: int, zip64: bool) -> tuple[int, bool]:
    book = xlsx.Workbook(
        out, zone=timezone.get_current_timezone(), yes_no=(_("Yes"), _("No")), zip64=zip64
    )
    try:
        rows, capped = write_complaints_sheet(book, user, qs, cap=cap)
        about = book.add_sheet(_("About this export"), [18, 60])
        facts = [
            (_("Exported by"), str(user)),
            (_("Exported at"), _local(timezone.now())),
            (_("Rows"), rows),
            *filters,
        ]
        if capped:
            facts.append((_("Note"), cap_note(cap)))
        for name, value in facts:
            about.write_row(
                [name, value], [xlsx.bold, xlsx.wrapped if isinstance(value, str) else None]
            )
    except xlsx.TooLarge:
        raise  # the workbook is closed already
    except BaseException:
        book.abort()
        raise
    book.close()
    return rows, capped


def write_complaints_xlsx(user, qs, *, filters: list[tuple[str, str]], cap: int | None = None):
    """Write the complaints of `qs` (newest first) to a temporary .xlsx file.

    Returns (file positioned at its start, number of rows written, whether the cap cut it).
    """
    cap = EXPORT_CAP if cap is None else cap
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        try:
            rows, capped = _write_workbook(out, user, qs, filters, cap, zip64=False)
        except xlsx.TooLarge:
            # Over 2 GiB of sheet XML (long texts in every row): again, with Zip64 records.
            out.close()
            out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
            rows, capped = _write_workbook(out, user, qs, filters, cap, zip64=True)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, rows, capped
