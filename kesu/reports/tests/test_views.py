"""The report page and its API through real HTTP: who may read it, both languages, bad input."""

import pytest

from kesu.organisation.choices import Role


@pytest.mark.parametrize("language,title", [("zh-hans", "月度分析"), ("en", "Monthly analysis")])
def test_the_director_opens_the_report(client, world, language, title):
    world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/reports/monthly/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert title in body and "<svg" in body


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.ADMIN])
def test_roles_that_do_not_answer_for_complaints_are_refused(client, world, role):
    client.force_login(world.user(role))
    assert client.get("/reports/monthly/").status_code == 403
    api = client.get("/api/v1/reports/monthly/")
    assert api.status_code == 403 and "error" in api.json()


def test_a_bad_period_is_told_in_the_users_language(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    page = client.get("/reports/monthly/?month=2026-13", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and "YYYY-MM" in page.content.decode()
    api = client.get("/api/v1/reports/monthly/?quarter=Q9", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert "quarter" in api.json()["error"]["fields"]


def test_the_scope_form_offers_only_what_the_user_sees(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/reports/monthly/").content.decode()
    assert world.other_branch.name not in body
    client.force_login(world.user(Role.GROUP))
    body = client.get("/reports/monthly/").content.decode()
    assert world.other_branch.name in body and world.branch.name in body


def test_the_page_links_its_pdf_and_excel(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/reports/monthly/?month=2026-11&category=1").content.decode()
    assert "/reports/monthly.pdf?month=2026-11&amp;category=1" in body
    assert "/reports/monthly.xlsx?month=2026-11&amp;category=1" in body


def test_the_pdf_and_excel_of_a_month(client, world):
    world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    pdf = client.get("/reports/monthly.pdf?month=2026-11")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/reports/monthly.xlsx?month=2026-11")
    assert xlsx.status_code == 200 and "monthly-report-2026-11.xlsx" in xlsx["Content-Disposition"]


@pytest.mark.parametrize("path", ["/reports/monthly.pdf", "/reports/monthly.xlsx"])
def test_a_bad_month_for_a_file_is_the_pages_400(client, world, path):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"{path}?month=2026-13", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    assert client.get(f"{path}?month=2026-11&branch=abc&department=x").status_code in (200, 400)


@pytest.mark.parametrize(
    "path", ["/reports/monthly.pdf", "/reports/monthly.xlsx", "/reports/kept/"]
)
def test_the_files_are_refused_to_those_without_reports(client, world, path):
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(path).status_code == 403


def test_the_kept_list_takes_the_same_queries_however_many_reports(client, world):
    from datetime import date

    from django.utils import timezone

    from kesu.reports.choices import Reach
    from kesu.reports.models import StoredReport

    def keep(n):
        for i in range(n):
            for branch in (world.branch, world.other_branch):
                StoredReport.objects.create(
                    organisation=world.org, reach=Reach.BRANCH, branch=branch,
                    period_kind="month", period_start=date(2025, 1 + i, 1),
                    period_end=date(2025, 2 + i, 1), generated_at=timezone.now(),
                    slot=f"monthly:{branch.pk}:{i}",
                )  # fmt: skip

    client.force_login(world.user(Role.GROUP))
    keep(1)
    client.get("/reports/kept/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/reports/kept/")
    StoredReport.objects.all().delete()
    keep(6)
    with CaptureQueriesContext(connection) as six:
        body = client.get("/reports/kept/").content.decode()
    assert len(six) == len(one)
    assert body.count("/reports/kept/") >= 12 and world.other_branch.name in body


@pytest.mark.parametrize(
    "language,error", [("zh-hans", "您无权查看该门店"), ("en", "You may not see")]
)
def test_another_branchs_report_is_refused_not_zero(client, world, language, error):
    client.force_login(world.other_users[Role.DIRECTOR])
    east = world.branch.pk
    page = client.get(
        f"/reports/monthly/?month=2026-12&branch={east}", HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 400 and error in page.content.decode()
    for path in ("/reports/monthly.pdf", "/reports/monthly.xlsx"):
        assert client.get(f"{path}?month=2026-12&branch={east}").status_code == 400
    api = client.get(f"/api/v1/reports/monthly/?month=2026-12&branch={east}")
    assert api.status_code == 400 and "branch" in api.json()["error"]["fields"]
    # Their own branch is fine; the group may name any.
    own = world.other_branch.pk
    assert client.get(f"/reports/monthly/?month=2026-12&branch={own}").status_code == 200
    client.force_login(world.user(Role.GROUP))
    assert client.get(f"/reports/monthly/?month=2026-12&branch={east}").status_code == 200
