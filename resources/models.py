from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.fields import ChoiceListField, delivery_languages
from partners.models import Audience, Organisation, RandomUploadPath


class ResourceQuerySet(models.QuerySet):
    def published(self, today=None):
        return self.filter(published_on__isnull=False, published_on__lte=today or timezone.localdate())

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def for_listing(self):
        return self.prefetch_related("files")


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
    body = models.TextField(_("body"), blank=True)
    topics = ChoiceListField(_("topics"), choices=Topic.choices)
    audience = ChoiceListField(_("audience"), choices=Audience.choices)
    external_url = models.URLField(_("external link"), blank=True, help_text=_("For online tools."))
    related_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="resources", verbose_name=_("related organisations")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True, help_text=_("Empty: a draft."))
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:resource_detail", kwargs={"slug": self.slug})


class ResourceFile(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files", verbose_name=_("resource"))
    language = models.CharField(_("language"), max_length=8, choices=delivery_languages)
    file = models.FileField(_("file"), upload_to=RandomUploadPath("resources"))
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["resource", "language"]

    def __str__(self):
        return self.title or f"{self.resource} ({self.language})"
