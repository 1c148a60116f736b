"""The portal's own rows: progress reports for the funder (a coordinator's request, and the file a Celery task builds
from it), and the task queue every app enqueues its Celery tasks through (`groundwork.queue`)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from groundwork.uploads import UploadValidator
from groundwork.validators import PlausibleDateValidator, plausible_date_constraint
from partners.models import Organisation


class ReportQuerySet(models.QuerySet):
    def requested_by(self, user):
        return self.filter(requested_by=user)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def for_history(self):
        return self.select_related("requested_by").prefetch_related("libraries")


# The Celery task that builds a report's file (portal.tasks).
BUILD_TASK = "portal.tasks.build_report"


class Report(models.Model):
    """One report asked for by a staff member: the period and scope chosen, and the state of the file.

    The build runs in a Celery task (`portal.tasks.build_report`) that writes its progress here; the file is
    kept until `expires_at` (`REPORT_RETENTION_DAYS` after it was built) and then deleted, the row staying in the
    history.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        CSV_ZIP = "csv_zip", _("CSV files in a ZIP archive")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    period_from = models.DateField(_("from"), validators=[PlausibleDateValidator()])
    period_to = models.DateField(_("to"), validators=[PlausibleDateValidator()])
    countries = CountryField(_("countries"), multiple=True, blank=True, help_text=_("Empty: every country."))
    libraries = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("libraries"),
        help_text=_("Empty: every library."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    # Written by the build task, never uploaded; the validator says what the file may be, as on every file field.
    file = models.FileField(_("file"), max_length=255, blank=True, validators=[UploadValidator("xlsx", "csv_zip")])
    file_size = models.PositiveBigIntegerField(_("file size in bytes"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, editable=False, help_text=_("Builds started; more than one after an interruption.")
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("file deleted at"), null=True, blank=True, db_index=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_to__gte=F("period_from")), name="report_period_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            plausible_date_constraint("period_from", name="report_period_from_plausible"),
            plausible_date_constraint("period_to", name="report_period_to_plausible"),
        ]

    def __str__(self):
        return _("Report %(from)s – %(to)s") % {"from": self.period_from, "to": self.period_to}

    def get_absolute_url(self):
        return reverse("staff:report_detail", kwargs={"pk": self.pk})

    @property
    def waits_for_broker(self):
        """Whether its build could not be handed to the broker yet (it was down): it starts once the broker is back."""
        return QueuedTask.objects.waiting_for_broker().filter(task=BUILD_TASK, args=[self.pk]).exists()

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_downloadable(self):
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def has_expired(self):
        """Built, and its file deleted after the retention period (`REPORT_RETENTION_DAYS`)."""
        return self.status == self.Status.DONE and not self.file

    @property
    def can_be_built_again(self):
        return self.status == self.Status.FAILED or self.has_expired

    def get_state_display(self):
        """The status as the history and the report's page show it: an expired file says so."""
        return _("File expired") if self.has_expired else self.get_status_display()

    @property
    def file_extension(self):
        return "xlsx" if self.format == self.Format.XLSX else "zip"

    @property
    def download_name(self):
        return f"libri-report-{self.period_from:%Y%m%d}-{self.period_to:%Y%m%d}-{self.pk}.{self.file_extension}"


class QueuedTaskQuerySet(models.QuerySet):
    def not_done(self):
        return self.filter(done_at__isnull=True)

    def waiting_for_broker(self):
        """Not handed to the broker yet: it was down when they were enqueued."""
        return self.not_done().filter(published_at__isnull=True)


class QueuedTask(models.Model):
    """A Celery task enqueued with a write (`groundwork.queue.enqueue_on_commit`): kept until a worker has run it, so
    that a broker outage delays it and loses nothing, and a message delivered twice runs once."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    published_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("times handed to the broker"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        # The dispatcher's question: what is not done yet, oldest first.
        indexes = [models.Index(fields=["done_at", "created_at"], name="queuedtask_pending")]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
