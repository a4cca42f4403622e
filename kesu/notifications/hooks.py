"""Where the notifications app has the apps above it act (kesu/core/hooks.py): reports, webhooks.

- `email_attachments(kind, payload, language)`: the files an e-mail of a notification carries,
  as a list of `Attachment` (reports: the kept monthly report's PDF, in the reader's language).
  Called when the e-mail is sent, outside any transaction.
- `daily_jobs()`: the jobs `run_worker` runs without a broker, as a `DailyJob` each (reports:
  last month's reports, kept and mailed). run_worker tries each once a day while `due(now)`
  says so; a job must be idempotent (another worker, another day, the beat may run it too).
- `every_pass(worker_id, should_stop)`: the outboxes of the apps above that `run_worker` drives
  on every pass, even with `--no-sweep` (webhooks: due deliveries sent); each returns how many
  rows it handled and must be safe beside other workers (it claims its rows).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kesu.core.hooks import Hook


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class DailyJob:
    name: str
    due: Callable[[datetime], bool]
    run: Callable[[], int]


email_attachments = Hook("email_attachments")
daily_jobs = Hook("daily_jobs")
every_pass = Hook("every_pass")
