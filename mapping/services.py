"""Writes on initiatives: the admin, imports and commands change an initiative's state only through these functions.

Each save goes through `Model.save()`, which sets `updated_at`: the map data's ETag and cache key depend on it.
"""

from django.db import transaction

from .models import Initiative


@transaction.atomic
def initiative_approve(*, initiative: Initiative) -> Initiative:
    """Publish a pending (or archived) initiative. Raises ValidationError when the record is not valid."""
    initiative.status = Initiative.Status.PUBLISHED
    initiative.full_clean()
    initiative.save(update_fields=["status", "updated_at"])
    return initiative


@transaction.atomic
def initiative_archive(*, initiative: Initiative) -> Initiative:
    """Take an initiative off the public map and list; it stays in the admin. Raises ValidationError if invalid."""
    initiative.status = Initiative.Status.ARCHIVED
    initiative.full_clean()
    initiative.save(update_fields=["status", "updated_at"])
    return initiative
