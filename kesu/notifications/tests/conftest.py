"""Real servers on loopback for the delivery tests: an SMTP server and a robot webhook server."""

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on (used for "connection refused" and for the SMTP server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: object  # email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class _Collector:
    def __init__(self):
        self.messages: list[ReceivedMail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        mail = ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            message=message_from_bytes(envelope.original_content, policy=default_policy),
        )
        with self.lock:
            self.messages.append(mail)
        return "250 Message accepted"


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.collector.lock:
            return list(self.collector.messages)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd in a thread); Django's SMTP backend points at it."""
    collector = _Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "kesu@example.test"
    try:
        yield SmtpServer("127.0.0.1", port, collector)
    finally:
        controller.stop()


@dataclass
class ReceivedPost:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: dict


@dataclass
class WebhookServer:
    url: str
    requests: list[ReceivedPost] = field(default_factory=list)
    # Status codes to answer with, in order; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def webhook_server():
    """A real HTTP server on 127.0.0.1 that records what robots would receive."""
    state = WebhookServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            with state.lock:
                state.requests.append(
                    ReceivedPost(
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers=dict(self.headers),
                        json=json.loads(raw.decode("utf-8")),
                    )
                )
                status = state.statuses.pop(0) if state.statuses else 200
            answer = {"errcode": 0, "errmsg": "ok"} if status == 200 else {"error": "boom"}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
