"""`make run` and `make test` start with Django's system checks; on SQLite they stay silent."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_with_the_database_checks_prints_no_warnings_on_sqlite(tmp_path: Path):
    # `migrate` and `runserver` run the database checks too (models.W040 and the like), which a
    # plain `manage.py check` leaves out; `--database default` includes them. A fresh process,
    # because the checks depend on the settings of the default SQLite database.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KESU_DEBUG"}}
    env["KESU_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues (0 silenced)." in output
