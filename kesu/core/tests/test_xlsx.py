"""The streaming .xlsx writer, read back with openpyxl the way a spreadsheet program would."""

import io
import threading
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from kesu.core import xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _book(write, **options):
    out = io.BytesIO()
    book = xlsx.Workbook(out, zone=SHANGHAI, **options)
    write(book)
    book.close()
    out.seek(0)
    return out


def _read(out):
    return load_workbook(out)


def test_values_keep_their_types_and_formats():
    moment = datetime(2026, 3, 1, 2, 30, 15, tzinfo=UTC)

    def write(book):
        ws = book.add_sheet("Data", [10, 20])
        ws.write_row(["text", 42, 2.5, Decimal("3000.50"), moment, date(2026, 3, 4), True, False])
        ws.write_row([datetime(2026, 3, 1, 9, 0), None, "", 0, Decimal("0.00")])

    ws = _read(_book(write)).worksheets[0]
    first, second = list(ws.iter_rows())
    assert [c.value for c in first[:3]] == ["text", 42, 2.5]
    assert first[3].value == 3000.5 and first[3].number_format == xlsx.MONEY_FORMAT
    # A moment shows the zone's wall-clock time (Excel has no zones), to the second.
    assert first[4].value == datetime(2026, 3, 1, 10, 30, 15)
    assert first[4].number_format == xlsx.DATETIME_FORMAT
    assert first[5].value == datetime(2026, 3, 4) and first[5].number_format == xlsx.DATE_FORMAT
    assert [first[6].value, first[7].value] == ["Yes", "No"]
    assert second[0].value == datetime(2026, 3, 1, 9, 0)  # a naive moment as it is
    assert [c.value for c in second[1:5]] == [None, None, 0, 0]  # empty stays empty, 0 is 0


def test_text_is_never_a_formula_and_keeps_its_characters():
    risky = ['=HYPERLINK("http://evil","点我")', "+1+2", "-3", "@SUM(A1)", "a & b <c> 'd' \"e\""]

    def write(book):
        book.add_sheet("Data").write_row(risky, [xlsx.text] * len(risky))

    out = _book(write)
    cells = list(_read(out).worksheets[0].iter_rows())[0]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" for c in cells)
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_characters_xml_cannot_carry_are_dropped():
    text = "响\x00铃\x07\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800!\t行\n尾"

    def write(book):
        book.add_sheet("Data").write_row([text, "\x01"], [xlsx.text, xlsx.text])

    out = _book(write)
    for name in zipfile.ZipFile(out).namelist():  # every part is well-formed XML
        ElementTree.fromstring(zipfile.ZipFile(out).read(name))
    row = list(_read(out).worksheets[0].iter_rows(values_only=True))[0]
    assert row[0] == "响铃!\t行\n尾"  # tab and line break stay
    assert xlsx.clean_text(text) == "响铃!\t行\n尾"


def test_header_row_is_styled_frozen_and_columns_have_their_widths():
    def write(book):
        ws = book.add_sheet("Data", [18, 8.5], freeze_header=True)
        ws.write_row(["Number", "Kind"], [xlsx.styled_text(xlsx.HEADER)] * 2)
        ws.write_row(["note"], [xlsx.styled_text(xlsx.WARNING)])
        about = book.add_sheet("About", [18, 60])
        about.write_row(
            ["Label", "a long value"], [xlsx.styled_text(xlsx.BOLD), xlsx.styled_text(xlsx.WRAP)]
        )

    wb = _read(_book(write))
    ws, about = wb.worksheets
    assert ws.freeze_panes == "A2" and about.freeze_panes is None
    assert ws.column_dimensions["A"].width == 18 and ws.column_dimensions["B"].width == 8.5
    header = ws["A1"]
    assert header.font.b and header.fill.fgColor.rgb == "FFE6F0F7"
    assert ws["A2"].font.b and ws["A2"].font.color.rgb == "FFB3261E"
    assert about["A1"].font.b and about["B1"].alignment.wrap_text


def test_sheet_names_are_ones_excel_accepts():
    def write(book):
        for name in ["投诉", "a/b:c", "x" * 40, "投诉", ""]:
            book.add_sheet(name)

    names = _read(_book(write)).sheetnames
    assert names[0] == "投诉" and names[1] == "a b c" and names[2] == "x" * 31
    assert names[3] == "投诉 (2)" and names[4] == "Sheet"
    assert len(set(names)) == len(names)


def test_an_empty_workbook_still_opens():
    wb = _read(_book(lambda book: None))
    assert len(wb.worksheets) == 1


