"""The complaint list as an Excel workbook.

The workbook is written row by row (openpyxl's write-only mode) into a temporary file, so a
large export never sits in memory as a whole; the rows come from the database in chunks.
"""

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kesu.complaints import hooks
from kesu.complaints.models import Category
from kesu.complaints.printing import customer_phone_for
from kesu.core.phones import display_phone as phone_display

EXPORT_CAP = 50_000
CHUNK = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
# Related rows every line shows, fetched in the complaints' own query.
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


@dataclass
class Column:
    title: str
    width: int
    value: object  # complaint -> cell value
    key: str = ""  # where the columns of the apps above (hooks.exported_columns) go


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: the local wall-clock time is what people expect to see.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _person(user) -> str:
    return str(user) if user is not None else ""


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


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


def _purchase(c, attribute: str):
    purchase = c.purchase
    if purchase is None:
        return ""
    if attribute == "kind":
        return purchase.get_kind_display()
    return getattr(purchase, attribute)


def columns_for(user, categories: dict[int, str] | None = None) -> list[Column]:
    """The export's own columns, in the order a monthly report reads them: what came in, from
    whom, what it is about, who has it, what was done and learnt, how it ended, and when."""
    categories = categories if categories is not None else {}
    return [
        Column(_("Number"), 18, lambda c: c.number, "number"),
        Column(_("Kind"), 8, lambda c: c.get_kind_display(), "kind"),
        Column(_("Received at"), 17, lambda c: _local(c.received_at), "received_at"),
        Column(_("Channel"), 12, lambda c: c.get_channel_display(), "channel"),
        Column(_("Channel detail"), 16, lambda c: c.channel_detail, "channel_detail"),
        Column(
            _("Third party's reference"),
            16,
            lambda c: c.third_party_reference,
            "third_party_reference",
        ),
        Column(_("Branch"), 14, lambda c: c.branch.name, "branch"),
        Column(
            _("Handling department"),
            14,
            lambda c: c.department.name if c.department else "",
            "department",
        ),
        Column(_("Customer"), 14, lambda c: c.customer.name, "customer"),
        Column(
            _("Phone"), 15, lambda c: phone_display(customer_phone_for(user, c.customer)), "phone"
        ),
        Column(_("Purchase"), 10, lambda c: _purchase(c, "kind"), "purchase"),
        Column(_("Product or model"), 16, lambda c: _purchase(c, "product"), "product"),
        Column(_("VIN"), 19, lambda c: _purchase(c, "vin"), "vin"),
        Column(_("Plate number"), 11, lambda c: _purchase(c, "plate_number"), "plate_number"),
        Column(_("Summary"), 30, lambda c: c.title, "title"),
        Column(_("The customer's account"), 50, lambda c: c.account, "account"),
        Column(_("Demand"), 12, lambda c: c.get_demand_display(), "demand"),
        Column(_("Demand detail"), 20, lambda c: c.demand_detail, "demand_detail"),
        Column(
            _("Category"),
            24,
            lambda c: categories.get(c.category_id, c.category.name) if c.category else "",
            "category",
        ),
        Column(_("Cause class"), 16, lambda c: c.get_cause_display(), "cause"),
        Column(_("Responsibility"), 14, lambda c: c.get_responsibility_display(), "responsibility"),
        Column(
            _("Suggested severity"),
            10,
            lambda c: c.get_suggested_severity_display(),
            "suggested_severity",
        ),
        Column(_("Severity"), 8, lambda c: c.get_severity_display(), "severity"),
        Column(
            _("Severity changed"),
            8,
            lambda c: _yes_no(c.severity != c.suggested_severity),
            "severity_changed",
        ),
        Column(
            _("Reason for changing the severity"),
            20,
            lambda c: c.severity_override_reason,
            "severity_override_reason",
        ),
        Column(_("Crisis"), 6, lambda c: _yes_no(c.is_crisis), "is_crisis"),
        Column(_("State"), 14, lambda c: c.get_state_display(), "state"),
        Column(_("Owner"), 14, lambda c: _person(c.owner), "owner"),
        Column(_("Registered by"), 14, lambda c: _person(c.registered_by), "registered_by"),
        Column(
            _("Routing rule"), 16, lambda c: c.routed_by.name if c.routed_by else "", "routed_by"
        ),
        Column(
            _("Escalation level"),
            14,
            lambda c: c.get_escalation_level_display(),
            "escalation_level",
        ),
        Column(_("Staff member involved"), 16, lambda c: c.staff_involved, "staff_involved"),
        Column(_("Promise made by"), 16, lambda c: c.promise_made_by, "promise_made_by"),
        Column(
            _("Confirmation"),
            14,
            lambda c: c.get_confirmation_method_display(),
            "confirmation_method",
        ),
        Column(_("Solution"), 40, lambda c: c.solution, "solution"),
        Column(_("Resolvability"), 14, lambda c: c.get_resolvability_display(), "resolvability"),
        Column(_("Why not solvable for now"), 20, lambda c: c.not_solvable_reason, "not_solvable"),
        Column(_("Solution to be done by"), 12, lambda c: c.solution_due_on, "solution_due_on"),
        Column(
            _("Compensation type"), 14, lambda c: c.get_compensation_type_display(), "compensation"
        ),
        Column(
            _("Compensation amount (yuan)"),
            12,
            lambda c: c.compensation_amount,
            "compensation_amount",
        ),
        Column(
            _("Compensation approved by"),
            14,
            lambda c: _person(c.compensation_approved_by),
            "compensation_approved_by",
        ),
        Column(
            _("Compensation approved at"),
            17,
            lambda c: _local(c.compensation_approved_at),
            "compensation_approved_at",
        ),
        Column(_("Satisfaction"), 10, lambda c: c.get_satisfaction_display(), "satisfaction"),
        Column(_("Root cause"), 30, lambda c: c.root_cause, "root_cause"),
        Column(_("Corrective action"), 30, lambda c: c.corrective_action, "corrective_action"),
        Column(_("Preventive action"), 30, lambda c: c.preventive_action, "preventive_action"),
        Column(
            _("Verification of the preventive action"),
            30,
            lambda c: c.preventive_verification,
            "preventive_verification",
        ),
        Column(
            _("Preventive action verified by"),
            14,
            lambda c: _person(c.preventive_verified_by),
            "preventive_verified_by",
        ),
        Column(
            _("Preventive action verified at"),
            17,
            lambda c: _local(c.preventive_verified_at),
            "preventive_verified_at",
        ),
        Column(_("Closing reason"), 14, lambda c: c.get_close_reason_display(), "close_reason"),
        Column(_("Closing note"), 20, lambda c: c.close_note, "close_note"),
        Column(_("Times reopened"), 8, lambda c: c.reopen_count, "reopen_count"),
        Column(_("Merged into"), 18, lambda c: c.merged_into_number or "", "merged_into"),
        Column(_("Confirmed at"), 17, lambda c: _local(c.confirmed_at), "confirmed_at"),
        Column(_("Resolved at"), 17, lambda c: _local(c.resolved_at), "resolved_at"),
        Column(_("Closed at"), 17, lambda c: _local(c.closed_at), "closed_at"),
        Column(_("Resolution due"), 17, lambda c: _local(c.due_at), "due_at"),
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


def _text_cell(ws, value, **style) -> Cell:
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    # Customers' words are text, never formulas, whatever character they start with.
    cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _cell(ws, value) -> Cell | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = _local(value)
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool):
        return _text_cell(ws, _yes_no(value))
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, int | float):
        return WriteOnlyCell(ws, value=value)
    return _text_cell(ws, value)


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_complaints_sheet(wb, user, qs, *, cap: int | None = None, title: str = ""):
    """Add the complaints of `qs` (newest first) as a sheet of the write-only workbook `wb`:
    the export's columns, one row per complaint, at most `cap` rows (then a closing note).

    The list's export and the monthly report's raw data sheet are this one sheet. Returns
    (number of rows written, whether the cap cut it, the note written if it did).
    """
    cap = EXPORT_CAP if cap is None else cap
    layout = export_layout(user)
    columns = layout.columns
    ws = wb.create_sheet(title or _("Complaints"))
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E6F0F7")
    ws.append([_text_cell(ws, c.title, font=bold, fill=fill) for c in columns])

    rows = 0
    capped = False
    # defer(None): every column is written, so none may be fetched row by row.
    found = (
        qs.defer(None)
        .defer(*NOT_EXPORTED)
        .select_related(*RELATED)
        .annotate(merged_into_number=F("merged_into__number"))
        .order_by("-id")[: cap + 1]
    )
    for chunk in _chunks(found.iterator(chunk_size=CHUNK), CHUNK):
        if rows + len(chunk) > cap:
            chunk, capped = chunk[: cap - rows], True
        # What the apps above show for these rows: a few queries per chunk, none per row.
        loaded = [part.load([c.pk for c in chunk]) for part in layout.parts]
        for complaint in chunk:
            ws.append(
                [
                    _cell(
                        ws,
                        value(complaint) if part is None else value(loaded[part].get(complaint.pk)),
                    )
                    for part, value in layout.readers
                ]
            )
        rows += len(chunk)
    note = ""
    if capped:
        note = _(
            "Only the first %(cap)s complaints are exported. Narrow the filters to export the rest."
        ) % {"cap": f"{cap:,}"}
        ws.append([_text_cell(ws, note, font=Font(bold=True, color="B3261E"))])
    return rows, capped, note


def write_complaints_xlsx(user, qs, *, filters: list[tuple[str, str]], cap: int | None = None):
    """Write the complaints of `qs` (newest first) to a temporary .xlsx file.

    Returns (file positioned at its start, number of rows written, whether the cap cut it).
    """
    wb = Workbook(write_only=True)
    rows, capped, note = write_complaints_sheet(wb, user, qs, cap=cap)
    bold = Font(bold=True)

    about = wb.create_sheet(_("About this export"))
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 60
    wrap = Alignment(wrap_text=True, vertical="top")
    facts = [
        (_("Exported by"), str(user)),
        (_("Exported at"), _local(timezone.now())),
        (_("Rows"), rows),
        *filters,
    ]
    if capped:
        facts.append((_("Note"), note))
    for label, value in facts:
        cell = WriteOnlyCell(about, value=value) if not isinstance(value, str) else None
        if cell is not None and isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        about.append(
            [_text_cell(about, label, font=bold), cell or _text_cell(about, value, alignment=wrap)]
        )

    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    wb.save(out)
    out.seek(0)
    return out, rows, capped
