"""The WSGI module loads every view while a worker boots, so its first request is not slow."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import sys, kesu.wsgi; "
    "print(all(m in sys.modules for m in "
    "['kesu.urls', 'kesu.complaints.api.views', 'kesu.complaints.views', 'kesu.callbacks.views']))"
)


def test_importing_kesu_wsgi_imports_the_urlconf_and_its_views(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KESU_")},
        "KESU_DEBUG": "1",
        "KESU_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True", result.stdout + result.stderr
