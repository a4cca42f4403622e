"""Last month's reports kept and mailed: once per reader, in their language, the PDF attached;
the kept report shows its figures as they were; another branch's is not to be seen."""

from datetime import datetime

import pytest
from django.utils import timezone

from kesu.notifications.services import deliver_all_due
from kesu.notifications.tests.conftest import smtp_server  # noqa: F401 - the fixture
from kesu.organisation.choices import Role
from kesu.reports import keeping
from kesu.reports.models import StoredReport
from kesu.reports.periods import month


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _this_month():
    return month(timezone.localdate())


def _addressed(world):
    readers = {
        "director": (world.user(Role.DIRECTOR), "en"),
        "gm": (world.user(Role.GENERAL_MANAGER), "zh-hans"),
        "group": (world.user(Role.GROUP), ""),
        "west": (world.other_users[Role.DIRECTOR], "en"),
    }
    for name, (user, language) in readers.items():
        user.email = f"{name}@example.test"
        user.language = language
        user.save(update_fields=["email", "language"])
    return readers


def test_each_reader_is_mailed_once_in_their_language_with_the_pdf(world, media, smtp_server):  # noqa: F811
    world.complaint()
    _addressed(world)
    period = _this_month()
    queued = keeping.keep_monthly_reports(period=period)
    assert queued > 0
    assert StoredReport.objects.filter(organisation=world.org).count() == 3  # group, east, west
    deliver_all_due(worker_id="test")
    mails = {m.rcpt_tos[0]: m for m in smtp_server.messages}
    assert sorted(mails) == [
        "director@example.test",
        "gm@example.test",
        "group@example.test",
        "west@example.test",
    ]
    assert "Monthly analysis" in mails["director@example.test"].subject
    assert world.branch.name in mails["director@example.test"].subject
    assert "月度分析" in mails["gm@example.test"].subject  # the GM reads Chinese
    assert mails["group@example.test"].subject  # in the site's language
    assert world.other_branch.name in mails["west@example.test"].subject
    for mail in mails.values():
        (attachment,) = list(mail.message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content().startswith(b"%PDF")
        assert "/reports/kept/" in mail.body
    # Again (the beat, a second worker, the next day): nothing kept or sent twice.
    assert keeping.keep_monthly_reports(period=period) == 0
    deliver_all_due(worker_id="test")
    assert len(smtp_server.messages) == 4
    assert StoredReport.objects.filter(organisation=world.org).count() == 3


def test_the_kept_report_shows_its_figures_as_they_were(world, media, client):
    world.complaint()
    period = _this_month()
    keeping.keep_monthly_reports(period=period, languages=("en",))
    kept = StoredReport.objects.get(organisation=world.org, branch=world.branch)
    world.complaint()
    world.complaint()
    director = world.user(Role.DIRECTOR)
    client.force_login(director)
    page = client.get(f"/reports/kept/{kept.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["report"].total == 1
    assert '<div class="n">1</div>' in page.content.decode()
    live = client.get(f"/reports/monthly/?month={period.label}&fresh=1")
    assert live.context["report"].total == 3
    listed = client.get("/reports/kept/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/reports/kept/{kept.pk}/" in listed
    pdf = client.get(f"/reports/kept/{kept.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/reports/kept/{kept.pk}.xlsx")
    assert xlsx.status_code == 200


def test_another_branchs_kept_report_is_not_found(world, media, client):
    keeping.keep_monthly_reports(period=_this_month(), languages=("en",))
    east = StoredReport.objects.get(organisation=world.org, branch=world.branch)
    group_report = StoredReport.objects.get(organisation=world.org, branch__isnull=True)
    client.force_login(world.other_users[Role.DIRECTOR])
    for path in (f"/reports/kept/{east.pk}/", f"/reports/kept/{east.pk}.pdf",
                 f"/reports/kept/{group_report.pk}/"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert f"/reports/kept/{east.pk}/" not in client.get("/reports/kept/").content.decode()
    client.force_login(world.user(Role.GROUP))
    assert client.get(f"/reports/kept/{east.pk}/").status_code == 200


def test_a_handling_manager_sees_no_branch_report(world, media, client):
    keeping.keep_monthly_reports(period=_this_month(), languages=("en",))
    east = StoredReport.objects.get(organisation=world.org, branch=world.branch)
    client.force_login(world.user(Role.HANDLER))
    assert client.get(f"/reports/kept/{east.pk}/").status_code == 404


def _at(day, hour):
    return timezone.make_aware(datetime(2026, 12, day, hour, 0))


def test_due_from_the_report_days_hour_to_the_months_end(settings):
    settings.KESU_MONTHLY_REPORT_DAY = 1
    settings.KESU_MONTHLY_REPORT_HOUR = 7
    assert not keeping.monthly_reports_due(_at(1, 6))
    assert keeping.monthly_reports_due(_at(1, 7))
    assert keeping.monthly_reports_due(_at(15, 0))
    job = keeping.daily_job()
    assert job.name == "monthly_reports" and job.due(_at(2, 0))


def test_a_branch_that_fails_leaves_the_others_be(world, media, monkeypatch):
    original = keeping.keep_report

    def failing_for_east(reader, period, *, slot, branch=None, languages=None):
        if branch is not None and branch.pk == world.branch.pk:
            raise RuntimeError("east is broken")
        return original(reader, period, slot=slot, branch=branch, languages=languages)

    monkeypatch.setattr(keeping, "keep_report", failing_for_east)
    keeping.keep_monthly_reports(period=_this_month(), languages=("en",))
    kept = set(StoredReport.objects.filter(organisation=world.org).values_list("branch", flat=True))
    assert kept == {None, world.other_branch.pk}
    monkeypatch.setattr(keeping, "keep_report", original)
    keeping.keep_monthly_reports(period=_this_month(), languages=("en",))  # the next day's run
    assert StoredReport.objects.filter(organisation=world.org, branch=world.branch).exists()
