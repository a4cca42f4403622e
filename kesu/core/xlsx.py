"""A streaming .xlsx writer: large tables (the complaint export, ~75 columns by tens of
thousands of rows) and small, plainly styled sheets (the monthly report's workbook).

Using it
--------
::

    from kesu.core import xlsx

    zone = timezone.get_current_timezone()
    with xlsx.Workbook(out, zone=zone, yes_no=(_("Yes"), _("No"))) as book:
        ws = book.add_sheet(_("By branch"), [24, 12, 10], freeze_header=True)
        ws.write_row([_("Branch"), _("Complaints"), _("Share")], [xlsx.header] * 3)
        for name, count, share in lines:
            ws.write_row([name, count, share], [xlsx.text, xlsx.integer, xlsx.percent])
        ws.write_row([_("Total"), total, 1], [xlsx.bold, xlsx.bold_number, xlsx.bold_percent])
        book.add_sheet(_("Complaints"), ...)  # the next sheet; the one before is closed

- ``Workbook(out, *, zone, yes_no, creator, compresslevel, zip64)``: `out` is a seekable
  binary file (a temporary file, ``io.BytesIO``). `zone` is the zone whose wall-clock time
  aware datetimes are shown in (Excel has no zones; naive ones are written as they are);
  `yes_no` the words for True and False. Use it as a context manager, or call ``close()``
  (which writes the workbook's own parts) or, on an error, ``abort()``.
- ``book.add_sheet(name, widths=(), *, freeze_header=False) -> Sheet``: the sheets are written
  one after the other; the name is made one Excel accepts (`sheet_name`) and unique in the
  workbook. `widths` are the columns' widths in characters, from column A.
- ``sheet.write_row(values, writers=None)``: one row. Each value is written by the writer of
  its column (missing or None: ``book.auto``, by the value's type); None and "" leave the
  cell empty. ``sheet.write_rows(rows, writers)``: many rows, every column with its writer
  (the fast path of large tables). ``sheet.rows`` counts the rows written.
- Writers, functions of (cell reference, value) returning the cell's XML:
  ``text`` (always a string, never a formula, the characters XML cannot carry dropped,
  cut at Excel's 32,767 characters),
  ``number``, ``integer`` (#,##0), ``decimal`` (0.0), ``money`` (#,##0.00), ``percent``
  (0.0%, of a fraction: 0.25 shows 25.0%), ``day`` (a date), ``book.moment`` (a date and
  time in the book's zone), ``book.auto`` (whatever the value is: str, datetime, date, bool
  as the yes/no words, Decimal as money, int, float); styled ones ``header`` (bold on a light
  fill), ``bold``, ``title`` (bold, larger), ``wrapped`` (wraps, top-aligned), ``warning``
  (bold red), ``bold_number``, ``bold_percent``. A number writer given text writes text.
- Other styles: ``book.add_style(xlsx.Style(number_format=..., bold=..., color=..., fill=...,
  wrap=..., size=...)) -> int``, then ``xlsx.styled_text(style)`` or
  ``xlsx.styled_number(style)``; the writers above use the styles DEFAULT ... BOLD_PERCENT.

Not supported: formulas, merged cells, row heights, charts, shared strings (text is inline).

How it is fast
--------------
Each sheet's XML is written straight into the zip file as its rows come, a few hundred rows
at a time (deflated in a thread of its own), so memory stays bounded whatever the row count;
a cell is one f-string made by a function chosen once per column, with no cell objects.
Writing the same 5,000 rows of 71 columns (the values already read): openpyxl's write-only
mode about 840 rows a second, XlsxWriter's constant-memory mode about 2,300, this about
12,600 (docs/benchmarks.md and docs/decisions.md, issue 12).
"""

import contextlib
import math
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.0"

# Control characters (but tab, line feed, carriage return), lone surrogates and the two
# non-characters: not allowed in XML 1.0.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's day 0: serial numbers count days from here (for dates after February 1900).
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_ROWS_PER_WRITE = 200
SHEET_NAME_MAX = 31
CELL_TEXT_MAX = 32_767
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

Writer = Callable[[str, object], str]


