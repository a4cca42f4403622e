"""Reading a sheet's values from its XML (kesu/complaints/sheet_reader.py), as openpyxl does."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from kesu.complaints.sheet_reader import UnexpectedWorkbook, sheet_rows


def _book(write_only: bool) -> bytes:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("数据") if write_only else wb.active
    ws.append(["编号", "受理时间", "金额", "是否", "空"])
    ws.append(["OLD-1", datetime(2024, 3, 5, 14, 30), 88.5, True, None])
    ws.append([12345, date(2023, 1, 2), 3, False, "客户“王”"])
    if not write_only:
        ws["B2"].number_format = "yyyy/m/d h:mm"
        ws.append([])
        ws.append([None, None, "后面"])
        wb.create_sheet("第二页").append(["不读"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [True, False])
def test_the_values_are_those_openpyxl_reads(write_only):
    data = _book(write_only)
    ours = [tuple(r) for r in sheet_rows(zipfile.ZipFile(io.BytesIO(data)))]
    theirs = list(
        load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
    )

    def trimmed(rows):
        out = []
        for row in rows:
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            out.append(tuple(row))
        while out and not out[-1]:
            out.pop()
        return out

    assert trimmed(ours) == trimmed(theirs)
    assert ours[1][1] == datetime(2024, 3, 5, 14, 30)


def test_a_zip_without_a_workbook_is_unexpected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<other/>")
    with pytest.raises(UnexpectedWorkbook):
        next(sheet_rows(zipfile.ZipFile(out)))


def test_a_part_with_a_dtd_is_refused():
    from kesu.complaints.sheet_reader import UnsafeWorkbook

    data = _book(write_only=True)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + content
            target.writestr(item, content)
    with pytest.raises(UnsafeWorkbook):
        next(sheet_rows(zipfile.ZipFile(out)))
