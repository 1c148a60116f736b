from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from activities.models import Event
from groundwork.fields import ChoiceListField, delivery_languages
from groundwork.folding import query_terms
from groundwork.labels import listed_in_text
from groundwork.languages import language_names
from groundwork.uploads import DOCUMENTS, UploadValidator
from groundwork.validators import PlausibleDateValidator, ReservedSlugValidator, plausible_date_constraint
from partners.models import Agreement, Audience, Organisation, RandomUploadPath

from . import search


class ResourceQuerySet(models.QuerySet):
    def published(self, today=None):
        return self.filter(published_on__isnull=False, published_on__lte=today or timezone.localdate())

    def with_topic(self, code):
        return self.filter(topics__icontains=f'"{code}"')

    def for_audience(self, code):
        return self.filter(audience__icontains=f'"{code}"')

    def in_language(self, code):
        """Resources with a file in that language, or with their text written in it (a content language)."""
        return self.filter(available_in_condition(code))

    def matching(self, query):
        """Resources whose title, summary or body, in any language, contain every word of the query."""
        return search.filter_matching(self, query_terms(query))

    def search(self, query, language):
        """`matching()` with a relevance `rank` and, on PostgreSQL, a highlighted `headline`."""
        terms = query_terms(query)
        return search.annotate_relevance(search.filter_matching(self, terms), terms, language)

    def related_to(self, resource, limit=4):
        """Other resources sharing a topic with this one, newest first."""
        condition = Q()
        for code in resource.topics or []:
            condition |= Q(topics__icontains=f'"{code}"')
        if not condition:
            return self.none()
        return self.filter(condition).exclude(pk=resource.pk).order_by("-published_on", "pk")[:limit]

    def for_listing(self):
        return self.select_related("owner").prefetch_related("files")

    def for_detail(self, now=None):
        """With files, organisations and the related events still to come (published ones, soonest first)."""
        upcoming = (
            Event.objects.published()
            .upcoming(now)
            .select_related("organiser", "venue_organisation")
            .with_registration_counts()
        )
        return self.select_related("owner", "good_practice__library", "strategy").prefetch_related(
            "files",
            "related_organisations",
            Prefetch("related_events", queryset=upcoming, to_attr="upcoming_events"),
        )


def available_in_condition(code):
    """A file in that language, or the text itself written in it (for the four content languages)."""
    condition = Q(pk__in=ResourceFile.objects.filter(language=code).values("resource_id"))
    if code in search.CONTENT_LANGUAGES:
        condition |= Q(**{f"title_{code}__gt": ""})
    return condition


# Paths under /<lang>/resources/ that are not resources (see urls.py).
RESERVED_SLUGS = ("files", "strategies")


