# The Celery app is loaded with Django, so that the tasks' shared_task binds to it and its
# signal handlers (the job name on log records) are connected in every process.
from kesu.celery import app as celery_app

__all__ = ["celery_app"]
