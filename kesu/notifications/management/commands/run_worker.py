"""The background worker without a broker: the deadline sweep, then delivery, every few seconds.

Also the Excel imports waiting for a worker (kesu.complaints.import_jobs); every
KESU_AUDIT_CHECKPOINT_SECONDS, the signed audit checkpoint (kesu.audit.checkpoints),
every KESU_MAIL_FETCH_SECONDS the branches' mailboxes (kesu.mailboxes),
and once a day from KESU_LESSON_DIGEST_DAY on, the monthly digest of lessons (kesu.lessons);
the daily jobs of the apps above (kesu/notifications/hooks.py: the monthly reports), and on
every pass their outboxes (hooks.every_pass: the outgoing webhooks).

Stops cleanly on SIGTERM or SIGINT (after the batch in hand). Several may run at once, on one
machine or many: each notification is claimed by one worker only.
"""

import logging
import os
import signal
import socket
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from kesu.audit.checkpoints import write_checkpoint
from kesu.callbacks import tasks as callback_tasks
from kesu.complaints import tasks as complaint_tasks
from kesu.core.health import heartbeat
from kesu.core.logs import job_context
from kesu.lessons import tasks as lesson_tasks
from kesu.mailboxes import tasks as mail_tasks
from kesu.notifications import hooks, services
from kesu.sla import tasks as sla_tasks

logger = logging.getLogger("kesu.notifications.worker")


class Command(BaseCommand):
    help = "Run the deadline sweep and deliver due notifications, every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between passes (default 5)."
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="Name in the delivery log (default: host name and process id).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Notifications claimed at a time."
        )
        parser.add_argument(
            "--no-sweep", action="store_true", help="Deliver only; leave the sweep to others."
        )

    def handle(self, *args, **options):
        if options["interval"] <= 0 or options["batch_size"] < 1:
            raise CommandError("--interval must be positive and --batch-size at least 1.")
        worker_id = options["worker_id"] or f"{socket.gethostname()}:{os.getpid()}"
        stop = threading.Event()

        def on_signal(signum, frame):
            logger.info("worker %s: stopping (signal %s)", worker_id, signum)
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        if options["verbosity"] >= 1 and not options["once"]:
            self.stdout.write(f"Kesu worker {worker_id}: every {options['interval']:g} s")
        try:
            while not stop.is_set():
                started = time.monotonic()
                sent = self.one_pass(worker_id, options, stop)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{worker_id}: {sent} notifications handled")
                if options["once"]:
                    break
                stop.wait(max(0.0, options["interval"] - (time.monotonic() - started)))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return None

    def one_pass(self, worker_id: str, options, stop: threading.Event) -> int:
        _refresh_connections()
        if not options["no_sweep"]:
            try:
                # The beat's task itself, run in this process (it times itself for /metrics).
                sla_tasks.sweep_deadlines()
            except Exception:
                # A broken sweep must not stop notifications that are already queued.
                logger.exception("worker %s: the deadline sweep failed", worker_id)
            with job_context("callbacks"):
                self.callbacks(worker_id)
            with job_context("audit_checkpoint"):
                self.audit_checkpoint(worker_id)
            with job_context("lesson_digest"):
                self.lesson_digest(worker_id)
            self.daily_jobs(worker_id)
            self.imports(worker_id)
            self.mail(worker_id)
        self.every_pass(worker_id, stop)
        try:
            with job_context("deliver_notifications"):
                return services.deliver_all_due(
                    worker_id=worker_id, batch_size=options["batch_size"], should_stop=stop.is_set
                )
        except Exception:
            if options["once"]:
                raise
            logger.exception("worker %s: delivery failed; trying again next pass", worker_id)
            return 0
        finally:
            _heartbeat(worker_id)
            _refresh_connections()

    def callbacks(self, worker_id: str) -> None:
        """The daily callback planning (once a day per worker; it is idempotent) and text messages."""
        today = timezone.localdate()
        try:
            if getattr(self, "_planned_on", None) != today:
                callback_tasks.plan_callbacks()
                self._planned_on = today
            callback_tasks.send_sms()
        except Exception:
            logger.exception("worker %s: callback planning or text messages failed", worker_id)

    def lesson_digest(self, worker_id: str) -> None:
        """Last month's lessons to the managers: tried once a day from the digest day on (it is
        idempotent, so a second worker or a second day sends nothing twice)."""
        today = timezone.localdate()
        if getattr(self, "_digest_tried_on", None) == today or not lesson_tasks.digest_due():
            return
        try:
            lesson_tasks.send_lesson_digest()
            self._digest_tried_on = today
        except Exception:
            logger.exception("worker %s: the lessons digest failed", worker_id)

    def daily_jobs(self, worker_id: str) -> None:
        """The apps' daily jobs (hooks.daily_jobs), each tried once a day while it is due."""
        today = timezone.localdate()
        tried = self.__dict__.setdefault("_jobs_tried_on", {})
        for job in hooks.daily_jobs():
            if tried.get(job.name) == today or not job.due(timezone.now()):
                continue
            with job_context(job.name):
                try:
                    job.run()
                    tried[job.name] = today
                except Exception:
                    logger.exception("worker %s: the job %s failed", worker_id, job.name)

    def mail(self, worker_id: str) -> None:
        """The branches' mailboxes, every KESU_MAIL_FETCH_SECONDS (kesu.mailboxes)."""
        now = time.monotonic()
        last = getattr(self, "_mail_fetched_at", None)
        if last is not None and now - last < settings.KESU_MAIL_FETCH_SECONDS:
            return
        self._mail_fetched_at = now
        with job_context("fetch_mail"):
            try:
                mail_tasks.fetch_mail()
            except Exception:
                logger.exception("worker %s: reading the mailboxes failed", worker_id)

    def every_pass(self, worker_id: str, stop: threading.Event) -> None:
        """The outboxes of the apps above (hooks.every_pass), each on its own."""
        for job in hooks.every_pass.receivers():
            with job_context(job.__module__.rsplit(".", 1)[0]):
                try:
                    job(worker_id, stop.is_set)
                except Exception:
                    logger.exception("worker %s: %s failed", worker_id, job.__qualname__)

    def imports(self, worker_id: str) -> None:
        """The Excel imports waiting for a worker (each is claimed by one worker only)."""
        try:
            complaint_tasks.run_imports()
        except Exception:
            logger.exception("worker %s: the Excel imports failed", worker_id)

    def audit_checkpoint(self, worker_id: str) -> None:
        """The audit trail's signed heads, at the first pass and then every few minutes."""
        due = getattr(self, "_checkpointed_at", None)
        now = time.monotonic()
        if due is not None and now - due < settings.KESU_AUDIT_CHECKPOINT_SECONDS:
            return
        try:
            write_checkpoint()
            self._checkpointed_at = now
        except Exception:
            logger.exception("worker %s: the audit checkpoint failed", worker_id)


def _heartbeat(worker_id: str) -> None:
    try:
        heartbeat(worker_id)
    except Exception:
        logger.exception("worker %s: could not record its heartbeat", worker_id)


def _refresh_connections() -> None:
    """Drop database connections that broke or grew old between passes (a worker lives long).

    Not inside a transaction someone else opened (call_command in a test): that one stays.
    """
    if not connection.in_atomic_block:
        close_old_connections()
