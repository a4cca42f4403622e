"""Log records that say which request or job they belong to, as text or one JSON object a line.

The request id (RequestIdMiddleware) and the job name (the worker, Celery tasks) live in context
variables; `ContextFilter` copies them onto every record a handler sees, whichever logger wrote
it. `JsonFormatter` writes each record as one JSON object on one line, for log collectors.

No Django import here: gunicorn.conf.py builds its own logging from `logging_config` before
Django is set up, so gunicorn's lines have the same shape as the application's.
"""

import json
import logging
import os
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("kesu_request_id", default=None)
job_var: ContextVar[str | None] = ContextVar("kesu_job", default=None)

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s"

# What every LogRecord has; anything else on a record was passed with `extra=` and is written out.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Added by ContextFilter; and Django's request object (its id is the request_id).
_LEFT_OUT = {"request_id", "job", "context", "request"}


@contextmanager
def job_context(name: str):
    """Log records written inside carry `job=name` (a worker's step, a Celery task)."""
    token = job_var.set(name)
    try:
        yield
    finally:
        job_var.reset(token)


class ContextFilter(logging.Filter):
    """Adds `request_id` and `job` (None outside a request or job) to every record, and
    `context`, the two for the text format ("-" when neither)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            # Django logs a 4xx after the middleware has finished: the id is on its request.
            record.request_id = request_id_var.get() or getattr(
                getattr(record, "request", None), "request_id", None
            )
        if getattr(record, "job", None) is None:
            record.job = job_var.get()
        record.context = " ".join(filter(None, (record.request_id, record.job))) or "-"
        return True


class TextFormatter(logging.Formatter):
    """The readable format of `make run`: time, level, logger, [request id or job], message."""

    def __init__(self, fmt=TEXT_FORMAT, datefmt=None, style="%", **kwargs):
        super().__init__(fmt, datefmt, style, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):  # a handler without ContextFilter
            ContextFilter().filter(record)
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, job,
    process id, whatever was passed with `extra=`, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):  # a handler without ContextFilter
            ContextFilter().filter(record)
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.request_id,
            "job": record.job,
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _LEFT_OUT and key not in data:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def log_format_from_env(environ=os.environ) -> str:
    """KESU_LOG_FORMAT when set (json or text); otherwise text under KESU_DEBUG, json without."""
    chosen = environ.get("KESU_LOG_FORMAT", "").strip().lower()
    if chosen in FORMATS:
        return chosen
    if chosen:
        raise ValueError(f"KESU_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {chosen!r}")
    debug = environ.get("KESU_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
    return "text" if debug else "json"


def logging_config(
    log_format: str, level: str = "WARNING", access_level: str = "INFO", loggers=None
) -> dict:
    """A dictConfig: one handler on stderr in `log_format`, the root at `level`, and the access
    log (logger `kesu.request`) at `access_level`, so access lines appear while the root stays
    at WARNING."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"kesu": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["context"],
                "formatter": "kesu",
            }
        },
        "root": {"handlers": ["console"], "level": level.upper()},
        "loggers": {
            # Django's own console handler (under DEBUG) would print its records a second time,
            # in another format; they go to the root's handler like everything else.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "kesu.request": {"level": access_level.upper()},
            **(loggers or {}),
        },
    }
