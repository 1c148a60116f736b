import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# Every task runs once per entry of the task queue table, however often its message is delivered (groundwork.queue).
app = Celery("portal", task_cls="groundwork.queue:RunOnceTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
