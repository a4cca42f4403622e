"""A real HTTP receiver on loopback for the webhooks' tests, and an endpoint that points at it."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kesu.organisation.choices import Role
from kesu.webhooks.choices import Event
from kesu.webhooks.services import endpoint_create


@dataclass
class Received:
    headers: dict
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers every POST with `status` (after `delay` seconds) and keeps what it received."""

    url: str = ""
    status: int = 200
    delay: float = 0.0
    answer: bytes = b'{"ok": true}'
    received: list[Received] = field(default_factory=list)

    def events(self) -> list[str]:
        return [r.payload["type"] for r in self.received]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            state.received.append(Received(headers=dict(self.headers), body=body))
            if state.delay:
                time.sleep(state.delay)
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(state.answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (the timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kesu"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def admin_user(world):
    return world.user(Role.ADMIN)


@pytest.fixture
def endpoint(world, receiver, admin_user):
    """An endpoint of the world's organisation that wants every event of every branch."""
    return endpoint_create(
        actor=admin_user, url=receiver.url, description="CRM", events=Event.values
    )
