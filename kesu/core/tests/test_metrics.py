"""GET /metrics: who may read it, and what it says (counted in the process or read from the DB)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.core.health import heartbeat
from kesu.core.jobs import record_job_run, timed_job
from kesu.core.models import JobTiming
from kesu.notifications.services import notify
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-metrics-token"


def scrape(client=None, **headers) -> dict:
    """The samples of one scrape: {(name, sorted label items): value}."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "Content-Security-Policy" not in response  # not a page
    assert "no-cache" in response["Cache-Control"]
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# ---- access ---------------------------------------------------------------------------------


def test_loopback_may_read_it_by_default():
    assert Client().get("/metrics").status_code == 200  # the test client is 127.0.0.1


def test_refused_from_another_address_without_the_token(settings):
    response = Client(REMOTE_ADDR="203.0.113.5").get("/metrics")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert b"kesu_" not in response.content
    settings.KESU_METRICS_TOKEN = TOKEN
    outsider = Client(REMOTE_ADDR="203.0.113.5")
    assert outsider.get("/metrics").status_code == 403
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert outsider.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 403  # no scheme


def test_the_token_opens_it_from_anywhere(settings):
    settings.KESU_METRICS_TOKEN = TOKEN
    outsider = Client(REMOTE_ADDR="203.0.113.5")
    assert outsider.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert outsider.get("/metrics", HTTP_AUTHORIZATION=f"bearer {TOKEN}").status_code == 200


def test_only_the_token_when_no_address_is_allowed(settings):
    settings.KESU_METRICS_TOKEN = TOKEN
    settings.KESU_METRICS_ALLOWED_ADDRESSES = []
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_allowed_networks_and_the_address_behind_a_trusted_proxy(settings):
    settings.KESU_METRICS_ALLOWED_ADDRESSES = ["192.0.2.0/24"]
    assert Client(REMOTE_ADDR="192.0.2.44").get("/metrics").status_code == 200
    assert Client().get("/metrics").status_code == 403  # loopback is no longer in the list
    # Behind a trusted proxy the client's own address counts, not the proxy's.
    settings.KESU_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.KESU_METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    via_proxy = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert via_proxy.get("/metrics").status_code == 403


def test_a_signed_in_administrator_gets_nothing_more(settings, world):
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.force_login(world.user(Role.ADMIN))
    assert client.get("/metrics").status_code == 403


# ---- counted in the process -------------------------------------------------------------------


def test_requests_are_counted_by_method_view_and_status():
    before = scrape()
    for _ in range(3):
        Client().get("/healthz")
    Client().get("/no-such-page/with/a/long/path/")
    after = scrape()
    labels = {"method": "GET", "view": "healthz", "status": "200"}
    assert (
        value(after, "kesu_http_requests_total", **labels)
        - value(before, "kesu_http_requests_total", **labels)
        == 3
    )
    unresolved = {"method": "GET", "view": "unresolved", "status": "404"}
    assert value(after, "kesu_http_requests_total", **unresolved) > value(
        before, "kesu_http_requests_total", **unresolved
    )
    count = "kesu_http_request_duration_seconds_count"
    assert value(after, count, view="healthz") - value(before, count, view="healthz") == 3


def test_labels_are_url_names_never_raw_paths(world):
    complaint = world.complaint()
    client = Client()
    client.force_login(world.user(Role.HANDLER))
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200
    samples = scrape()
    views = {dict(labels).get("view") for (_name, labels) in samples}
    assert "complaints:complaint" in views  # /complaints/<id>/
    assert not any(view and "/" in view for view in views)
    # An unknown method is "other", not whatever the client wrote.
    Client().generic("BREW", "/healthz")
    labels = {"method": "other", "view": "healthz", "status": "200"}
    assert value(scrape(), "kesu_http_requests_total", **labels) >= 1
    assert not any(dict(labels).get("method") == "BREW" for (_name, labels) in scrape())


# ---- read from the database -----------------------------------------------------------------