@dataclass(frozen=True)
class Style:
    """How a cell looks: its number format, font (bold, colour "RRGGBB", size), background
    fill ("RRGGBB") and whether its text wraps (then top-aligned)."""

    number_format: str = "General"
    bold: bool = False
    color: str = ""
    fill: str = ""
    wrap: bool = False
    size: float = 11


# The styles every workbook has, by index (the `s` of a cell).
DEFAULT, MOMENT, DAY, MONEY, HEADER, WARNING, BOLD, WRAP = range(8)
PERCENT, INTEGER, DECIMAL, TITLE, BOLD_PERCENT = range(8, 13)
BASE_STYLES = (
    Style(),
    Style(number_format=DATETIME_FORMAT),
    Style(number_format=DATE_FORMAT),
    Style(number_format=MONEY_FORMAT),
    Style(bold=True, fill="E6F0F7"),
    Style(bold=True, color="B3261E"),
    Style(bold=True),
    Style(wrap=True),
    Style(number_format=PERCENT_FORMAT),
    Style(number_format=INTEGER_FORMAT),
    Style(number_format=DECIMAL_FORMAT),
    Style(bold=True, size=14),
    Style(number_format=PERCENT_FORMAT, bold=True),
)


class TooLarge(Exception):
    """A sheet passed the 2 GiB a zip entry without Zip64 records holds: write the workbook
    again with zip64=True (kept off otherwise, for the readers that do not expect them)."""


def clean_text(value: str) -> str:
    """The text as a cell can hold it: the characters XML cannot carry are dropped."""
    return ILLEGAL_CHARACTERS.sub("", value)


def _escaped(value) -> str:
    if value.__class__ is not str:
        value = str(value)
    if len(value) > CELL_TEXT_MAX:  # Excel calls a file with a longer one damaged
        value = value[:CELL_TEXT_MAX]
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if not value.isprintable():  # the quick test: line breaks, controls, surrogates...
        value = ILLEGAL_CHARACTERS.sub("", value)
    return value


def text(ref: str, value) -> str:
    """A string cell (whatever the text starts with: "=1+1" stays text)."""
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escaped(value)}</t></is></c>'


def styled_text(style: int) -> Writer:
    """A string cell in the style of that index."""
    s = f' s="{int(style)}"' if style else ""

    def write(ref: str, value) -> str:
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
            f"{_escaped(value)}</t></is></c>"
        )

    return write


def _number_xml(value) -> str | None:
    """The number as a cell's <v> holds it; None for what is no number Excel can hold (text,
    infinity, NaN)."""
    kind = value.__class__
    if kind is int:
        return str(value)
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:f}" if value.is_finite() else None
    if isinstance(value, float):
        return repr(float(value)) if math.isfinite(value) else None
    if isinstance(value, int):
        return str(int(value))
    return None


def styled_number(style: int) -> Writer:
    """A number cell in the style of that index; what is no number is written as text."""
    s = f' s="{int(style)}"' if style else ""
    as_text = styled_text(style)

    def write(ref: str, value) -> str:
        v = _number_xml(value)
        if v is None:
            return as_text(ref, value)
        return f'<c r="{ref}"{s}><v>{v}</v></c>'

    return write


def number(ref: str, value) -> str:
    """A number cell of the general format."""
    if value.__class__ is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    v = _number_xml(value)
    if v is None:
        return text(ref, value)
    return f'<c r="{ref}"><v>{v}</v></c>'


money = styled_number(MONEY)
percent = styled_number(PERCENT)
integer = styled_number(INTEGER)
decimal = styled_number(DECIMAL)
bold_number = styled_number(BOLD)
bold_percent = styled_number(BOLD_PERCENT)
header = styled_text(HEADER)
bold = styled_text(BOLD)
title = styled_text(TITLE)
wrapped = styled_text(WRAP)
warning = styled_text(WARNING)


def day(ref: str, value) -> str:
    """A date cell."""
    return f'<c r="{ref}" s="{DAY}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'


