"""The documented production command: gunicorn, DEBUG off, static files from the app itself."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from prometheus_client.parser import text_string_to_metric_families

from kesu import settings as kesu_settings

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, **extra) -> dict:
    # Not the test process's own switches (the browser tests allow async-unsafe calls).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KESU_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'kesu.sqlite3'}",
        KESU_VAR_DIR=str(tmp_path),
        KESU_STATIC_ROOT=str(tmp_path / "static"),
        KESU_DEBUG="0",
    )
    env.update(extra)
    return env


def _get(url: str, timeout: float = 10, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read()


class HeldRequest:
    """A request whose end is held back while other requests are made: it keeps one of
    gunicorn's sync workers busy reading it, so every request made meanwhile is served by
    another worker, and it is served last, by that first worker. Which worker serves a
    request is otherwise the kernel's choice, and a busy machine may hand every sequential
    request to the same one. `with HeldRequest(...) as held:` ... then `held.status`,
    `held.body`."""

    def __init__(self, base: str, path: str, *, body: bytes = b"", **headers: str):
        self.host, port = base.removeprefix("http://").split(":")
        self.port, self.path, self.body, self.headers = int(port), path, body, headers
        self.status, self.text = 0, ""

    def __enter__(self) -> "HeldRequest":
        self.sock = socket.create_connection((self.host, self.port), timeout=60)
        method = "POST" if self.body else "GET"
        lines = [f"{method} {self.path} HTTP/1.1", f"Host: {self.host}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body:
            lines.append(f"Content-Length: {len(self.body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n").encode())
        time.sleep(0.3)  # taken by a worker before the next connection arrives
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self.sock.sendall(b"\r\n" + self.body)
                answer = b""
                while chunk := self.sock.recv(65536):
                    answer += chunk
                head, _, rest = answer.partition(b"\r\n\r\n")
                self.status = int(head.split()[1])
                self.text = rest.decode(errors="replace")
        finally:
            self.sock.close()


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=_env(tmp),
        check=True,
        timeout=300,
    )
    return tmp


def test_gunicorn_serves_styled_pages_with_debug_off(collected):
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "kesu.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "30"],
        cwd=BASE_DIR,
        env=_env(collected, KESU_SECRET_KEY="a-test-key-" + "x" * 50),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, page_headers, body = _get(f"{base}/login/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            server.kill()
            pytest.fail(server.communicate()[0].decode())
        assert status == 200
        assert "script-src 'self'" in page_headers["Content-Security-Policy"]
        html = body.decode()
        stylesheet = re.search(r'href="(/static/web/kesu\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "the page links the hashed (cache-busted) stylesheet"
        status, headers, css = _get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers.get("Content-Encoding") == "gzip"
        assert "max-age=315360000" in headers["Cache-Control"]
        htmx = re.search(r'src="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"', html)
        assert htmx and _get(base + htmx.group(1))[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_refuses_to_start_without_a_secret_key(collected):
    port = _free_port()
    result = subprocess.run(
        [str(GUNICORN), "kesu.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=BASE_DIR,
        env=_env(collected),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert b"KESU_SECRET_KEY is not set" in result.stdout + result.stderr


@pytest.mark.parametrize("key", ["   ", "changeme", "x" * 60, "secret-secret-secret-secret-secret"])
def test_the_server_refuses_a_key_anyone_could_guess(tmp_path, key):
    result = subprocess.run(
        [sys.executable, "-c", "import kesu.wsgi"],
        cwd=BASE_DIR,
        env=_env(tmp_path, KESU_SECRET_KEY=key),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert b"KESU_SECRET_KEY is" in result.stderr


def test_the_development_key_is_accepted_with_debug_on(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import kesu.wsgi"],
        cwd=BASE_DIR,
        env=_env(tmp_path, KESU_DEBUG="1"),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_env(
            tmp_path,
            KESU_SECRET_KEY="kx7" + "-Tq9zR2vW8yB4nM6pL1sD5fG3hJ0kA" * 2,
            KESU_AUDIT_KEY="au8" + "-Zp4xC7vB2nM9qW5eR1tY6uI3oP0aS" * 2,
            KESU_ALLOWED_HOSTS="kesu.example.com",
            KESU_HTTPS="1",
            KESU_PUBLIC_URL="https://kesu.example.com",
        ),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, (result.stdout + result.stderr).decode()


def test_check_deploy_asks_for_an_audit_key_of_its_own(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_env(
            tmp_path,
            KESU_SECRET_KEY="kx7" + "-Tq9zR2vW8yB4nM6pL1sD5fG3hJ0kA" * 2,
            KESU_ALLOWED_HOSTS="kesu.example.com",
            KESU_HTTPS="1",
        ),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "kesu.W001" in (result.stdout + result.stderr).decode()


def test_check_deploy_asks_for_the_public_address(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_env(
            tmp_path,
            KESU_SECRET_KEY="kx7" + "-Tq9zR2vW8yB4nM6pL1sD5fG3hJ0kA" * 2,
            KESU_AUDIT_KEY="au8" + "-Zp4xC7vB2nM9qW5eR1tY6uI3oP0aS" * 2,
            KESU_ALLOWED_HOSTS="kesu.example.com",
            KESU_HTTPS="1",
        ),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "kesu.W003" in (result.stdout + result.stderr).decode()


class _Lines:
    """Every line a process writes to one of its pipes, read by a thread while it runs."""

    def __init__(self, pipe):
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe):
        for raw in iter(pipe.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def records(self) -> list[dict]:
        return [json.loads(line) for line in list(self.lines) if line.strip()]


def test_two_gunicorn_workers_share_the_metrics_and_log_json(collected, tmp_path):
    """The production command with PROMETHEUS_MULTIPROC_DIR: /metrics adds up both workers'
    requests, and every line on stdout and stderr is a JSON object."""
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    (multiproc / "counter_999999.db").write_bytes(b"left over from a previous run")
    env = _env(
        collected,
        DATABASE_URL=f"sqlite:///{tmp_path / 'kesu.sqlite3'}",
        KESU_SECRET_KEY="a-test-key-" + "x" * 50,
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "kesu.wsgi", "-c", "gunicorn.conf.py"]
        + ["-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = _Lines(server.stdout), _Lines(server.stderr)
    base = f"http://127.0.0.1:{port}"
    served = 0

    def pids_that_served() -> set:
        return {r["pid"] for r in err.records() if r["logger"] == "kesu.request"}

    try:
        for _ in range(300):  # until the server listens
            try:
                assert _get(f"{base}/healthz", timeout=60)[0] == 200
                served = 1
                break
            except urllib.error.URLError as exc:
                if not isinstance(exc.reason, ConnectionRefusedError):
                    raise
                time.sleep(0.1)
        else:
            pytest.fail("\n".join(out.lines + err.lines))
        with HeldRequest(base, "/healthz") as held:
            assert _get(f"{base}/healthz", timeout=60)[0] == 200
        assert held.status == 200
        served += 2
        assert len(pids_that_served()) == 2, "\n".join(err.lines)
        assert not (multiproc / "counter_999999.db").exists()  # emptied when it started
        status, headers, body = _get(f"{base}/metrics", 60, **{"X-Request-ID": "scrape-1"})
        assert status == 200 and headers["X-Request-ID"] == "scrape-1"
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body.decode())
            for s in family.samples
        }
        labels = (("method", "GET"), ("status", "200"), ("view", "healthz"))
        assert samples[("kesu_http_requests_total", labels)] == served
        assert samples[("kesu_metrics_database_up", ())] == 1
        assert ("kesu_outbox_pending_notifications", ()) in samples
    finally:
        server.terminate()
        server.wait(timeout=20)
        out.thread.join(timeout=5)
        err.thread.join(timeout=5)

    records = out.records() + err.records()  # each line parses as JSON, or this fails
    assert all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    access = [r for r in records if r["logger"] == "kesu.request"]
    assert len(access) == served + 1
    assert len({r["pid"] for r in access if r["path"] == "/healthz"}) == 2
    assert all(re.fullmatch(r"[0-9a-f]{32}|scrape-1", r["request_id"]) for r in access)
    (scrape,) = [r for r in access if r["path"] == "/metrics"]
    assert scrape["request_id"] == "scrape-1" and scrape["status"] == 200
    assert any(r["logger"] == "gunicorn.error" for r in records)  # gunicorn's own, as JSON too


# ---- The settings module's helpers, in this process ----


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_env_bool_reads_yes_words(monkeypatch, value):
    monkeypatch.setenv("KESU_TEST_FLAG", value)
    assert kesu_settings.env_bool("KESU_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "", "maybe"])
def test_env_bool_reads_anything_else_as_no(monkeypatch, value):
    monkeypatch.setenv("KESU_TEST_FLAG", value)
    assert kesu_settings.env_bool("KESU_TEST_FLAG", True) is False


def test_env_bool_unset_is_the_default(monkeypatch):
    monkeypatch.delenv("KESU_TEST_FLAG", raising=False)
    assert kesu_settings.env_bool("KESU_TEST_FLAG", True) is True
    assert kesu_settings.env_bool("KESU_TEST_FLAG", False) is False


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("KESU_TEST_LIST", " a.example , ,b.example,")
    assert kesu_settings.env_list("KESU_TEST_LIST", "x") == ["a.example", "b.example"]
    monkeypatch.delenv("KESU_TEST_LIST")
    assert kesu_settings.env_list("KESU_TEST_LIST", "x,y") == ["x", "y"]
    assert kesu_settings.env_list("KESU_TEST_LIST", "") == []


def test_media_storage_is_the_filesystem_by_default(monkeypatch):
    monkeypatch.delenv("KESU_MEDIA_STORAGE", raising=False)
    assert kesu_settings.media_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    monkeypatch.setenv("KESU_MEDIA_STORAGE", " FileSystem ")
    assert kesu_settings.media_storage()["BACKEND"].endswith("FileSystemStorage")


def test_media_storage_refuses_an_unknown_kind_and_s3_without_a_bucket(monkeypatch):
    monkeypatch.setenv("KESU_MEDIA_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="'ftp'"):
        kesu_settings.media_storage()
    monkeypatch.setenv("KESU_MEDIA_STORAGE", "s3")
    monkeypatch.delenv("KESU_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KESU_S3_BUCKET"):
        kesu_settings.media_storage()


def test_the_sms_provider_is_read_from_the_environment(tmp_path):
    code = "from django.conf import settings; import django; django.setup(); "
    code += "print(settings.KESU_SMS_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_env(
            tmp_path,
            KESU_DEBUG="1",
            KESU_SMS_BACKEND="kesu.callbacks.sms.ConsoleBackend",
            DJANGO_SETTINGS_MODULE="kesu.settings",
        ),
        capture_output=True,
        timeout=60,
    )
    assert result.stdout.decode().strip().endswith("kesu.callbacks.sms.ConsoleBackend"), (
        result.stderr
    )
