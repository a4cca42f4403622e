"""The Celery app of production workers: `celery -A kesu.celery worker` and `… beat`.

Its configuration is Django's settings under the CELERY_ prefix (broker: KESU_CELERY_BROKER_URL);
the schedule is CELERY_BEAT_SCHEDULE in kesu/settings.py. Tasks only call services.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

app = Celery("kesu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