def serial(moment: datetime, zone: tzinfo | None = None) -> float:
    """Excel's number for a moment: days since its epoch, in the wall-clock time of `zone`
    (Excel has no time zones); a naive moment is taken as it is."""
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return moment.toordinal() - _EPOCH_ORDINAL + (seconds + moment.microsecond / 1_000_000) / 86400


def moment_in(zone: tzinfo | None) -> Writer:
    """A date-and-time cell, shown in `zone`'s wall-clock time (`serial`, written out here:
    a month's export has half a million of them)."""
    epoch = _EPOCH_ORDINAL

    def write(ref: str, value) -> str:
        if value.tzinfo is not None and zone is not None:
            value = value.astimezone(zone)
        number = (
            value.toordinal()
            - epoch
            + (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000)
            / 86400
        )
        return f'<c r="{ref}" s="{MOMENT}"><v>{number!r}</v></c>'

    return write


def auto_in(zone: tzinfo | None, yes_no: tuple[str, str] = ("Yes", "No")) -> Writer:
    """A cell of whatever type the value has; a flag as the words given for yes and no."""
    write_moment = moment_in(zone)

    def write_flag(ref: str, value) -> str:
        return text(ref, yes_no[0] if value else yes_no[1])

    by_class: dict[type, Writer] = {
        str: text,
        datetime: write_moment,
        date: day,
        bool: write_flag,
        Decimal: money,
        int: number,
        float: number,
    }

    def write(ref: str, value) -> str:
        exact = by_class.get(value.__class__)
        if exact is not None:
            return exact(ref, value)
        if isinstance(value, str):
            return text(ref, value)
        if isinstance(value, datetime):
            return write_moment(ref, value)
        if isinstance(value, date):
            return day(ref, value)
        if isinstance(value, bool):
            return write_flag(ref, value)
        if isinstance(value, Decimal):
            return money(ref, value)
        if isinstance(value, int | float):
            return number(ref, value)
        return text(ref, value)

    return write


def column_letter(index: int) -> str:
    """A, B, ... Z, AA, ... for the columns counted from 1."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: without []:*?/\\, not starting or ending with an
    apostrophe, at most 31 characters, not empty."""
    cleaned = clean_text(_NOT_IN_SHEET_NAMES.sub(" ", str(name))).strip().strip("'").strip()
    return cleaned[:SHEET_NAME_MAX].strip() or "Sheet"


class _WrittenBeside:
    """Writes to `stream` in a thread of its own: deflate and the file let go of the GIL, so a
    sheet's XML is compressed while the next rows are made (about a third of the writing's
    time on two cores). The queue is short: memory stays bounded."""

    def __init__(self, stream):
        self._stream = stream
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._stream.write(data)
                except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                    self._error = exc

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._stream.close()

    def abandon(self) -> None:
        """Stop the thread and let the stream go, after an error elsewhere."""
        self._queue.put(None)
        self._thread.join()
        with contextlib.suppress(Exception):  # the file is being given up
            self._stream.close()


