"""The first sheet of an .xlsx workbook as rows of values, read straight from its XML.

openpyxl's read-only reader spends about two thirds of an import's checking time building cell
objects (docs/benchmarks.md, the Excel import). An import needs only each cell's value, so this
reads the sheet's XML with the C parser: shared strings, inline strings, numbers, booleans, and
numbers in a date format as datetimes (the workbook's 1900 or 1904 calendar). Rows come as
openpyxl gives them: a tuple per row, the missing rows between as empty tuples.

Anything it does not expect (a strict-OOXML namespace, no first sheet) raises
`UnexpectedWorkbook`, and the caller reads the file with openpyxl instead; a part that declares
a DTD raises `UnsafeWorkbook` and the file is refused.
"""

import re
import zipfile
from collections.abc import Iterator
from posixpath import join, normpath
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class UnexpectedWorkbook(Exception):
    pass


class UnsafeWorkbook(Exception):
    """A part declares a DTD: the way XML entity attacks come in; no workbook has one."""


_ROOT_START = re.compile(rb"<[A-Za-z]")


def _open(archive: zipfile.ZipFile, name: str):
    """A part of the workbook, after making sure its prolog declares no DTD (so no entities)."""
    with archive.open(name) as stream:
        head = b""
        while len(head) < 1_000_000:
            chunk = stream.read(4096)
            head += chunk
            root = _ROOT_START.search(head)
            if root is not None or not chunk:
                if b"<!DOCTYPE" in head[: root.start() if root else len(head)].upper():
                    raise UnsafeWorkbook(name)
                break
        else:
            raise UnsafeWorkbook(name)
    return archive.open(name)


def _root(archive: zipfile.ZipFile, name: str):
    with _open(archive, name) as stream:
        for _event, element in iterparse(stream, events=("end",)):  # noqa: S314 - _open checked
            last = element
        return last


def _first_sheet_path(archive: zipfile.ZipFile) -> tuple[str, bool]:
    workbook = _root(archive, "xl/workbook.xml")
    if workbook.tag != f"{MAIN}workbook":
        raise UnexpectedWorkbook(workbook.tag)
    properties = workbook.find(f"{MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise UnexpectedWorkbook("no sheet")
    rel_id = sheet.get(f"{DOC_RELS}id")
    for rel in _root(archive, "xl/_rels/workbook.xml.rels").iter(f"{RELS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            return path, date1904
    raise UnexpectedWorkbook("no sheet target")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with _open(archive, "xl/sharedStrings.xml") as stream:
        for _event, element in iterparse(stream, events=("end",)):  # noqa: S314 - _open checked
            if element.tag == f"{MAIN}si":
                # The text runs of the item; phonetic guides (rPh) are not its text.
                texts = [t.text or "" for t in element.iter(f"{MAIN}t")]
                phonetic = [t.text or "" for r in element.iter(f"{MAIN}rPh") for t in r]
                if phonetic:
                    texts = texts[: len(texts) - len(phonetic)]
                strings.append("".join(texts))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (a cell's s) that show a number as a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _root(archive, "xl/styles.xml")
    formats = dict(BUILTIN_FORMATS)
    for fmt in styles.iter(f"{MAIN}numFmt"):
        formats[int(fmt.get("numFmtId") or 0)] = fmt.get("formatCode") or ""
    xfs = styles.find(f"{MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        index
        for index, xf in enumerate(xfs.findall(f"{MAIN}xf"))
        if is_date_format(formats.get(int(xf.get("numFmtId") or 0), ""))
    }


def sheet_rows(archive: zipfile.ZipFile) -> Iterator[tuple]:
    """The first sheet's rows, each a tuple of its cells' values."""
    path, date1904 = _first_sheet_path(archive)
    strings = _shared_strings(archive)
    dates = _date_styles(archive)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    expected = 1
    with _open(archive, path) as stream:
        seen = False
        for _event, element in iterparse(stream, events=("end",)):  # noqa: S314 - _open checked
            if element.tag != f"{MAIN}row":
                seen = seen or element.tag == f"{MAIN}sheetData"
                continue
            number = int(element.get("r") or expected)
            while expected < number:
                yield ()
                expected += 1
            yield _row(element, strings, dates, epoch)
            expected += 1
            element.clear()  # its cells' memory; the empty row stays in the tree
    if not seen:
        raise UnexpectedWorkbook("no sheet data")


def _row(element, strings: list[str], dates: set[int], epoch) -> tuple:
    values: list = []
    for cell in element.iter(f"{MAIN}c"):
        ref = cell.get("r")
        if ref:
            column = column_index_from_string(ref.rstrip("0123456789")) - 1
            values.extend([None] * (column - len(values)))
        values.append(_value(cell, strings, dates, epoch))
    return tuple(values)


def _value(cell, strings: list[str], dates: set[int], epoch):
    kind = cell.get("t") or "n"
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
    raw = cell.findtext(f"{MAIN}v")
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e", "d"):
        return raw
    if kind == "b":
        return raw == "1"
    number = float(raw) if any(c in raw for c in ".eE") else int(raw)
    if int(cell.get("s") or 0) in dates:
        return from_excel(number, epoch)
    return number
