"""Celery tasks of the map: adapters that take ids and run a service in the right language.

Without REDIS_URL they run inline (CELERY_TASK_ALWAYS_EAGER)."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services
from .models import Initiative


@shared_task
def notify_submitter(initiative_id: int) -> bool:
    """Tell the person who suggested an initiative what became of it, in the language she wrote in."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        return False
    with translation.override(initiative.submitter_language or None):
        return services.submitter_notify(initiative=initiative)


@shared_task
def notify_moderators(initiative_id: int) -> int:
    """Tell the coordinators that a suggestion waits for their review."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        return services.moderators_notify(initiative=initiative)
