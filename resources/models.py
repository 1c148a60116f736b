from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partners.fields import ChoiceListField, delivery_languages
from partners.models import Audience, Organisation, RandomUploadPath

from . import search


class ResourceQuerySet(models.QuerySet):
    def published(self, today=None):
        return self.filter(published_on__isnull=False, published_on__lte=today or timezone.localdate())

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def with_topic(self, code):
        return self.filter(topics__icontains=f'"{code}"')

    def for_audience(self, code):
        return self.filter(audience__icontains=f'"{code}"')

    def in_language(self, code):
        """Resources with a file in that language, or with their text written in it (a content language)."""
        return self.filter(available_in_condition(code))

    def matching(self, query):
        """Resources whose title, summary or body, in any language, contain every word of the query."""
        return search.filter_matching(self, search.query_terms(query))

    def search(self, query, language):
        """`matching()` with a relevance `rank` and, on PostgreSQL, a highlighted `headline`."""
        terms = search.query_terms(query)
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

    def for_detail(self):
        return self.select_related("owner").prefetch_related("files", "related_organisations")


def available_in_condition(code):
    """A file in that language, or the text itself written in it (for the four content languages)."""
    condition = Q(pk__in=ResourceFile.objects.filter(language=code).values("resource_id"))
    if code in search.CONTENT_LANGUAGES:
        condition |= Q(**{f"title_{code}__gt": ""})
    return condition


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
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
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
    published_on = models.DateField(_("published on"), null=True, blank=True, help_text=_("Empty: a draft."))
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Search columns, written only by resources.services.resource_index(): folded text of every language for
    # SQLite, and on PostgreSQL a weighted tsvector over the four languages (GIN index created in a migration).
    search_title = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["published_on", "kind"])]

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
    def file_languages(self):
        """Names of the languages the files are in, in file order (uses prefetched files)."""
        names = {}
        for resource_file in self.files.all():
            names.setdefault(resource_file.language, resource_file.get_language_display())
        return list(names.values())

    @property
    def topic_labels(self):
        labels = dict(self.Topic.choices)
        return [labels[code] for code in self.topics or [] if code in labels]

    @property
    def audience_labels(self):
        labels = dict(Audience.choices)
        return [labels[code] for code in self.audience or [] if code in labels]

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
    file = models.FileField(_("file"), upload_to=RandomUploadPath("resources"))
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
