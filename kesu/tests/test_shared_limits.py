"""The rate limits hold across gunicorn's workers without Redis: the counters are in the database.

The documented production command runs several workers; each request here opens a connection
of its own, so they are spread over both workers (the access log's pid says which served it).
"""

import http.cookiejar
import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from kesu.core.models import RateCounter
from kesu.core.tests.processes import database_url
from kesu.organisation.choices import Role
from kesu.tests.test_settings import (  # noqa: F401 (collected: the fixture)
    BASE_DIR,
    GUNICORN,
    HeldRequest,
    _env,
    _free_port,
    _Lines,
    collected,
)

CODES_PER_ADDRESS = 3
TOKEN_RATE = 5


class _Browser:
    """One visitor: its cookies, a new connection for every request, no redirects followed."""

    class _NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirects()
        )

    def open(self, path: str, data: dict | None = None, **headers) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx
            return error.code, error.read().decode()


def _start(env) -> tuple[subprocess.Popen, _Lines, _Lines, str]:
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
    for _ in range(600):  # until it listens
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=60).close()  # noqa: S310
            return server, out, err, base
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                raise
            time.sleep(0.1)
    server.kill()
    pytest.fail("\n".join(out.lines + err.lines))


def _pids(err: _Lines, path: str) -> set:
    """The workers that served `path` (the console SMS provider's lines are not JSON)."""
    records = [json.loads(line) for line in list(err.lines) if line.startswith("{")]
    return {r["pid"] for r in records if r["logger"] == "kesu.request" and r["path"] == path}


@pytest.mark.django_db(transaction=True)
def test_the_code_limit_and_the_token_limit_hold_across_two_workers(world, collected):  # noqa: F811
    token = Token.objects.create(user=world.user(Role.DIRECTOR))
    env = _env(
        collected,
        DATABASE_URL=database_url(),
        KESU_SECRET_KEY="a-test-key-" + "x" * 50,
        KESU_SMS_BACKEND="kesu.callbacks.sms.ConsoleBackend",
        KESU_PORTAL_CODES_PER_ADDRESS=str(CODES_PER_ADDRESS),
        KESU_PORTAL_CODE_INTERVAL_SECONDS="0",
        KESU_PORTAL_CHECK_AFTER="1000",
        KESU_API_RATE_PER_TOKEN=f"{TOKEN_RATE}/minute",
        KESU_API_RATE_PER_ADDRESS="1000/minute",
    )
    server, out, err, base = _start(env)
    try:
        # The portal: codes asked for from one address, each for another number.
        visitor = _Browser(base)
        start = f"/portal/{world.branch.code}/"
        portal = []

        def ask_code(n: int) -> tuple[int, str]:
            status, page = visitor.open(start)
            assert status == 200, page[:500]
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = {"csrfmiddlewaretoken": csrf, "phone": f"1380013{n:04d}"}
            return visitor.open(start, form, **{"Accept-Language": "en"})

        # The last request is held by one worker while the others go to another: that first
        # worker must count what the other one did.
        ask_code(0)
        cookies = "; ".join(f"{c.name}={c.value}" for c in visitor.jar)
        csrf = next(c.value for c in visitor.jar if c.name == "csrftoken")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "phone": "13800139999"})
        with HeldRequest(
            base,
            start,
            body=form.encode(),
            Cookie=cookies,
            **{"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"},
        ) as held:
            portal = [ask_code(n)[0] for n in range(1, 12)]
        assert [302] + portal == [302] * CODES_PER_ADDRESS + [429] * (12 - CODES_PER_ADDRESS)
        assert held.status == 429, held.text[:500]
        assert "Too many codes were asked for from your network" in held.text
        assert len(_pids(err, start)) == 2, "both workers answered the portal"

        # The API: one token's requests.
        authorised = {"Authorization": f"Token {token.key}"}
        with HeldRequest(base, "/api/v1/me/", **authorised) as held:
            api = [_Browser(base).open("/api/v1/me/", **authorised)[0] for _ in range(12)]
        assert api == [200] * TOKEN_RATE + [429] * (12 - TOKEN_RATE), api
        assert held.status == 429, held.text
        assert len(_pids(err, "/api/v1/me/")) == 2, "both workers answered the API"

        # The login lockout (django-axes' rows in the database): wrong passwords on either
        # worker add up, and then even the right one is refused.
        sign_in = "/api/v1/auth/token/"
        user = world.user(Role.HANDLER).username
        right = urllib.parse.urlencode({"username": user, "password": "pw"}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        with HeldRequest(base, sign_in, body=right, **form) as held:
            wrong = [
                _Browser(base).open(sign_in, {"username": user, "password": "wrong"})[0]
                for _ in range(settings.AXES_FAILURE_LIMIT)
            ]
        assert wrong[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1), wrong
        assert held.status == 429 and '"locked_out"' in held.text, held.text
        assert len(_pids(err, sign_in)) == 2, "both workers answered the sign-ins"
    finally:
        server.terminate()
        server.wait(timeout=20)
        out.thread.join(timeout=5)
        err.thread.join(timeout=5)
    # The counts both workers kept are the database's rows.
    assert RateCounter.objects.filter(key__contains="throttle_token").get().count == 13
