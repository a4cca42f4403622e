"""The workbooks of the Excel import: the template to fill in, and the report of a refused file."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kesu.complaints.exports import category_labels
from kesu.complaints.imports import COLUMNS, ImportColumn
from kesu.organisation.models import Branch, Department

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE8B2")
HEADER_FILL = PatternFill("solid", fgColor="E6F0F7")
WRAP = Alignment(wrap_text=True, vertical="top")


def _text(ws, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # never a formula
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _saved(wb: Workbook):
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    wb.save(out)
    out.seek(0)
    return out


def _allowed(user, column: ImportColumn, places: dict) -> str:
    if column.choices is not None:
        return "\n".join(
            f"{member.label}（{member.value}）"
            for member in column.choices  # type: ignore[attr-defined]
            if column.key != "state" or member.value != "merged"
        )
    return places.get(column.kind, "")


def _places(user) -> dict[str, str]:
    """What the organisation's own names are: branches, departments, categories."""
    branches = Branch.objects.filter(organisation_id=user.organisation_id).order_by("name")
    if not user.sees_whole_organisation:
        branches = branches.filter(pk=user.branch_id)
    departments = (
        Department.objects.filter(branch__in=branches)
        .select_related("branch")
        .order_by("branch__name", "name")
    )
    yes_no = f"{_('Yes')} / {_('No')}"
    return {
        "branch": "\n".join(f"{b.name}（{b.code}）" for b in branches),
        "department": "\n".join(f"{d.branch.name}: {d.name}（{d.code}）" for d in departments),
        "category": "\n".join(sorted(category_labels(user.organisation_id).values())),
        "bool": yes_no,
    }


def write_template(user):
    """The template in the user's language: the header row to fill under, and a sheet that
    explains each column and lists the values it takes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Complaints"))
    ws.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(str(column.title)) + 4)
    ws.append(
        [
            _text(ws, c.title, font=BOLD, fill=REQUIRED_FILL if c.required else HEADER_FILL)
            for c in COLUMNS
        ]
    )
    about = wb.create_sheet(_("How to fill it in"))
    for letter, width in zip("ABCD", (26, 10, 60, 50), strict=True):
        about.column_dimensions[letter].width = width
    about.append(
        [
            _text(
                about,
                _("Import historical complaints: one complaint a row, under the header"),
                font=BOLD,
            )
        ]
    )
    about.append(
        [
            _text(
                about,
                _(
                    "Headers may be in Chinese or English, in any order; columns of a Kesu "
                    "export that an import does not take are skipped. Values may be the label "
                    "in either language or the code. If any row has a problem nothing is "
                    "imported: the report names each row and column."
                ),
                alignment=WRAP,
            )
        ]
    )
    about.append([])
    about.append(
        [
            _text(about, title, font=BOLD, fill=HEADER_FILL)
            for title in (_("Column"), _("Required"), _("What to write"), _("Allowed values"))
        ]
    )
    places = _places(user)
    for column in COLUMNS:
        about.append(
            [
                _text(about, column.title, font=BOLD),
                _text(about, _("Yes") if column.required else ""),
                _text(about, column.help or _help_of(column), alignment=WRAP),
                _text(about, _allowed(user, column, places), alignment=WRAP),
            ]
        )
    return _saved(wb)


def _help_of(column: ImportColumn) -> str:
    if column.kind == "datetime":
        return _("Date and time, e.g. 2024-03-05 14:30.")
    if column.kind == "date":
        return _("A date, e.g. 2024-03-05.")
    if column.kind == "decimal":
        return _("An amount in yuan, e.g. 1200.50.")
    if column.kind == "text" and column.limit:
        return _("Text of at most %(limit)d characters.") % {"limit": column.limit}
    return ""


def write_report(job):
    """The problems of a refused file: row, column and message, one a line."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Problems"))
    for letter, width in zip("ABC", (8, 26, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append(
        [_text(ws, t, font=BOLD, fill=HEADER_FILL) for t in (_("Row"), _("Column"), _("Problem"))]
    )
    if job.message:
        ws.append([None, None, _text(ws, job.message)])
    for row, column, message in job.errors:
        ws.append([row, _text(ws, column), _text(ws, message)])
    if job.error_count > len(job.errors):
        ws.append(
            [
                None,
                None,
                _text(
                    ws,
                    _("… and %(count)s more problems.")
                    % {"count": f"{job.error_count - len(job.errors):,}"},
                ),
            ]
        )
    return _saved(wb)
