from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from groundwork.fields import ChoiceListField, LanguageListField
from groundwork.folding import text_matches
from groundwork.labels import listed_in_text
from groundwork.languages import language_names
from groundwork.uploads import SPREADSHEETS, UploadValidator
from groundwork.validators import PlausibleDateValidator, plausible_date_constraint
from partners.models import AccessFacts, AccessFactsQuerySetMixin, Organisation, Place, RandomUploadPath


class InitiativeQuerySet(AccessFactsQuerySetMixin, models.QuerySet):
    def published(self):
        return self.filter(status=Initiative.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Initiative.Status.PENDING)

    def without_unpublished_suggestions(self):
        """Leaves out the public's suggestions that are not on the map: pending review, rejected or archived."""
        return self.exclude(Q(source=Initiative.Source.SUGGESTION) & ~Q(status=Initiative.Status.PUBLISHED))

    def in_language(self, code):
        return self.filter(languages__icontains=f'"{code}"')

    def for_target_group(self, code):
        return self.filter(target_groups__icontains=f'"{code}"')

    def search(self, text):
        """Text in the title or description in any language, since visitors search in whatever language they read:
        every word, with or without diacritics (`groundwork.folding`, the rule of every public search)."""
        columns = [
            f"{field}_{language}"
            for field in ("title", "description")
            for language in settings.MODELTRANSLATION_LANGUAGES
        ]
        return self.filter(text_matches(columns, text))

    def on_map(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def for_listing(self):
        return self.select_related("host")

    def map_summary(self):
        """How many initiatives match, how many of them have a point, and the extent of those points."""
        return self.aggregate(
            count=Count("pk"),
            located=Count("latitude"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )


class Initiative(AccessFacts, Place):
    class Category(models.TextChoices):
        LANGUAGE = "language", _("Language learning")
        COUNSELLING = "counselling", _("Counselling and legal aid")
        EMPLOYMENT = "employment", _("Employment and skills")
        FAMILIES = "families", _("Children and families")
        CULTURE = "culture", _("Culture and social connection")
        DIGITAL = "digital", _("Digital skills")
        INFORMATION = "information", _("Information point")
        OTHER = "other", _("Other")

    class TargetGroup(models.TextChoices):
        ADULTS = "adults", _("Adults")
        CHILDREN = "children", _("Children")
        YOUTH = "youth", _("Young people")
        FAMILIES = "families", _("Families")
        WOMEN = "women", _("Women")
        SENIORS = "seniors", _("Older people")
        JOBSEEKERS = "jobseekers", _("Jobseekers")
        PROFESSIONALS = "professionals", _("Librarians and professionals")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        SUGGESTION = "suggestion", _("Public suggestion")
        IMPORT = "import", _("Spreadsheet import")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, default=Category.OTHER)
    host = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("host organisation"),
    )
    languages = LanguageListField(_("languages"))
    target_groups = ChoiceListField(_("target groups"), choices=TargetGroup.choices)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    active_since = models.DateField(_("active since"), null=True, blank=True, validators=[PlausibleDateValidator()])
    active_until = models.DateField(_("active until"), null=True, blank=True, validators=[PlausibleDateValidator()])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.STAFF)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Identifier in an imported spreadsheet; re-importing updates the row with the same id."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    submitter_email = models.EmailField(
        _("submitter's e-mail"),
        blank=True,
        help_text=_("Left with a public suggestion to hear about the decision; erased once the submitter is told."),
    )
    submitter_language = models.CharField(_("submitter's language"), max_length=8, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, help_text=_("Sent to the submitter of a rejected suggestion.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InitiativeQuerySet.as_manager()
    # Who created, changed, approved, rejected or deleted the initiative (the admin request gives the person).
    # The submitter's address is erased once she is told of the decision, so the trail must not keep a copy.
    history = HistoricalRecords(excluded_fields=["updated_at", "submitter_email"])

    class Meta(Place.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_since__isnull=True)
                | Q(active_until__gte=F("active_since")),
                name="initiative_active_period_ordered",
            ),
            plausible_date_constraint("active_since", name="initiative_active_since_plausible", nullable=True),
            plausible_date_constraint("active_until", name="initiative_active_until_plausible", nullable=True),
        ]
        indexes = [
            models.Index(fields=["status", "category"]),
            # Map views select a box of published points; map data versions read the latest change.
            models.Index(fields=["status", "latitude", "longitude"], name="initiative_status_point"),
            models.Index(fields=["updated_at"], name="initiative_updated_at"),
            # The city and country choices of the filters are read from these without touching the table.
            models.Index(fields=["status", "city"], name="initiative_status_city"),
            models.Index(fields=["status", "country"], name="initiative_status_country"),
        ]

    def __str__(self):
        # The title in the active language (with its fallbacks), else in the language the suggestion came in.
        return self.title or self.submitted_title

    def get_absolute_url(self):
        return reverse("mapping:initiative_detail", kwargs={"slug": self.slug})

    @property
    def is_unpublished_suggestion(self):
        """A suggestion from the public that is not on the map: pending review, rejected or archived."""
        return self.source == self.Source.SUGGESTION and self.status != self.Status.PUBLISHED

    @property
    def submitted_title(self):
        """The title in the language the suggestion was written in (the only one it has until a coordinator
        translates it), else in the active language with its fallbacks."""
        if self.submitter_language in settings.MODELTRANSLATION_LANGUAGES:
            own = getattr(self, build_localized_fieldname("title", self.submitter_language))
            if own:
                return own
        return self.title

    @property
    def language_names_in_text(self):
        """The names of the initiative's languages as a list inside text writes them."""
        return language_names(self.languages, in_text=True)

    @property
    def target_group_names_in_text(self):
        """Whom the initiative is for, as a list inside text writes it."""
        labels = dict(self.TargetGroup.choices)
        return listed_in_text(labels.get(code, code) for code in self.target_groups)

    def clean(self):
        super().clean()
        if self.active_since and self.active_until and self.active_until < self.active_since:
            raise ValidationError({"active_until": _("The end of the active period is before its start.")})
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is taken by a page of the map; choose another slug.")})


# Addresses under /map/ that are pages, not initiatives: an initiative with one of these slugs could not be reached.
RESERVED_SLUGS = frozenset({"list", "embed", "suggest"})


class InitiativeImport(models.Model):
    """A spreadsheet a coordinator uploaded: kept with its previewed rows until she confirms or abandons it.

    The file stays on disk between the preview and the confirmation, so nothing is written to initiatives before
    she has seen every row; the confirmation reads the file again and writes all rows in one transaction.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")

    file = models.FileField(
        _("file"), upload_to=RandomUploadPath("initiative-imports"), validators=[UploadValidator(*SPREADSHEETS)]
    )
    file_name = models.CharField(_("file name"), max_length=255)
    publish = models.BooleanField(
        _("publish new initiatives"),
        default=True,
        help_text=_(
            "New initiatives are published at once; otherwise they wait for review. Existing ones keep their status."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.JSONField(_("previewed rows"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("initiatives created"), default=0)
    updated_count = models.PositiveIntegerField(_("initiatives updated"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("initiative import")
        verbose_name_plural = _("initiative imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @property
    def can_be_confirmed(self):
        return self.status == self.Status.PREVIEWED and self.error_count == 0 and bool(self.rows)