def test_the_outbox_depth_and_the_age_of_the_oldest_pending(world):
    before = scrape()
    queued = notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[world.user(Role.HANDLER), world.user(Role.DIRECTOR)],
        kind="milestone_reminder",
        payload={"complaint_id": 1, "complaint_number": "KS-1", "title": "t"},
        dedupe_key="metrics-test",
        channels=["inbox"],
    )
    assert queued == 2
    from kesu.notifications.models import Notification

    Notification.objects.filter(dedupe_key="metrics-test").update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    after = scrape()
    depth = "kesu_outbox_pending_notifications"
    assert value(after, depth) - value(before, depth) == 2
    assert 600 <= value(after, "kesu_outbox_oldest_pending_age_seconds") < 700


def test_overdue_complaints_by_organisation(world):
    complaint = world.complaint()
    code = world.org.code
    assert value(scrape(), "kesu_complaints_overdue", organisation=code) == 0
    assert ("kesu_complaints_overdue", (("organisation", code),)) in scrape()  # 0, not missing
    Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert value(scrape(), "kesu_complaints_overdue", organisation=code) == 1
    # Parked (waiting for its follow-up date) and closed cases are not overdue.
    Complaint.objects.filter(pk=complaint.pk).update(state=State.PARKED)
    assert value(scrape(), "kesu_complaints_overdue", organisation=code) == 0


def test_the_newest_worker_heartbeat():
    assert ("kesu_worker_heartbeat_age_seconds", ()) not in scrape()
    heartbeat("worker-a")
    samples = scrape()
    assert 0 <= value(samples, "kesu_worker_heartbeat_age_seconds") < 60
    assert value(samples, "kesu_workers_recent") == 1


def test_the_deadline_sweep_duration_recorded_by_the_worker(world):
    call_command("run_worker", "--once", verbosity=0)
    row = JobTiming.objects.get(job="deadline_sweep")
    assert row.runs == 1 and row.last_ok and row.last_duration_seconds >= 0
    samples = scrape()
    job = {"job": "deadline_sweep"}
    assert value(samples, "kesu_job_duration_seconds_count", **job) == 1
    assert value(samples, "kesu_job_duration_seconds_bucket", le="+Inf", **job) == 1
    assert value(samples, "kesu_job_last_duration_seconds", **job) == pytest.approx(
        row.last_duration_seconds
    )
    assert value(samples, "kesu_job_last_run_timestamp_seconds", **job) == pytest.approx(
        row.last_finished_at.timestamp()
    )
    assert value(samples, "kesu_metrics_database_up") == 1


def test_the_histogram_adds_up_runs_and_counts_failures():
    record_job_run("deadline_sweep", 0.03, ok=True)
    record_job_run("deadline_sweep", 0.7, ok=True)
    with pytest.raises(RuntimeError), timed_job("deadline_sweep"):
        raise RuntimeError("broken sweep")
    samples = scrape()
    job = {"job": "deadline_sweep"}
    bucket = "kesu_job_duration_seconds_bucket"
    assert value(samples, bucket, le="0.05", **job) == 2  # 0.03 and the failed (instant) run
    assert value(samples, bucket, le="0.5", **job) == 2
    assert value(samples, bucket, le="1.0", **job) == 3
    assert value(samples, "kesu_job_duration_seconds_count", **job) == 3
    assert value(samples, "kesu_job_duration_seconds_sum", **job) == pytest.approx(0.73, abs=0.05)
    assert value(samples, "kesu_job_failures_total", **job) == 1
    assert not JobTiming.objects.get(job="deadline_sweep").last_ok


def test_counts_under_an_old_bucket_bound_fall_into_the_next_bucket_up():
    JobTiming.objects.create(
        job="deadline_sweep", runs=3, total_seconds=1.5, bucket_counts={"0.3": 2, "+Inf": 1}
    )
    samples = scrape()
    bucket = "kesu_job_duration_seconds_bucket"
    assert value(samples, bucket, le="0.25", job="deadline_sweep") == 0
    assert value(samples, bucket, le="0.5", job="deadline_sweep") == 2
    assert value(samples, bucket, le="300.0", job="deadline_sweep") == 2
    assert value(samples, bucket, le="+Inf", job="deadline_sweep") == 3
