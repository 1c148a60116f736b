"""Writes on events: the admin, commands and tasks change an event's state only through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Event


@transaction.atomic
def event_publish(*, event: Event) -> Event:
    """Make a draft or cancelled event public. Raises ValidationError when the event is not complete."""
    event.status = Event.Status.PUBLISHED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel a published event: it stays visible to the public, clearly marked as cancelled.

    A draft was never announced, so there is nothing to cancel: it raises ValidationError (delete the draft).
    """
    if event.status == Event.Status.DRAFT:
        raise ValidationError(_("A draft has not been announced, so it cannot be cancelled; delete it instead."))
    event.status = Event.Status.CANCELLED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    return event
