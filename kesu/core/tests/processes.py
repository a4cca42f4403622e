"""For tests that start other processes (gunicorn workers, scripts) on this run's database."""

from django.db import connection


def database_url() -> str:
    """This test run's database (SQLite file or PostgreSQL), as DATABASE_URL for another process;
    it sees committed rows only, so the test needs django_db(transaction=True)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
