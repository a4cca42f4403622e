"""gunicorn's settings for Kesu (gunicorn reads ./gunicorn.conf.py by itself; or `-c` it).

- gunicorn's own lines ("Booting worker", a worker's crash) in Kesu's log format
  (KESU_LOG_FORMAT: JSON without KESU_DEBUG), on stderr like the application's.
- Prometheus multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set: the directory is emptied
  when the server starts (the counters start again from zero, as a single process's would) and
  a dead worker's live gauges are removed (`child_exit`). Every worker then answers /metrics
  with the sum over all workers. The directory must exist, be writable, and belong to this
  server alone (a tmpfs such as /run/kesu-metrics is best).

Bind address, worker count and the like stay on the command line (README.md, Production).
"""

import glob
import os

from kesu.core.logs import log_format_from_env, logging_config

# gunicorn's largest request line (its default is 4094 bytes): a long search or filter address
# in Chinese (9 bytes a character, URL-encoded) gets Kesu's answer, not a raw "URI Too Long".
limit_request_line = 8190
# The Excel export of a busy month (up to EXPORT_CAP rows, ~5,000 a second) outlasts gunicorn's
# default 30 s; KESU_GUNICORN_TIMEOUT overrides.
timeout = int(os.environ.get("KESU_GUNICORN_TIMEOUT", "120"))

logconfig_dict = logging_config(
    log_format_from_env(),
    level=os.environ.get("KESU_LOG_LEVEL", "WARNING"),
    access_level=os.environ.get("KESU_ACCESS_LOG_LEVEL", "INFO"),
    loggers={
        # Through the root's handler: in the workers Django replaces it with its own, equal one.
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # Kesu writes its own access line (logger kesu.request, with the request id).
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    },
)


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        # Only the files prometheus_client writes there (counter_<pid>.db, histogram_<pid>.db…).
        for path in glob.glob(os.path.join(directory, "*.db")):
            os.remove(path)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
