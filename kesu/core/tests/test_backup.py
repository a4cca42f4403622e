"""Backup and restore as an operator runs them: `manage.py backup`, then `manage.py restore`
into a fresh installation, on the database the suite runs on (SQLite or PostgreSQL)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _pg_admin():
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


class Installation:
    """A Kesu installation of its own: a var directory and a database nobody else uses."""

    def __init__(self, root: Path, name: str):
        self.var = root / name
        self.var.mkdir()
        if ON_POSTGRES:
            db = settings.DATABASES["default"]
            self.db_name = f"kesu_backup_{name}{settings.TEST_DB_SUFFIX}"
            with _pg_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')
                admin.execute(f'CREATE DATABASE "{self.db_name}"')
            auth = db.get("USER") or ""
            if db.get("PASSWORD"):
                auth += f":{db['PASSWORD']}"
            self.url = (
                f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
                f"/{self.db_name}"
            )
        else:
            self.url = f"sqlite:///{self.var / 'kesu.sqlite3'}"

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("KESU_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        env.update(DATABASE_URL=self.url, KESU_VAR_DIR=str(self.var))
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def drop(self) -> None:
        if ON_POSTGRES:
            with _pg_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    source = Installation(root, "source")
    for step in (("migrate", "--noinput", "-v0"), ("seed_demo",)):
        done = source.manage(*step)
        assert done.returncode == 0, done.stderr
    done = source.manage("backup", "--output", str(root / "backups"))
    assert done.returncode == 0, done.stderr
    (backup,) = (root / "backups").iterdir()
    yield root, source, backup
    source.drop()


REGISTER_ONE = """
from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_register
from kesu.customers.models import Customer
from kesu.organisation.models import User
before = Complaint.objects.count()
actor = User.objects.get(username="frontline")
customer = Customer.objects.filter(organisation_id=actor.organisation_id).first()
complaint_register(actor=actor, customer=customer, channel="phone", title="restored", account="ok")
print(before, Complaint.objects.count())
"""


def _files(var: Path) -> dict[str, bytes]:
    media = var / "media"
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


def test_a_restore_brings_back_every_row_and_file_and_the_audit_trail_verifies(backed_up):
    root, source, backup = backed_up
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["complaints"] > 0
    assert manifest["counts"]["attachments"] > 0

    target = Installation(root, "target")
    try:
        done = target.manage("restore", str(backup))
        assert done.returncode == 0, done.stderr
        assert "Audit trail verified" in done.stdout

        restored = _files(target.var)
        assert restored == _files(source.var)
        assert any(name.endswith(".jpg") for name in restored)

        # The restored installation works: it serves the same complaints and takes new ones.
        check = target.manage("shell", "-c", REGISTER_ONE)
        assert check.returncode == 0, check.stderr
        before, after = check.stdout.split()[-2:]
        assert int(before) == manifest["counts"]["complaints"]
        assert int(after) == int(before) + 1

        again = target.manage("restore", str(backup))
        assert again.returncode != 0
        assert "already holds complaints" in again.stderr
    finally:
        target.drop()


def test_a_backup_whose_files_were_altered_is_reported(backed_up):
    root, _source, backup = backed_up
    altered = root / "altered"
    shutil.copytree(backup, altered)
    manifest = json.loads((altered / "manifest.json").read_text())
    name = next(iter(manifest["files"]))
    manifest["files"][name] = "0" * 64
    (altered / "manifest.json").write_text(json.dumps(manifest))

    target = Installation(root, "altered_target")
    try:
        done = target.manage("restore", str(altered))
        assert done.returncode != 0
        assert f"file {name} does not match the manifest" in done.stderr
    finally:
        target.drop()


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    target = Installation(tmp_path, "empty")
    try:
        done = target.manage("restore", str(tmp_path))
        assert done.returncode != 0
        assert "is not a Kesu backup" in done.stderr
    finally:
        target.drop()
