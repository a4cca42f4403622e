"""Reading and checking an Excel file of historical complaints (kesu/complaints/imports.py)."""

import io
import zipfile
from datetime import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.choices import State
from kesu.complaints.imports import (
    ImportRefused,
    check_rows,
    column_keys,
    header_names,
    open_rows,
    parse_moment,
)
from kesu.complaints.tests.import_helpers import CLOSED_ROW, OPEN_ROW, workbook_bytes
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import DepartmentFactory


def _check(user, rows, **kwargs):
    header, found = open_rows(workbook_bytes(rows, **kwargs))
    return check_rows(user, column_keys(header, user), found)


def test_both_languages_headers_are_accepted():
    names = header_names()
    assert names["received at"] == "received_at"
    with translation.override("zh-hans"):
        chinese = _("Received at")
    assert chinese != "Received at" and names[chinese.casefold()] == "received_at"


def test_a_valid_file_gives_each_row_its_values(world):
    user = world.user(Role.DIRECTOR)
    checked = _check(user, [CLOSED_ROW, OPEN_ROW])
    assert checked.error_count == 0 and checked.total == 2
    closed, opened = checked.rows
    assert closed["state"] == State.CLOSED and closed["kind"] == "complaint"
    assert closed["channel"] == "phone" and closed["phone"] == "+8613800138000"
    assert closed["branch_id"] == world.branch.pk  # a branch user's own branch
    assert closed["close_reason"] == "completed"
    assert timezone.localtime(closed["received_at"]).replace(tzinfo=None) == datetime(
        2023, 3, 5, 14, 30
    )
    assert opened["state"] == State.INVESTIGATING and opened["_row"] == 3


def test_english_headers_for_a_chinese_user(world):
    with translation.override("zh-hans"):
        checked = _check(world.user(Role.GROUP), [OPEN_ROW | {"branch": "east"}], language="en")
    assert checked.error_count == 0


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        ({"channel": "pigeon"}, "Channel", "not one of the allowed values"),
        ({"received_at": "yesterday"}, "Received at", "not a date"),
        ({"phone": "12"}, "Phone", "phone number"),
        ({"title": "长" * 201}, "Summary", "at most 200"),
        ({"account": ""}, "The customer's account", "required"),
        ({"state": "Merged into another"}, "State", "merged"),
        ({"closed_at": None}, "Closed at", "closing time"),
        ({"resolved_at": datetime(2020, 1, 1)}, "Resolved at", "before the complaint"),
        ({"third_party_reference": "12315-1"}, "Third party's reference", "third party"),
        ({"department": "nowhere"}, "Handling department", "No department"),
        ({"is_crisis": "maybe"}, "Crisis", "yes or no"),
    ],
)
def test_a_bad_value_is_reported_by_row_and_column(world, change, column, words):
    with translation.override("en"):
        checked = _check(world.user(Role.DIRECTOR), [OPEN_ROW, CLOSED_ROW | change])
        assert checked.error_count >= 1
        row, title, message = checked.errors[0]
        assert (row, title) == (3, column)
        assert words.lower() in message.lower()
        assert len(checked.rows) == 1


def test_messages_are_in_the_users_language(world):
    with translation.override("zh-hans"):
        checked = _check(world.user(Role.DIRECTOR), [CLOSED_ROW | {"account": ""}])
    row, title, message = checked.errors[0]
    assert title == "客户陈述" or not title.isascii()
    assert not message.isascii()


def test_a_branch_user_may_not_import_into_another_branch(world):
    with translation.override("en"):
        checked = _check(world.user(Role.DIRECTOR), [OPEN_ROW | {"branch": "west"}])
        assert checked.errors[0][1:] == [
            "Branch",
            "You can import complaints of your own branch only.",
        ]
        # Nor name another branch's department under their own branch.
        DepartmentFactory(branch=world.other_branch, code="bodyshop", name="钣喷")
        checked = _check(world.user(Role.GENERAL_MANAGER), [OPEN_ROW | {"department": "钣喷"}])
    assert checked.error_count == 1


def test_the_group_imports_into_a_named_branch_and_department(world):
    row = OPEN_ROW | {"branch": world.other_branch.name, "department": "service"}
    checked = _check(world.user(Role.GROUP), [row])
    assert checked.error_count == 0
    assert checked.rows[0]["branch_id"] == world.other_branch.pk
    assert checked.rows[0]["department_id"] == world.other_branch.departments.get().pk


def test_a_number_already_in_kesu_or_twice_in_the_file_is_refused(world):
    existing = world.complaint()
    rows = [CLOSED_ROW, CLOSED_ROW, CLOSED_ROW | {"number": existing.number}]
    with translation.override("en"):
        checked = _check(world.user(Role.DIRECTOR), rows)
    assert [(e[0], e[1]) for e in checked.errors] == [(3, "Number"), (4, "Number")]
    assert "already in Kesu" in checked.errors[1][2]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + b"\x00" * 200, "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 200, "not an Excel workbook"),
        (b"PK\x03\x04broken", "not an Excel workbook"),
    ],
)
def test_what_is_not_a_workbook_is_refused_as_a_whole(data, words):
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        open_rows(data)
    assert words in refused.value.message


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        open_rows(out.getvalue())
    assert "not an Excel workbook" in refused.value.message


def test_wrong_headers_are_named(world):
    data = workbook_bytes([{"title": "x", "colour": "red"}])
    header, _rows = open_rows(data)
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        column_keys(header, world.user(Role.DIRECTOR))
    assert "colour" in refused.value.message and "Missing columns" in refused.value.message


def test_an_exported_files_other_columns_are_skipped(world):
    data = workbook_bytes([OPEN_ROW | {"分派规则": "x", "登记人": "y"}])
    header, rows = open_rows(data)
    keys = column_keys(header, world.user(Role.DIRECTOR))
    assert keys.count(None) == 2


def test_a_file_with_only_a_header_is_refused(world):
    data = workbook_bytes([], keys=list(OPEN_ROW))
    header, rows = open_rows(data)
    user = world.user(Role.DIRECTOR)
    with pytest.raises(ImportRefused):
        check_rows(user, column_keys(header, user), rows)


def test_too_many_rows_are_refused(world, settings):
    settings.KESU_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportRefused):
        _check(world.user(Role.DIRECTOR), [OPEN_ROW] * 3)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05 14:30",
        "2024/3/5 14:30",
        "2024.03.05",
        "2024年3月5日",
        datetime(2024, 3, 5, 14, 30),
    ],
)
def test_dates_are_read_in_the_usual_ways(value):
    moment = timezone.localtime(parse_moment(value))
    assert (moment.year, moment.month, moment.day) == (2024, 3, 5)
