"""The import's template and the report of a refused file (kesu/complaints/import_files.py)."""

from django.utils import translation
from openpyxl import load_workbook

from kesu.complaints.import_files import write_report, write_template
from kesu.complaints.imports import COLUMNS, column_keys
from kesu.complaints.models import ImportJob
from kesu.organisation.choices import Role


def test_the_template_has_the_columns_in_the_users_language_and_explains_them(world):
    user = world.user(Role.DIRECTOR)
    with translation.override("zh-hans"):
        wb = load_workbook(write_template(user), read_only=True)
    data, about = wb.worksheets
    header = next(data.iter_rows(values_only=True))
    assert "受理时间" in header and len(header) == len(COLUMNS)
    assert column_keys(header, user) == [c.key for c in COLUMNS]  # it reads back as it is
    text = "\n".join(str(v) for row in about.iter_rows(values_only=True) for v in row if v)
    assert "已关闭（closed）" in text  # the allowed values, label and code
    assert world.branch.name in text and world.other_branch.name not in text  # own branch only


def test_the_report_lists_row_column_and_problem(world):
    job = ImportJob(
        organisation=world.org,
        created_by=world.user(Role.DIRECTOR),
        file_name="x.xlsx",
        errors=[[3, "Channel", "bad"]],
        error_count=2,
    )
    with translation.override("en"):
        wb = load_workbook(write_report(job), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Problem")
    assert rows[1] == (3, "Channel", "bad")
    assert "1 more" in rows[2][2]