def test_numbers_excel_cannot_hold_are_written_as_text():
    def write(book):
        book.add_sheet("Data").write_row([float("nan"), Decimal("Infinity")])

    assert list(_read(_book(write)).worksheets[0].iter_rows(values_only=True))[0] == (
        "nan",
        "Infinity",
    )


def test_many_rows_stream_through(monkeypatch):
    def write(book):
        ws = book.add_sheet("Data", [10, 10])
        ws.write_rows(([f"row {i}", i] for i in range(1, 1001)), [xlsx.text, xlsx.number])

    rows = list(_read(_book(write)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1000 and rows[-1] == ("row 1000", 1000)


def test_a_sheet_over_the_zip_limit_asks_for_zip64(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)

    def write(book):
        book.add_sheet("Data").write_rows(([f"{i} 投诉"] for i in range(200)), [xlsx.text])

    with pytest.raises(xlsx.TooLarge):
        _book(write)
    wb = _read(_book(write, zip64=True))
    assert wb.worksheets[0]["A200"].value == "199 投诉"


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_the_package_has_the_parts_spreadsheet_programs_look_for():
    def write(book):
        book.add_sheet("One").write_row(["a"])
        book.add_sheet("Two").write_row([1])

    parts = zipfile.ZipFile(_book(write))
    names = set(parts.namelist())
    assert {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "docProps/core.xml",
        "docProps/app.xml",
    } <= names
    types = parts.read("[Content_Types].xml").decode()
    for part in ["/xl/workbook.xml", "/xl/styles.xml", "/xl/worksheets/sheet2.xml"]:
        assert f'PartName="{part}"' in types
    relations = parts.read("xl/_rels/workbook.xml.rels").decode()
    assert 'Target="worksheets/sheet2.xml"' in relations and 'Target="styles.xml"' in relations
    assert 'Target="xl/workbook.xml"' in parts.read("_rels/.rels").decode()
    for name in names:
        ElementTree.fromstring(parts.read(name))


def test_report_styles_percent_whole_numbers_and_bold_totals():
    def write(book):
        ws = book.add_sheet("By branch", [24, 12, 10, 8], freeze_header=True)
        ws.write_row(["Branch", "Complaints", "Share", "Days"], [xlsx.header] * 4)
        ws.write_row(
            ["浦东", 12345, 0.456, 2.25], [xlsx.text, xlsx.integer, xlsx.percent, xlsx.decimal]
        )
        ws.write_row(["Total", 20000, 1], [xlsx.bold, xlsx.bold_number, xlsx.bold_percent])
        ws.write_row(["Monthly report"], [xlsx.title])
        ws.write_row(["n/a", "-", "—"], [xlsx.text, xlsx.integer, xlsx.percent])

    ws = _read(_book(write)).worksheets[0]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["D"].width == 8
    assert (ws["B2"].value, ws["B2"].number_format) == (12345, xlsx.INTEGER_FORMAT)
    assert (ws["C2"].value, ws["C2"].number_format) == (0.456, "0.0%")
    assert (ws["D2"].value, ws["D2"].number_format) == (2.25, "0.0")
    assert ws["A3"].font.b and ws["B3"].font.b and ws["B3"].value == 20000
    assert ws["C3"].font.b and ws["C3"].number_format == "0.0%" and ws["C3"].value == 1
    assert ws["A4"].font.b and ws["A4"].font.sz == 14
    assert not ws["A2"].font.b
    # A number writer given text writes it as text, in its style.
    assert [ws["B5"].value, ws["C5"].value] == ["-", "—"]
    assert ws["B5"].data_type == "s"


def test_a_workbook_adds_styles_of_its_own():
    def write(book):
        yuan = book.add_style(xlsx.Style(number_format='"¥"#,##0.00', bold=True, fill="#FFF2CC"))
        assert (
            book.add_style(xlsx.Style(number_format='"¥"#,##0.00', bold=True, fill="#FFF2CC"))
            == yuan
        )
        assert book.add_style(xlsx.Style(bold=True)) == xlsx.BOLD  # one of the base styles
        wrapped_red = book.add_style(xlsx.Style(color="B3261E", wrap=True))
        ws = book.add_sheet("Data")
        ws.write_row(
            [Decimal("1234.5"), "line 1\nline 2"],
            [xlsx.styled_number(yuan), xlsx.styled_text(wrapped_red)],
        )

    ws = _read(_book(write)).worksheets[0]
    assert ws["A1"].value == 1234.5 and ws["A1"].number_format == '"¥"#,##0.00'
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFFFF2CC"
    assert ws["B1"].value == "line 1\nline 2" and ws["B1"].alignment.wrap_text
    assert ws["B1"].font.color.rgb == "FFB3261E"


def test_a_colour_must_be_one():
    with pytest.raises(ValueError):
        xlsx.styles_xml([xlsx.Style(fill="red")])


def test_a_row_longer_than_its_writers_writes_the_rest_by_type():
    def write(book):
        ws = book.add_sheet("Data", [10])  # fewer widths than columns too
        ws.write_row(["=1+1", 7, date(2026, 3, 4), True], [xlsx.text])
        ws.write_rows([["a", 1, "past the writers"]], [xlsx.text, xlsx.number])
        ws.write_row([1, 2], [None, xlsx.percent])

    ws = _read(_book(write)).worksheets[0]
    assert [c.value for c in ws[1]] == ["=1+1", 7, datetime(2026, 3, 4), "Yes"]
    assert ws["A1"].data_type == "s"
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value) == ("a", 1, None)
    assert ws["A3"].number_format == "General" and ws["B3"].number_format == "0.0%"


def test_flags_in_a_number_column_are_numbers():
    def write(book):
        book.add_sheet("Data").write_rows([[True, False, 3]], [xlsx.number] * 3)

    assert list(_read(_book(write)).worksheets[0].iter_rows(values_only=True))[0] == (1, 0, 3)


def test_yes_and_no_in_the_workbooks_language():
    def write(book):
        book.add_sheet("Data").write_row([True, False])

    row = list(_read(_book(write, yes_no=("是", "否"))).worksheets[0].iter_rows(values_only=True))
    assert row[0] == ("是", "否")


def test_sheet_names_lose_what_excel_refuses():
    assert xlsx.sheet_name("'引号'") == "引号"
    assert xlsx.sheet_name("a[b]c*d?e") == "a b c d e"
    assert xlsx.sheet_name("\x00\x07") == "Sheet"
    assert xlsx.sheet_name("x" * 30 + " y") == "x" * 30  # no trailing space after the cut


def test_as_a_context_manager_it_closes_or_gives_up():
    out = io.BytesIO()
    with xlsx.Workbook(out) as book:
        book.add_sheet("Data").write_row(["kept"])
        assert book.sheet_names == ["Data"]
    assert load_workbook(io.BytesIO(out.getvalue())).worksheets[0]["A1"].value == "kept"

    before = {t.ident for t in threading.enumerate() if t.name == "xlsx-deflate"}
    with pytest.raises(RuntimeError), xlsx.Workbook(io.BytesIO()) as book:
        ws = book.add_sheet("Data")
        ws.write_rows(([f"row {i}"] for i in range(1000)), [xlsx.text])
        raise RuntimeError("the database went away")
    after = {t.ident for t in threading.enumerate() if t.name == "xlsx-deflate"}
    assert after <= before  # no writer thread left waiting


def test_moments_are_excel_serial_numbers_in_the_zone():
    moment = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert xlsx.serial(moment, SHANGHAI) == (date(2026, 3, 2) - date(1899, 12, 30)).days
    assert xlsx.serial(datetime(1900, 3, 1, 12)) == 61.5


def test_text_longer_than_excel_holds_is_cut_to_its_limit():
    def write(book):
        book.add_sheet("Data").write_row(["长" * 40_000, "&" * 40_000], [xlsx.text, xlsx.bold])

    row = list(_read(_book(write)).worksheets[0].iter_rows(values_only=True))[0]
    assert row == ("长" * xlsx.CELL_TEXT_MAX, "&" * xlsx.CELL_TEXT_MAX)


def test_rows_written_beside_come_out_whole_and_in_order():
    def write(book):
        ws = book.add_sheet("S")
        with xlsx.RowsBeside(ws, [xlsx.integer, xlsx.text]) as beside:
            for start in range(0, 1000, 100):
                beside.put([[i, f"第{i}行"] for i in range(start, start + 100)])
        assert ws.rows == 1000

    sheet = _read(_book(write))["S"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (0, "第0行") and rows[-1] == (999, "第999行") and len(rows) == 1000


def test_an_error_while_writing_beside_reaches_the_caller():
    def broken(ref, value):
        raise ValueError("cannot write")

    out = io.BytesIO()
    book = xlsx.Workbook(out)
    ws = book.add_sheet("S")
    # A later put or the block's end raises it.
    with pytest.raises(ValueError, match="cannot write"), xlsx.RowsBeside(ws, [broken]) as beside:  # noqa: PT012
        for _ in range(5):
            beside.put([[1]])
    book.abort()
