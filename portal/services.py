"""Writes of the portal's own models: progress reports requested, built, expired and deleted."""

import errno
import hashlib
import logging
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from groundwork.queue import enqueue_on_commit

from .models import BUILD_TASK, QueuedTask, Report
from .reports import write_report

logger = logging.getLogger(__name__)

REPORTS_FOLDER = "reports"
PARTIAL_PREFIX = ".partial-"
# A report still queued or running this long after its last start was interrupted for good: it is marked failed.
STALE_AFTER = timedelta(hours=6)
# Progress is written at most this often (seconds) while a report is built: each write is a commit of a few
# milliseconds, and a CSV build moves on by a percentage point every few tens of milliseconds.
PROGRESS_SECONDS = 0.5


class Superseded(Exception):
    """A newer attempt took the report over (a redelivered task): this one stops without writing."""


@transaction.atomic
def report_request(
    *, requested_by, period_from, period_to, countries, libraries, format, language, requested_at=None
) -> Report:
    """Store the request and enqueue its build (`groundwork.queue`: sent later if the broker is down)."""
    report = Report(
        requested_by=requested_by,
        requested_at=requested_at or timezone.now(),
        period_from=period_from,
        period_to=period_to,
        countries=list(countries),
        format=format,
        language=language,
    )
    report.full_clean()
    report.save()
    report.libraries.set(libraries)
    enqueue_on_commit(BUILD_TASK, report.pk)
    return report


def report_folder(report) -> str:
    """The report's own folder in the media storage, named so that it cannot be guessed from the report's id."""
    secret = salted_hmac("portal.report.folder", str(report.pk)).hexdigest()[:24]
    return f"{REPORTS_FOLDER}/{report.pk}-{secret}"


def _start_attempt(report_id):
    """Mark the report running and return it with this attempt's number, or None when there is nothing to do."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return None
        if report.status == Report.Status.DONE and report.file and default_storage.exists(report.file.name):
            # A redelivered task after a finished build: the file is there, the task has nothing to do.
            return None
        report.attempts += 1
        report.status = Report.Status.RUNNING
        report.progress = 0
        report.step = gettext("Starting")
        report.error = ""
        report.started_at = timezone.now()
        report.save(update_fields=["attempts", "status", "progress", "step", "error", "started_at"])
    return report


def _file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def failure_message(error, report) -> str:
    """What the coordinator reads when a build fails: what happened and what to do, never a traceback."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return gettext(
            "The server ran out of disk space while writing the file. Ask the site's administrators to free some "
            "space, then request the report again."
        )
    if isinstance(error, DatabaseError):
        return gettext(
            "The database could not be read while the report was prepared. Request the report again in a few "
            "minutes; if it fails again, tell the site's administrators (report number %(number)s)."
        ) % {"number": report.pk}
    return gettext(
        "The report could not be prepared because of an unexpected error. Request it again; if it fails again, "
        "tell the site's administrators (report number %(number)s)."
    ) % {"number": report.pk}


def report_build(*, report_id) -> Report | None:
    """Build the report's file; the work of `portal.tasks.build_report`, to run under the report's language.

    Safe to run again at any time: a finished report is left alone, and a run interrupted anywhere (a killed
    worker) leaves only a hidden partial file, which the next attempt removes. The file is written under a
    temporary name in the report's folder and moved into place in one step, so a reader sees either no file or
    the complete one; the same data always gives the same bytes.
    """
    report = _start_attempt(report_id)
    if report is None:
        return None
    attempt = report.attempts
    this_attempt = Report.objects.filter(pk=report.pk, attempts=attempt)
    folder = Path(default_storage.path(report_folder(report)))
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / report.download_name
    partial = folder / f"{PARTIAL_PREFIX}{attempt}-{report.download_name}"
    last = {"percent": -1, "at": -PROGRESS_SECONDS}

    def on_progress(percent, step):
        now = time.monotonic()
        if percent == last["percent"] or now - last["at"] < PROGRESS_SECONDS:
            return
        last.update(percent=percent, at=now)
        if not this_attempt.update(progress=percent, step=step[:200]):
            raise Superseded

    try:
        with open(partial, "wb") as target:
            write_report(report, target, on_progress=on_progress)
            target.flush()
            os.fsync(target.fileno())
        os.replace(partial, final)
    except Superseded:
        partial.unlink(missing_ok=True)
        return None
    except Exception as error:
        logger.exception("Report %s failed (attempt %s)", report.pk, attempt)
        partial.unlink(missing_ok=True)
        this_attempt.update(
            status=Report.Status.FAILED,
            error=failure_message(error, report),
            step="",
            finished_at=timezone.now(),
        )
        return None
    for leftover in folder.iterdir():
        if leftover.name.startswith(PARTIAL_PREFIX) and leftover != partial:
            leftover.unlink(missing_ok=True)
    finished_at = timezone.now()
    this_attempt.update(
        status=Report.Status.DONE,
        progress=100,
        step=gettext("Ready"),
        file=f"{report_folder(report)}/{final.name}",
        file_size=final.stat().st_size,
        file_sha256=_file_digest(final),
        finished_at=finished_at,
        expires_at=finished_at + timedelta(days=settings.REPORT_RETENTION_DAYS),
    )
    report.refresh_from_db()
    return report


def _delete_files(report):
    folder = default_storage.path(report_folder(report))
    shutil.rmtree(folder, ignore_errors=True)


def _waiting_for_broker():
    """Reports whose build waits for the broker to come back: not interrupted, only delayed."""
    waiting = QueuedTask.objects.waiting_for_broker().filter(task=BUILD_TASK)
    return [args[0] for args in waiting.values_list("args", flat=True)]


def report_expire(*, now=None) -> int:
    """Delete the files of reports past `expires_at` (the rows stay in the history) and mark reports whose build
    was interrupted for good as failed. Returns how many files were deleted."""
    now = now or timezone.now()
    expired = 0
    for report in Report.objects.expired(now).exclude(file=""):
        _delete_files(report)
        Report.objects.filter(pk=report.pk).update(file="", file_size=None, file_sha256="")
        expired += 1
    unfinished = Report.objects.filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING])
    stale = (
        unfinished.filter(requested_at__lt=now - STALE_AFTER)
        .exclude(started_at__gte=now - STALE_AFTER)
        .exclude(pk__in=_waiting_for_broker())
    )
    for report in stale:
        _delete_files(report)
        Report.objects.filter(pk=report.pk, attempts=report.attempts).update(
            status=Report.Status.FAILED,
            error=gettext("The report was interrupted and could not be finished. Request it again."),
            finished_at=now,
        )
    return expired


def report_delete(*, report) -> None:
    """Delete the report and its file."""
    _delete_files(report)
    report.delete()
