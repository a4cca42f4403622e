"""`manage.py restore`, in process: the refusals that come before anything is replaced.

The full round trip (backup, restore into another installation, verify) runs the commands as
an operator does, in kesu/core/tests/test_backup.py.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kesu.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def _restore(*args):
    call_command("restore", *map(str, args), stdout=StringIO(), stderr=StringIO())


def _manifest(directory, **fields):
    (directory / "manifest.json").write_text(json.dumps(fields))
    return directory


def test_a_directory_without_a_manifest_is_no_backup(tmp_path):
    with pytest.raises(CommandError, match="is not a Kesu backup"):
        _restore(tmp_path)


def test_a_manifest_of_another_format_is_refused(tmp_path):
    _manifest(tmp_path, format=99)
    with pytest.raises(CommandError, match="Unknown backup format 99"):
        _restore(tmp_path)


def test_a_backup_of_another_database_vendor_is_refused(tmp_path):
    _manifest(tmp_path, format=1, database={"vendor": "oracle", "file": "db"})
    with pytest.raises(CommandError, match="holds a oracle database; this installation uses"):
        _restore(tmp_path)


def test_an_installation_with_complaints_is_not_overwritten_without_force(tmp_path, world):
    world.complaint()
    # A backup of this installation's own database vendor, so only the complaints stop it.
    _manifest(tmp_path, format=1, database={"vendor": connection.vendor, "file": "db"})
    with pytest.raises(CommandError, match="pass --force"):
        _restore(tmp_path, "--no-verify")
    assert Complaint.objects.count() == 1
