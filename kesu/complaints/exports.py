"""The complaint list as an Excel workbook.

The workbook is written row by row (openpyxl's write-only mode) into a temporary file, so a
large export never sits in memory as a whole; the rows come from the database in chunks.
"""

import tempfile
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kesu.complaints.printing import customer_phone_for
from kesu.core.phones import display_phone as phone_display

EXPORT_CAP = 50_000
CHUNK = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Column:
    title: str
    width: int
    value: object  # complaint -> cell value


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: the local wall-clock time is what people expect to see.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def columns_for(user) -> list[Column]:
    return [
        Column(_("Number"), 18, lambda c: c.number),
        Column(_("Received"), 17, lambda c: _local(c.received_at)),
        Column(_("Branch"), 14, lambda c: c.branch.name),
        Column(_("Customer"), 14, lambda c: c.customer.name),
        Column(_("Phone"), 15, lambda c: phone_display(customer_phone_for(user, c.customer))),
        Column(_("Channel"), 12, lambda c: c.get_channel_display()),
        Column(_("Summary"), 30, lambda c: c.title),
        Column(_("The customer's account"), 50, lambda c: c.account),
        Column(_("Category"), 14, lambda c: c.category.name if c.category else ""),
        Column(_("Severity"), 8, lambda c: c.get_severity_display()),
        Column(_("Owner"), 14, lambda c: str(c.owner) if c.owner else ""),
        Column(_("State"), 14, lambda c: c.get_state_display()),
        Column(_("Resolution due"), 17, lambda c: _local(c.due_at)),
        Column(_("Closed"), 17, lambda c: _local(c.closed_at)),
    ]


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
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    return _text_cell(ws, value)


def write_complaints_xlsx(user, qs, *, filters: list[tuple[str, str]], cap: int | None = None):
    """Write the complaints of `qs` (newest first) to a temporary .xlsx file.

    Returns (file positioned at its start, number of rows written, whether the cap cut it).
    """
    cap = EXPORT_CAP if cap is None else cap
    columns = columns_for(user)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Complaints"))
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E6F0F7")
    ws.append([_text_cell(ws, c.title, font=bold, fill=fill) for c in columns])

    rows = 0
    capped = False
    # defer(None): every column is written, so none may be fetched row by row.
    for complaint in qs.defer(None).order_by("-id")[: cap + 1].iterator(chunk_size=CHUNK):
        if rows == cap:
            capped = True
            break
        ws.append([_cell(ws, column.value(complaint)) for column in columns])
        rows += 1
    if capped:
        note = _(
            "Only the first %(cap)s complaints are exported. Narrow the filters to export the rest."
        ) % {"cap": f"{cap:,}"}
        ws.append([_text_cell(ws, note, font=Font(bold=True, color="B3261E"))])

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
