"""A streaming .xlsx writer for large, plainly styled tables (the complaint export).

Each sheet's XML is written straight into the zip file as its rows come, a few hundred rows at
a time, so memory stays bounded whatever the row count; strings are inline (no shared-strings
table to keep), and the few styles the exports use are fixed (STYLES). A cell is written by a
function of (cell reference, value) that returns its XML: `text`, `number`, `money`,
`moment`, `day` or `auto` (which picks one by the value's type); a row is given as values and
the functions that write them, one per column. Text is always a string cell, never a formula,
with the characters XML cannot carry removed.

openpyxl (which reads these files in the tests) writes about 400 rows of 75 columns a second,
most of it in cell objects; this writes over ten times as many (docs/benchmarks.md, issue 12).
"""

import math
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# The styles (cellXfs) of styles.xml, by index.
DEFAULT, MOMENT, DAY, MONEY, HEADER, WARNING, BOLD, WRAP = range(8)
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"  # Excel's built-in format 4

# Control characters (but tab, line feed, carriage return), lone surrogates and the two
# non-characters: not allowed in XML 1.0.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's day 0: serial numbers count days from here (for dates after February 1900).
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_ROWS_PER_WRITE = 200
SHEET_NAME_MAX = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

Writer = Callable[[str, object], str]


class TooLarge(Exception):
    """A sheet passed the 2 GiB a zip entry without Zip64 records holds: write the workbook
    again with zip64=True (kept off otherwise, for the readers that do not expect them)."""


def clean_text(value: str) -> str:
    """The text as a cell can hold it: the characters XML cannot carry are dropped."""
    return ILLEGAL_CHARACTERS.sub("", value)


def _text_xml(ref: str, value, style: int) -> str:
    value = str(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if not value.isprintable():  # the quick test: line breaks, controls, surrogates...
        value = ILLEGAL_CHARACTERS.sub("", value)
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def text(ref: str, value) -> str:
    """A string cell (whatever the text starts with: "=1+1" stays text)."""
    if value.__class__ is not str:
        value = str(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS.sub("", value)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def styled_text(style: int) -> Writer:
    return lambda ref, value: _text_xml(ref, value, style)


def number(ref: str, value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return text(ref, value)
    return f'<c r="{ref}"><v>{value}</v></c>'


def money(ref: str, value) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return text(ref, value)
        return f'<c r="{ref}" s="{MONEY}"><v>{value:f}</v></c>'
    return f'<c r="{ref}" s="{MONEY}"><v>{value}</v></c>'


def day(ref: str, value) -> str:
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
    """A name Excel accepts for a sheet: without []:*?/\\ and at most 31 characters."""
    return clean_text(_NOT_IN_SHEET_NAMES.sub(" ", str(name))).strip()[:SHEET_NAME_MAX] or "Sheet"


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
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
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
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            ]
            head.append("</cols>")
        head.append("<sheetData>")
        self._stream.write("".join(head).encode())

    def write_row(self, values: Sequence, writers: Sequence[Writer | None] | None = None) -> None:
        """Append a row: each value written by the function of its column (`auto` where there
        is none); None and "" leave the cell empty."""
        self.rows += 1
        n = str(self.rows)
        letters = self._letters
        if len(values) > len(letters):
            letters += [column_letter(i) for i in range(len(letters) + 1, len(values) + 1)]
        parts = [f'<row r="{n}">']
        auto = self._auto
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            write = writers[index] if writers is not None else None
            parts.append((write or auto)(letters[index] + n, value))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self.flush()

    def write_rows(self, rows: Iterable[Sequence], writers: Sequence[Writer | None]) -> None:
        """Append many rows whose every column has its writer: the fast path of large tables."""
        letters = self._letters
        pending = self._pending
        columns = list(zip(letters, writers, strict=False))
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
        self.auto = auto_in(zone, yes_no)
        self.moment = moment_in(zone)

    def add_sheet(
        self, name: str, widths: Sequence[float] = (), *, freeze_header: bool = False
    ) -> Sheet:
        """Start the next sheet (closing the one before)."""
        self._close_sheet()
        wanted, suffix = sheet_name(name), 2
        name = wanted
        while name.casefold() in {n.casefold() for n in self._names}:
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
        z.writestr("xl/styles.xml", _STYLES)
        z.close()


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


# cellXfs in the order of DEFAULT, MOMENT, DAY, MONEY, HEADER, WARNING, BOLD, WRAP.
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2">'
    f'<numFmt numFmtId="164" formatCode="{DATETIME_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT}"/>'
    "</numFmts>"
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFB3261E"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE6F0F7"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