class Sheet:
    """One worksheet being written: rows are appended in order, then the sheet is closed."""

    def __init__(self, stream, widths: Sequence[float], freeze_header: bool, auto: Writer):
        self._stream = _WrittenBeside(stream)
        self._auto = auto
        self._letters = [column_letter(i) for i in range(1, max(len(widths), 1) + 1)]
        self._pending: list[str] = []
        self.rows = 0
        head = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        ]
        if freeze_header:
            head.append(
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            )
        else:
            head.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        head.append('<sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            head.append("<cols>")
            head += [
                f'<col min="{i}" max="{i}" width="{float(w)!r}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            ]
            head.append("</cols>")
        head.append("<sheetData>")
        self._stream.write("".join(head).encode())

    def _letters_for(self, count: int) -> list[str]:
        letters = self._letters
        if count > len(letters):
            letters += [column_letter(i) for i in range(len(letters) + 1, count + 1)]
        return letters

    def write_row(self, values: Sequence, writers: Sequence[Writer | None] | None = None) -> None:
        """Append a row: each value written by the function of its column (`auto` where there
        is none); None and "" leave the cell empty."""
        self.rows += 1
        n = str(self.rows)
        letters = self._letters_for(len(values))
        writers = writers or ()
        auto = self._auto
        parts = [f'<row r="{n}">']
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            write = writers[index] if index < len(writers) else None
            parts.append((write or auto)(letters[index] + n, value))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self.flush()

    def write_rows(self, rows: Iterable[Sequence], writers: Sequence[Writer]) -> None:
        """Append many rows, each column written by its writer (values past the last writer
        are left out): the fast path of large tables."""
        pending = self._pending
        columns = list(zip(self._letters_for(len(writers)), writers, strict=False))
        for values in rows:
            self.rows += 1
            n = str(self.rows)
            parts = [f'<row r="{n}">']
            for (letter, write), value in zip(columns, values, strict=False):
                if value is None or value == "":
                    continue
                parts.append(write(letter + n, value))
            parts.append("</row>")
            pending.append("".join(parts))
            if len(pending) >= _ROWS_PER_WRITE:
                self.flush()

    def flush(self) -> None:
        if self._pending:
            self._stream.write("".join(self._pending).encode())
            self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._stream.write(b"</sheetData></worksheet>")
        try:
            self._stream.close()
        except RuntimeError as exc:  # zipfile: "File size too large, try using force_zip64"
            raise TooLarge(str(exc)) from exc

    def abandon(self) -> None:
        self._pending.clear()
        self._stream.abandon()


class RowsBeside:
    """`sheet.write_rows` in a thread of its own while the caller makes the next rows: reading
    them from PostgreSQL, psycopg lets go of the GIL while it waits for the server, and the
    rows' XML is made meanwhile. Use it as a context manager; `put(rows)` hands a list of rows
    over (the queue is short, so memory stays bounded); the sheet is the thread's until the
    block ends. An error while writing is raised again in the caller at its next `put` or at
    the end."""

    def __init__(self, sheet: "Sheet", writers: Sequence[Writer]):
        self._sheet = sheet
        self._writers = writers
        self._queue: queue.Queue[list | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-rows", daemon=True)

    def __enter__(self) -> "RowsBeside":
        self._thread.start()
        return self

    def _run(self) -> None:
        while (rows := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._sheet.write_rows(rows, self._writers)
                except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                    self._error = exc

    def put(self, rows: list) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(rows)

    def __exit__(self, kind, error, traceback) -> None:
        self._queue.put(None)
        self._thread.join()
        if error is None and self._error is not None:
            raise self._error


class Workbook:
    """Sheets written one after the other into `out` (a seekable binary file); `close()`
    writes the workbook's own parts. Deflate level 1: the sheet XML is the bulk of the work,
    and a quicker pass costs the file about a fifth more bytes (docs/benchmarks.md)."""

    def __init__(
        self,
        out,
        *,
        zone: tzinfo | None = None,
        yes_no: tuple[str, str] = ("Yes", "No"),
        creator: str = "Kesu",
        compresslevel: int = 1,
        zip64: bool = False,
    ):
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._names: list[str] = []
        self._sheet: Sheet | None = None
        self._creator = creator
        self._zip64 = zip64
        self._styles: list[Style] = list(BASE_STYLES)
        self.zone = zone
        self.yes_no = yes_no
        self.auto = auto_in(zone, yes_no)
        self.moment = moment_in(zone)

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is None:
            self.close()
        else:
            self.abort()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._names)

    def add_style(self, style: Style) -> int:
        """The index of `style` in this workbook (added if new), for `styled_text` and
        `styled_number`."""
        if style in self._styles:
            return self._styles.index(style)
        self._styles.append(style)
        return len(self._styles) - 1

    def add_sheet(
        self, name: str, widths: Sequence[float] = (), *, freeze_header: bool = False
    ) -> Sheet:
        """Start the next sheet (closing the one before)."""
        self._close_sheet()
        wanted, suffix = sheet_name(name), 2
        name = wanted
        taken = {n.casefold() for n in self._names}
        while name.casefold() in taken:
            tail = f" ({suffix})"
            name, suffix = wanted[: SHEET_NAME_MAX - len(tail)] + tail, suffix + 1
        self._names.append(name)
        stream = self._zip.open(
            f"xl/worksheets/sheet{len(self._names)}.xml", "w", force_zip64=self._zip64
        )
        self._sheet = Sheet(stream, widths, freeze_header, self.auto)
        return self._sheet

    def _close_sheet(self) -> None:
        sheet, self._sheet = self._sheet, None
        if sheet is not None:
            try:
                sheet.close()
            except TooLarge:
                self._zip.close()  # a file of no use, but no handle left open
                raise

    def close(self) -> None:
        self._close_sheet()
        if not self._names:
            self.add_sheet("Sheet")
            self._close_sheet()
        z = self._zip
        count = len(self._names)
        z.writestr("[Content_Types].xml", _content_types(count))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("docProps/core.xml", _core(self._creator))
        z.writestr("xl/workbook.xml", _workbook(self._names))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(count))
        z.writestr("xl/styles.xml", styles_xml(self._styles))
        z.close()

    def abort(self) -> None:
        """Give the file up after an error: the sheet's thread stopped, the zip closed (the
        file is of no use)."""
        sheet, self._sheet = self._sheet, None
        if sheet is not None:
            sheet.abandon()
        self._zip.close()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
        for i in range(1, count + 1)
    )
    return (
        f"{_XML}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = (
    f"{_XML}<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Kesu</Application></Properties>"
)


def _core(creator: str) -> str:
    now = datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
    stamp = f"{now[:-2]}:{now[-2:]}" if now[-5] in "+-" else now
    return (
        f"{_XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(clean_text(creator))}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_XML}<Relationships xmlns="{_PKG_REL}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


# The number formats Excel knows by id (ECMA-376 §18.8.30); others get ids from 164 on.
_BUILT_IN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
}


def _rgb(colour: str) -> str:
    colour = colour.lstrip("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}([0-9A-F]{2})?", colour):
        raise ValueError(f"not a colour RRGGBB: {colour!r}")
    return colour if len(colour) == 8 else f"FF{colour}"


def styles_xml(styles: Sequence[Style]) -> str:
    """styles.xml with one cell format (cellXfs entry) per style, in their order."""
    formats: dict[str, int] = {}
    fonts: dict[tuple, int] = {(False, "", 11.0): 0}
    fills: dict[str, int] = {"": 0, "gray125": 1}
    cells = []
    for style in styles:
        code = style.number_format or "General"
        if code in _BUILT_IN_FORMATS:
            format_id = _BUILT_IN_FORMATS[code]
        else:
            format_id = formats.setdefault(code, 164 + len(formats))
        font_id = fonts.setdefault(
            (style.bold, _rgb(style.color) if style.color else "", float(style.size)), len(fonts)
        )
        fill_id = fills.setdefault(_rgb(style.fill), len(fills)) if style.fill else 0
        applied = [
            ' applyNumberFormat="1"' if format_id else "",
            ' applyFont="1"' if font_id else "",
            ' applyFill="1"' if fill_id else "",
            ' applyAlignment="1"' if style.wrap else "",
        ]
        xf = (
            f'<xf numFmtId="{format_id}" fontId="{font_id}" fillId="{fill_id}" borderId="0" '
            f'xfId="0"{"".join(applied)}'
        )
        if style.wrap:
            cells.append(f'{xf}><alignment vertical="top" wrapText="1"/></xf>')
        else:
            cells.append(f"{xf}/>")
    number_formats = "".join(
        f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>' for code, i in formats.items()
    )
    font_xml = "".join(
        "<font>"
        + ("<b/>" if is_bold else "")
        + f'<sz val="{size:g}"/>'
        + (f'<color rgb="{colour}"/>' if colour else "")
        + '<name val="Calibri"/><family val="2"/></font>'
        for is_bold, colour, size in fonts
    )
    fill_xml = '<fill><patternFill patternType="none"/></fill>'
    fill_xml += '<fill><patternFill patternType="gray125"/></fill>'
    fill_xml += "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
        for colour in list(fills)[2:]
    )
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
        + f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
        + f'<fills count="{len(fills)}">{fill_xml}</fills>'
        + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        + "</cellStyleXfs>"
        + f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
        + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        + "</styleSheet>"
    )
