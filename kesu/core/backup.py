"""Backing up and restoring a Kesu installation: its database and its stored files.

A backup is one directory holding the database (PostgreSQL: `pg_dump` custom format; SQLite:
an online copy through SQLite's backup API), every file of the default storage as a tar
archive (read and written through the storage API, so the same works for a local path, a
shared path and an S3-compatible store) and a manifest: what was copied, row counts and each
file's SHA-256. Restoring puts both back into an empty installation and checks them against the
manifest; `verify_audit` then proves the restored trail is the one that was written.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections, models
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
FILES_ARCHIVE = "files.tar"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; the message says why."""


# The tables whose row counts a backup records and a restore checks: name → (model, whether its
# rows make a restore refuse without --force). The apps register theirs in AppConfig.ready();
# core cannot import the apps above it.
_counted: dict[str, tuple[type[models.Model], bool]] = {}


def register_counted_table(
    name: str, model: type[models.Model], *, refuses_restore: bool = False
) -> None:
    _counted[name] = (model, refuses_restore)


def _counted_tables() -> dict[str, str]:
    return {name: model._meta.db_table for name, (model, _) in _counted.items()}


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for name, table in _counted_tables().items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        # The arguments are settings and paths, never user input.
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _walk_storage(storage, prefix: str = ""):
    directories, files = storage.listdir(prefix)
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for directory in sorted(directories):
        yield from _walk_storage(storage, f"{prefix}/{directory}" if prefix else directory)


def _storage_is_empty(storage) -> bool:
    try:
        return next(_walk_storage(storage), None) is None
    except FileNotFoundError:
        return True


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    files: int
    file_bytes: int


def create_backup(output_dir: Path, *, now: datetime | None = None) -> BackupResult:
    """Write a new backup directory under output_dir and return what it holds."""
    vendor = _vendor()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = Path(output_dir) / f"kesu-backup-{stamp}"
    if target.exists():
        raise BackupError(f"{target} already exists.")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)

    counts = row_counts()
    if vendor == "postgresql":
        args, env = _pg_env()
        database_file = "database.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
             "--file", str(partial / database_file), str(settings.DATABASES["default"]["NAME"])],
            env,
        )  # fmt: skip
    else:
        database_file = "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(partial / database_file)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()

    files = {}
    total = 0
    with tarfile.open(partial / FILES_ARCHIVE, "w") as archive:
        for name in _walk_storage(default_storage) if default_storage.exists("") else []:
            with default_storage.open(name, "rb") as source:
                content = source.read()
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
            files[name] = hashlib.sha256(content).hexdigest()
            total += len(content)

    recorder = MigrationRecorder(connection)
    latest = {}
    for app, name in recorder.migration_qs.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "migrations": latest,
        "counts": counts,
        "files": files,
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    partial.rename(target)
    return BackupResult(target, counts, len(files), total)


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int
    problems: list[str] = field(default_factory=list)


def read_manifest(backup_dir: Path) -> dict:
    path = Path(backup_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup_dir} is not a Kesu backup (no {MANIFEST}).")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _database_is_empty() -> bool:
    """No row in the tables registered with refuses_restore (the complaints)."""
    tables = set(connection.introspection.table_names())
    guarded = [model._meta.db_table for model, refuses in _counted.values() if refuses]
    with connection.cursor() as cursor:
        for table in guarded:
            if table not in tables:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return False
    return True


def restore_backup(backup_dir: Path, *, force: bool = False) -> RestoreResult:
    """Restore a backup into this installation's database and storage, then check it.

    Refuses to overwrite data (complaints in the database, files in the storage) unless forced.
    """
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['vendor']} database; "
            f"this installation uses {vendor}."
        )
    if not force and not (_database_is_empty() and _storage_is_empty(default_storage)):
        raise BackupError(
            "This installation already holds complaints or files; restore into an empty one, "
            "or pass --force to replace them."
        )

    database_file = backup_dir / manifest["database"]["file"]
    if vendor == "postgresql":
        args, env = _pg_env()
        connections.close_all()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", *args,
             "--dbname", str(settings.DATABASES["default"]["NAME"]), str(database_file)],
            env,
        )  # fmt: skip
    else:
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connections.close_all()

    problems = []
    restored = 0
    with tarfile.open(backup_dir / FILES_ARCHIVE) as archive:
        for member in archive:
            if not member.isfile():
                continue
            content = archive.extractfile(member).read()
            if hashlib.sha256(content).hexdigest() != manifest["files"].get(member.name):
                problems.append(f"file {member.name} does not match the manifest")
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            saved = default_storage.save(member.name, ContentFile(content))
            if saved != member.name:
                problems.append(f"file {member.name} was stored as {saved}")
            restored += 1
    missing = set(manifest["files"]) - {m for m in manifest["files"] if default_storage.exists(m)}
    problems += [f"file {name} is missing after the restore" for name in sorted(missing)]

    counts = row_counts()
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} restored, {expected} backed up")
    return RestoreResult(counts, restored, problems)
