"""The Celery app of production workers: `celery -A kesu.celery worker` and `… beat`.

Its configuration is Django's settings under the CELERY_ prefix (broker: KESU_CELERY_BROKER_URL);
the schedule is CELERY_BEAT_SCHEDULE in kesu/settings.py. Tasks only call services.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from kesu.core.logs import job_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

app = Celery("kesu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Log records written while a task runs carry its name as `job` (kesu/core/logs.py); Celery's
# workers log through Django's LOGGING (CELERY_WORKER_HIJACK_ROOT_LOGGER is off).
@task_prerun.connect
def _job_started(task=None, **kwargs):
    job_var.set(getattr(task, "name", None))


@task_postrun.connect
def _job_finished(**kwargs):
    job_var.set(None)
