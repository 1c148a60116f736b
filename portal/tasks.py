"""Celery tasks of the portal: adapters that load by id and run one service (see STYLE.md)."""

from celery import shared_task
from django.utils import translation

from groundwork import queue

from . import services
from .models import Report


@shared_task(name="portal.tasks.build_report")
def build_report(report_id):
    """Build a report's file in the language of the person who asked for it.

    Acknowledged late and rejected when its worker dies (project-wide settings), so a killed worker's report is
    delivered again; `report_build` makes the second run finish the file exactly once.
    """
    language = Report.objects.filter(pk=report_id).values_list("language", flat=True).first()
    if language is None:
        return
    with translation.override(language):
        services.report_build(report_id=report_id)


@shared_task(name="portal.tasks.dispatch_queued_tasks")
def dispatch_queued_tasks():
    """Send the tasks every app enqueued while the broker was unreachable; runs from beat, so the broker is back."""
    return queue.publish_pending()


@shared_task(name="portal.tasks.expire_reports")
def expire_reports():
    """Delete report files past their retention and close builds that were interrupted for good."""
    return services.report_expire()