class Resource(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        TOOLKIT = "toolkit", _("Toolkit")
        ONLINE_TOOL = "online_tool", _("Online tool")
        GOOD_PRACTICE = "good_practice", _("Good practice")
        METHODOLOGY = "methodology", _("Methodology")
        STRATEGY = "strategy", _("Local integration strategy")
        CHECKLIST = "checklist", _("Checklist")

    class Topic(models.TextChoices):
        INTERCULTURAL = "intercultural", _("Intercultural communication")
        LANGUAGE = "language", _("Language learning")
        SERVICES = "services", _("Library services for newcomers")
        PARTNERSHIPS = "partnerships", _("Local partnerships")
        RIGHTS = "rights", _("Rights and public services")
        EMPLOYMENT = "employment", _("Employment and skills")
        CHILDREN = "children", _("Children and families")
        DIGITAL = "digital", _("Digital inclusion")
        WELLBEING = "wellbeing", _("Wellbeing and trauma awareness")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.GUIDE)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, validators=[ReservedSlugValidator(RESERVED_SLUGS)])
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Rich text; scripts and unsafe markup are removed."))
    topics = ChoiceListField(_("topics"), choices=Topic.choices)
    audience = ChoiceListField(_("audience"), choices=Audience.choices)
    external_url = models.URLField(_("external link"), blank=True, help_text=_("For online tools."))
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_resources",
        verbose_name=_("publishing organisation"),
    )
    related_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="resources", verbose_name=_("related organisations")
    )
    related_events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="resources",
        verbose_name=_("related events"),
        help_text=_("Seminars or workshops that use or present this resource; upcoming ones are shown on its page."),
    )
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("Empty: a draft."), validators=[PlausibleDateValidator()]
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Search columns, written only by resources.services.resource_index(): folded text of every language for
    # SQLite, and on PostgreSQL a weighted tsvector over the four languages (GIN index created in a migration).
    search_title = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    objects = ResourceQuerySet.as_manager()
    # Who created, changed, published or deleted the resource; the search columns are derived from its text.
    history = HistoricalRecords(excluded_fields=["updated_at", "search_title", "search_text", "search_vector"])

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["published_on", "kind"])]
        constraints = [
            plausible_date_constraint("published_on", name="resource_published_on_plausible", nullable=True),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:resource_detail", kwargs={"slug": self.slug})

    @property
    def content_language(self):
        """The language the title is shown in: the visitor's if translated, else the first fallback filled in."""
        active = get_language() or search.CONTENT_LANGUAGES[0]
        for code in (active, *search.CONTENT_LANGUAGES):
            if getattr(self, f"title_{code}", None):
                return code
        return active

    @property
    def file_language_names_in_text(self):
        """The languages the files are in, in file order, as a list inside text writes them ("Faili valodās:
        latviešu, angļu"); uses prefetched files."""
        return language_names(dict.fromkeys(resource_file.language for resource_file in self.files.all()), in_text=True)

    @property
    def topic_names_in_text(self):
        """The resource's topics as a list inside text writes them."""
        labels = dict(self.Topic.choices)
        return listed_in_text(labels[code] for code in self.topics or [] if code in labels)

    @property
    def audience_names_in_text(self):
        """Whom the resource is for, as a list inside text writes it."""
        labels = dict(Audience.choices)
        return listed_in_text(labels[code] for code in self.audience or [] if code in labels)

    @property
    def is_published(self):
        return self.published_on is not None and self.published_on <= timezone.localdate()


class ResourceFile(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"
        EPUB = "epub", "EPUB"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files", verbose_name=_("resource"))
    language = models.CharField(_("language"), max_length=8, choices=delivery_languages)
    # Guides may also be e-books; RESOURCE_FILE_TYPES narrows the kinds and RESOURCE_FILE_MAX_BYTES sets the limit.
    file_validator = UploadValidator(
        *DOCUMENTS, "epub", formats_setting="RESOURCE_FILE_TYPES", max_bytes_setting="RESOURCE_FILE_MAX_BYTES"
    )
    file = models.FileField(_("file"), upload_to=RandomUploadPath("resources"), validators=[file_validator])
    title = models.CharField(_("title"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, editable=False, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    download_count = models.PositiveIntegerField(_("downloads"), editable=False, default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["resource", "language"]

    def __str__(self):
        return self.title or f"{self.resource} ({self.language})"

    def get_absolute_url(self):
        return reverse("resources:file_download", kwargs={"pk": self.pk})

    @property
    def download_name(self):
        """The name a visitor's browser saves: built from the resource, never from the uploader's file name."""
        return f"{self.resource.slug}-{self.language}.{self.format or 'bin'}"


class GoodPractice(models.Model):
    """The structured record of a good-practice resource, in the shape of the IFLA guidelines' examples."""

    resource = models.OneToOneField(
        Resource,
        on_delete=models.CASCADE,
        related_name="good_practice",
        verbose_name=_("resource"),
        limit_choices_to={"kind": Resource.Kind.GOOD_PRACTICE},
    )
    country = CountryField(_("country"), default="LV")
    library = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("library"),
    )
    need = models.TextField(_("need addressed"), blank=True)
    what_was_done = models.TextField(_("what was done"), blank=True)
    partners_involved = models.TextField(_("partners involved"), blank=True)
    resources_needed = models.TextField(_("resources needed"), blank=True)
    results = models.TextField(_("results and evidence"), blank=True)
    contact = models.CharField(_("contact"), max_length=250, blank=True, help_text=_("A role or a service address."))
    how_to_transfer = models.TextField(_("how to transfer it elsewhere"), blank=True)

    class Meta:
        verbose_name = _("good-practice record")
        verbose_name_plural = _("good-practice records")

    def __str__(self):
        return str(self.resource)

    @property
    def sections(self):
        """(heading, text) of the filled-in sections, in the record's order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in search.PRACTICE_FIELDS
            if getattr(self, name)
        ]


class StrategyQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=Strategy.Status.ADOPTED)

    def with_progress(self):
        return self.annotate(
            items_total=Count("action_items"),
            items_done=Count("action_items", filter=Q(action_items__status=ActionItem.Status.DONE)),
            items_in_progress=Count("action_items", filter=Q(action_items__status=ActionItem.Status.IN_PROGRESS)),
            items_planned=Count("action_items", filter=Q(action_items__status=ActionItem.Status.PLANNED)),
        )


class Strategy(models.Model):
    """A partner library's local integration strategy, adopted with its municipality and local partners."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    library = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("library")
    )
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="strategy_partnerships", verbose_name=_("partners")
    )
    agreements = models.ManyToManyField(
        Agreement, blank=True, related_name="strategies", verbose_name=_("linked agreements")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, validators=[PlausibleDateValidator()])
    document = models.OneToOneField(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy",
        verbose_name=_("document"),
        limit_choices_to={"kind": Resource.Kind.STRATEGY},
        help_text=_("The strategy text in the guide library, with its files per language."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("local integration strategy")
        verbose_name_plural = _("local integration strategies")
        ordering = ["-adopted_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False), name="strategy_adopted_has_date"
            ),
            plausible_date_constraint("adopted_on", name="strategy_adopted_on_plausible", nullable=True),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:strategy_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.status == self.Status.ADOPTED and not self.adopted_on:
            raise ValidationError({"adopted_on": _("Give the date the strategy was adopted.")})


class ActionItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("strategy")
    )
    title = models.CharField(_("title"), max_length=250)
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("responsible organisation"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True, validators=[PlausibleDateValidator()])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    events = models.ManyToManyField(Event, blank=True, related_name="action_items", verbose_name=_("linked events"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Read by the open data API's validators: a changed status must change the strategies' ETag.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan")
        ordering = ["strategy", "position", "due_on", "pk"]
        constraints = [plausible_date_constraint("due_on", name="actionitem_due_on_plausible", nullable=True)]

    def __str__(self):
        return self.title
