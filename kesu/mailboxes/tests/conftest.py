"""Real mail servers on loopback: a private dovecot (IMAP) and aiosmtpd (SMTP, from the
notifications' tests). Nothing of the system's mail set-up is touched: dovecot runs from a
config, a password file and maildirs in a temporary directory, on a free port of 127.0.0.1."""

import getpass
import grp
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kesu.notifications.tests.conftest import free_port, smtp_server  # noqa: F401  (fixture)

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "kesu", "kesu-imap-test"


def _ids() -> tuple[str, str, int, int]:
    """(login user, internal user and group, uid, gid): dovecot's own users when we are root
    (its login process refuses root), else the current user for everything."""
    if os.getuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", mail.pw_uid, mail.pw_gid
    name = getpass.getuser()
    return name, name, os.getuid(), os.getgid()


def _config(root: Path, port: int) -> Path:
    login, internal, uid, gid = _ids()
    group = grp.getgrgid(gid).gr_name
    (root / "run").mkdir()
    (root / "state").mkdir()
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/{USER}\n")
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = kesu-test-{port}
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
first_valid_uid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    return conf


@dataclass
class ImapServer:
    host: str
    port: int
    user: str = USER
    password: str = PASSWORD

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        client.select("INBOX")
        return client

    def append(self, raw: bytes) -> None:
        client = self.client()
        try:
            status, _ = client.append("INBOX", None, None, raw)
            assert status == "OK"
        finally:
            client.logout()

    def unseen(self) -> int:
        client = self.client()
        try:
            _, data = client.uid("SEARCH", None, "UNSEEN")
            return len((data[0] or b"").split())
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.client()
        try:
            client.store("1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
        except imaplib.IMAP4.error:
            pass  # an empty folder has no "1:*"
        finally:
            client.logout()


@pytest.fixture(scope="session")
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    # Not under pytest's base directory: dovecot's own users (when we are root) must reach it.
    root = Path(tempfile.mkdtemp(prefix="kesu-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    conf = _config(root, port)
    # The daemon keeps its standard streams: a file, not a pipe that would never close.
    with open(root / "start.log", "w") as out:
        started = subprocess.run(
            [DOVECOT, "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=30
        )
    if started.returncode != 0:
        pytest.skip(f"dovecot did not start: {(root / 'start.log').read_text().strip()}")
    server = ImapServer("127.0.0.1", port)
    try:
        for _ in range(100):
            try:
                server.client().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
        else:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot did not answer on port {port}: {log[-2000:]}")
        yield server
    finally:
        pid_file = root / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap(dovecot):
    """The test's IMAP server with an empty INBOX."""
    dovecot.empty()
    return dovecot
