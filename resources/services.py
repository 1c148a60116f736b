"""Writes for the guide library: admin, demo data and commands call these, not the ORM directly."""

from django.db import connections, router, transaction
from django.db.models import F

from . import search
from .files import validate_upload
from .models import Resource, ResourceFile
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
    """Rewrite the search columns of one resource from its current text (one UPDATE)."""
    values = search.index_columns(resource)
    using = router.db_for_write(Resource)
    if connections[using].vendor == "postgresql":
        values["search_vector"] = search.vector_expression(resource)
    Resource.objects.using(using).filter(pk=resource.pk).update(**values)


def resources_reindex() -> int:
    """Refresh the search columns of every resource, e.g. after a bulk import; returns how many."""
    count = 0
    for resource in Resource.objects.iterator(chunk_size=500):
        resource_index(resource=resource)
        count += 1
    return count


@transaction.atomic
def resource_file_save(*, resource_file: ResourceFile) -> ResourceFile:
    """Check a newly uploaded file by its content and size, record its format and size, and save it.

    Raises ValidationError with a message for the uploader when the file is refused.
    """
    if not getattr(resource_file.file, "_committed", True):
        detected = validate_upload(resource_file.file)
        resource_file.format = detected.code
        resource_file.size = resource_file.file.size
    resource_file.full_clean()
    resource_file.save()
    return resource_file


def resource_file_create(*, resource: Resource, language: str, file, title: str = "") -> ResourceFile:
    return resource_file_save(resource_file=ResourceFile(resource=resource, language=language, file=file, title=title))


def resource_file_delete(*, resource_file: ResourceFile) -> None:
    """Delete the row and the stored file (after the transaction commits, so a rollback keeps both)."""
    storage, name = resource_file.file.storage, resource_file.file.name
    resource_file.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def resource_file_count_download(*, resource_file: ResourceFile) -> None:
    """Count one download; no visitor data is recorded, and concurrent downloads never lose a count."""
    ResourceFile.objects.filter(pk=resource_file.pk).update(download_count=F("download_count") + 1)
