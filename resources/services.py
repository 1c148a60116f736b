"""Writes for the guide library: admin, demo data and commands call these, not the ORM directly."""

from django.db import connections, router, transaction
from django.db.models import F

from . import search
from .models import GoodPractice, Resource, ResourceFile
from .richtext import sanitise_html


@transaction.atomic
def resource_save(*, resource: Resource) -> Resource:
    """Sanitise the rich text in every language, validate, save, and refresh the search columns."""
    for code in search.CONTENT_LANGUAGES:
        field = f"body_{code}"
        value = getattr(resource, field)
        if value:
            setattr(resource, field, sanitise_html(value))
    resource.full_clean()
    resource.save()
    resource_index(resource=resource)
    return resource


def resource_index(*, resource: Resource) -> None:
    """Rewrite the search columns of one resource from its current text and good-practice record.

    The record is read afresh (one SELECT, then one UPDATE), so a record just saved or deleted counts.
    """
    using = router.db_for_write(Resource)
    practice = GoodPractice.objects.using(using).filter(resource_id=resource.pk).first()
    values = search.index_columns(resource, practice)
    if connections[using].vendor == "postgresql":
        values["search_vector"] = search.vector_expression(resource, practice)
    Resource.objects.using(using).filter(pk=resource.pk).update(**values)


def resources_reindex() -> int:
    """Refresh the search columns of every resource, e.g. after a bulk import; returns how many."""
    count = 0
    for resource in Resource.objects.iterator(chunk_size=500):
        resource_index(resource=resource)
        count += 1
    return count


@transaction.atomic
def good_practice_save(*, good_practice: GoodPractice) -> GoodPractice:
    """Validate and save a good-practice record, and refresh its resource's search columns to include it."""
    good_practice.full_clean()
    good_practice.save()
    resource_index(resource=good_practice.resource)
    return good_practice


@transaction.atomic
def good_practice_delete(*, good_practice: GoodPractice) -> None:
    resource = good_practice.resource
    good_practice.delete()
    resource_index(resource=resource)


@transaction.atomic
def resource_file_save(*, resource_file: ResourceFile) -> ResourceFile:
    """Check a newly uploaded file by its content and size, record its format and size, and save it.

    Raises ValidationError with a message for the uploader when the file is refused.
    """
    if not getattr(resource_file.file, "_committed", True):
        detected = ResourceFile.file_validator.check(resource_file.file.file)
        resource_file.format = detected.code
        resource_file.size = resource_file.file.size
    resource_file.full_clean()
    resource_file.save()
    return resource_file


def resource_file_delete(*, resource_file: ResourceFile) -> None:
    """Delete the row and the stored file (after the transaction commits, so a rollback keeps both)."""
    storage, name = resource_file.file.storage, resource_file.file.name
    resource_file.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def resource_file_count_download(*, resource_file: ResourceFile) -> None:
    """Count one download; no visitor data is recorded, and concurrent downloads never lose a count."""
    ResourceFile.objects.filter(pk=resource_file.pk).update(download_count=F("download_count") + 1)
