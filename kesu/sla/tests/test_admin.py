"""The deadlines admin: saving a policy or a calendar asks the worker to recompute; missing
holiday tables are warned about; the official tables are filled in by an action."""

from datetime import date

import pytest

from kesu.organisation.choices import Role
from kesu.sla.models import (
    BusinessCalendar,
    CalendarDay,
    DeadlinePolicy,
    EscalationStep,
    RecomputeRequest,
)
from kesu.sla.services import official_table_years


def test_policy_admin_saves_request_a_recompute(world, client):
    from kesu.sla.models import RecomputeRequest

    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/admin/sla/deadlinepolicy/add/",
        {
            "organisation": world.org.pk,
            "name": "重大投诉",
            "severity": "major",
            "priority": 0,
            "is_active": "on",
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-0-milestone": "resolution",
            "targets-0-amount": 5,
            "targets-0-unit": "days",
            "targets-0-clock": "working",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert RecomputeRequest.objects.filter(reason="policy_changed", done_at__isnull=True).exists()


def test_admin_warns_about_a_missing_holiday_table(world, client, settings):
    from kesu.sla.models import BusinessCalendar

    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    BusinessCalendar.objects.create(organisation=world.org, name="空白日历")
    response = client.get("/admin/sla/businesscalendar/")
    assert response.status_code == 200
    assert "holiday table" in response.content.decode()


@pytest.fixture
def admin_client(client, world):
    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_the_pages_load(admin_client, world):
    calendar = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    day = calendar.days.create(date=date(2026, 3, 9), is_working=False, name="店庆")
    policy = DeadlinePolicy.objects.filter(organisation=world.org).first()
    step = EscalationStep.objects.create(organisation=world.org, order=9, target="group")
    for path in [
        "/admin/sla/businesscalendar/",
        f"/admin/sla/businesscalendar/{calendar.pk}/change/",
        "/admin/sla/calendarday/",
        f"/admin/sla/calendarday/{day.pk}/change/",
        "/admin/sla/deadlinepolicy/",
        f"/admin/sla/deadlinepolicy/{policy.pk}/change/",
        "/admin/sla/escalationstep/",
        f"/admin/sla/escalationstep/{step.pk}/change/",
    ]:
        assert admin_client.get(path).status_code == 200, path


def test_the_fill_action_copies_the_official_tables_and_asks_for_a_recompute(admin_client, world):
    calendar = BusinessCalendar.objects.create(organisation=world.org, name="空白日历")
    response = admin_client.post(
        "/admin/sla/businesscalendar/",
        {"action": "fill_from_official_tables", "_selected_action": [calendar.pk]},
        follow=True,
    )
    assert response.status_code == 200
    years = set(calendar.years.values_list("year", flat=True))
    assert years == set(official_table_years())
    assert calendar.days.filter(date=date(2026, 10, 1), is_working=False).exists()
    assert f"{len(years)} years filled in" in response.content.decode()
    assert RecomputeRequest.objects.filter(
        organisation=world.org, reason="calendar_changed", done_at__isnull=True
    ).exists()
    # Filled in: no more warning about the years the tables cover.
    listing = admin_client.get("/admin/sla/businesscalendar/").content.decode()
    for year in years:
        assert f"The holiday table of {year} " not in listing, year


def test_saving_or_deleting_a_calendar_day_asks_for_a_recompute(admin_client, world):
    calendar = BusinessCalendar.objects.create(
        organisation=world.org, branch=world.branch, name="东城店"
    )
    response = admin_client.post(
        "/admin/sla/calendarday/add/",
        {"calendar": calendar.pk, "date": "2026-03-11", "is_working": "", "name": "临时停业"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(calendar=calendar)
    request = RecomputeRequest.objects.get()
    assert (request.reason, request.branch_id) == ("calendar_changed", world.branch.pk)
    RecomputeRequest.objects.all().delete()
    response = admin_client.post(f"/admin/sla/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not CalendarDay.objects.exists()
    assert RecomputeRequest.objects.filter(branch=world.branch).count() == 1


def test_deleting_a_policy_asks_for_a_recompute(admin_client, world):
    policy = DeadlinePolicy.objects.create(organisation=world.org, name="临时")
    response = admin_client.post(f"/admin/sla/deadlinepolicy/{policy.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not DeadlinePolicy.objects.filter(pk=policy.pk).exists()
    assert RecomputeRequest.objects.filter(
        organisation=world.org, reason="policy_changed", branch__isnull=True
    ).exists()
