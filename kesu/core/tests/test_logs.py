"""The request id, the log records that carry it, the JSON log format and the access line."""

import io
import json
import logging
import re
from datetime import datetime

import pytest
from django.test import Client

from kesu.core.logs import (
    ContextFilter,
    JsonFormatter,
    TextFormatter,
    job_context,
    log_format_from_env,
    logging_config,
)
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db
NEW_ID = re.compile(r"[0-9a-f]{32}")


class Captured:
    """What a handler set up like the application's (ContextFilter, JsonFormatter) wrote."""

    def __init__(self, stream):
        self.stream = stream

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def of(self, logger: str) -> list[dict]:
        return [r for r in self.records() if r["logger"] == logger]


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield Captured(stream)
    finally:
        root.removeHandler(handler)


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = "kesu.core.tests.error_urls"
    return Client(raise_request_exception=False)


def test_a_request_gets_a_new_id_sent_back(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("given", ["abc-123", "Edge.Proxy_42", "x" * 64])
def test_a_sane_incoming_id_is_kept(client, given):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given", ["x" * 65, "has space", "semi;colon", "<script>", "id\u00e9", "a\nb", ""]
)
def test_an_insane_incoming_id_is_replaced(client, given):
    sent_back = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert NEW_ID.fullmatch(sent_back)


def test_a_record_logged_during_the_request_carries_its_id(client, captured):
    response = client.get("/chatty/", HTTP_X_REQUEST_ID="trace-77")
    assert response.status_code == 200
    (record,) = captured.of("kesu.tests.chatty")
    assert record["request_id"] == "trace-77"
    assert record["message"] == "something worth a look: the detail"
    assert record["level"] == "WARNING"
    # After the request the id is gone: a record logged now has none.
    logging.getLogger("kesu.tests.chatty").warning("between requests")
    assert captured.of("kesu.tests.chatty")[-1]["request_id"] is None


def test_the_json_line_has_the_fields():
    record = logging.makeLogRecord(
        {"name": "kesu.x", "levelno": logging.ERROR, "levelname": "ERROR", "msg": "用户 %s"}
    )
    record.args = ("张三",)
    record.created = 1_764_600_000.25  # 2025-12-01 14:40:00.250 UTC
    record.order_id = 7  # passed with extra=
    ContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["time"] == "2025-12-01T14:40:00.250+00:00"
    assert datetime.fromisoformat(data["time"]).utcoffset().total_seconds() == 0
    assert data["level"] == "ERROR"
    assert data["logger"] == "kesu.x"
    assert data["message"] == "用户 张三"
    assert data["request_id"] is None
    assert data["order_id"] == 7
    assert "context" not in data and "exception" not in data


def test_a_worker_job_name_is_on_its_records():
    record = logging.makeLogRecord({"msg": "sending"})
    with job_context("deliver_notifications"):
        ContextFilter().filter(record)
    data = json.loads(JsonFormatter().format(record))
    assert data["job"] == "deliver_notifications"
    assert TextFormatter().format(record).endswith("[deliver_notifications] sending")


def test_the_access_line(client, captured, settings, world):
    settings.KESU_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxied = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    proxied.force_login(world.user(Role.HANDLER))
    response = proxied.get("/?phone=13800138000", HTTP_X_REQUEST_ID="acc-1")
    assert response.status_code == 200
    (line,) = [r for r in captured.of("kesu.request") if r["request_id"] == "acc-1"]
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/"  # never the query string (phone numbers, search words)
    assert "13800138000" not in json.dumps(line)
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["user_id"] == world.user(Role.HANDLER).pk
    assert line["client"] == "203.0.113.9"  # the address TrustedProxyMiddleware worked out


def test_the_access_line_of_an_anonymous_request_and_a_404(client, captured):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="acc-404")
    (line,) = [r for r in captured.of("kesu.request") if r["request_id"] == "acc-404"]
    assert line["status"] == 404
    assert line["user_id"] is None
    assert line["client"] == "127.0.0.1"
    # Django's own "Not Found" warning is written after the middleware, with the same id.
    (warning,) = [r for r in captured.of("django.request") if r["request_id"] == "acc-404"]
    assert warning["status_code"] == 404


def test_an_unhandled_exception_is_logged_with_the_id_and_the_traceback(client, captured):
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    (error,) = [r for r in captured.of("django.request") if r["level"] == "ERROR"]
    assert error["request_id"] == request_id
    assert "Traceback (most recent call last)" in error["exception"]
    assert "RuntimeError: a bug" in error["exception"]
    (line,) = captured.of("kesu.request")
    assert line["status"] == 500 and line["request_id"] == request_id


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Reference for your administrator: "), ("zh-hans", "请向管理员提供此编号：")],
)
def test_the_500_page_shows_the_id_to_quote(client, language, text):
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    assert text + response["X-Request-ID"] in response.content.decode()


def test_other_error_pages_do_not_show_it(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Reference for your administrator" not in response.content.decode()


def test_the_application_logs_json_with_debug_off_and_text_under_debug():
    assert log_format_from_env({}) == "json"
    assert log_format_from_env({"KESU_DEBUG": "1"}) == "text"
    assert log_format_from_env({"KESU_DEBUG": "1", "KESU_LOG_FORMAT": "json"}) == "json"
    assert log_format_from_env({"KESU_LOG_FORMAT": "TEXT"}) == "text"
    with pytest.raises(ValueError, match="KESU_LOG_FORMAT"):
        log_format_from_env({"KESU_LOG_FORMAT": "xml"})
    # The test run has DEBUG off: the configured handler is the JSON one, with the filter.
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h.formatter, (JsonFormatter, TextFormatter))  # not pytest's own
    ]
    assert isinstance(handler.formatter, JsonFormatter)
    assert any(isinstance(f, ContextFilter) for f in handler.filters)


def test_access_lines_appear_while_the_rest_stays_at_warning():
    config = logging_config("json", level="WARNING", access_level="INFO")
    assert config["root"]["level"] == "WARNING"
    assert config["loggers"]["kesu.request"]["level"] == "INFO"
    assert logging.getLogger("kesu.request").isEnabledFor(logging.INFO)
    assert not logging.getLogger("kesu.anything").isEnabledFor(logging.INFO)


def test_the_worker_names_its_step_on_its_records(captured, monkeypatch):
    from django.core.management import call_command

    from kesu.sla import reminders

    def sweep(**kwargs):
        logging.getLogger("kesu.tests.sweep").warning("sweeping")

    monkeypatch.setattr(reminders, "sweep_due_milestones", sweep)
    call_command("run_worker", "--once", verbosity=0)
    (record,) = captured.of("kesu.tests.sweep")
    assert record["job"] == "deadline_sweep" and record["request_id"] is None


def test_a_celery_task_names_itself_on_its_records(captured):
    from celery.signals import task_postrun, task_prerun

    from kesu.notifications.tasks import deliver_notifications as task

    task_prerun.send(sender=task, task_id="t1", task=task, args=(), kwargs={})
    logging.getLogger("kesu.tests.task").warning("in the task")
    task_postrun.send(sender=task, task_id="t1", task=task, args=(), kwargs={}, retval=None)
    logging.getLogger("kesu.tests.task").warning("after it")
    inside, after = captured.of("kesu.tests.task")
    assert inside["job"] == "kesu.notifications.tasks.deliver_notifications"
    assert after["job"] is None
