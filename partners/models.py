import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from groundwork.labels import listed_in_text
from groundwork.uploads import DOCUMENTS, IMAGES, UploadValidator
from groundwork.validators import PlausibleDateValidator, ReservedSlugValidator, plausible_date_constraint


@deconstructible
class RandomUploadPath:
    """Store uploads under random names: a file name can carry personal data and must not be guessable."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"

    def __eq__(self, other):
        return isinstance(other, RandomUploadPath) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


class Audience(models.TextChoices):
    """Who an event or a resource is for; shared by activities and resources."""

    NEWCOMERS = "tcn", _("Third-country nationals")
    LIBRARIANS = "librarians", _("Librarians")
    PARTNERS = "partners", _("Partner organisations")
    PUBLIC = "public", _("General public")


class AccessFact(models.TextChoices):
    """What a person may need to know before coming, as facts staff tick (the free-text note says the rest).

    The codes are what the public filters (`?access=`), the feeds and the API carry; each has a boolean column of
    its own (`ACCESS_FACT_FIELDS`), so that a filter is a plain `WHERE column` the database answers cheaply and
    nothing about them is translated."""

    STEP_FREE = "step_free", _("Step-free access")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    CHILDCARE = "childcare", _("Childcare while you take part")
    INTERPRETATION = "interpretation", _("Sign or other interpretation")
    ONLINE = "online", _("Online participation possible")
    FREE = "free", _("Free of charge")


# Code -> column of `AccessFacts`, in the order the facts are shown.
ACCESS_FACT_FIELDS = {
    AccessFact.STEP_FREE: "step_free_access",
    AccessFact.HEARING_LOOP: "hearing_loop",
    AccessFact.CHILDCARE: "childcare",
    AccessFact.INTERPRETATION: "interpretation_available",
    AccessFact.ONLINE: "online_participation",
    AccessFact.FREE: "free_of_charge",
}


class AccessFactsQuerySetMixin:
    def with_access_facts(self, codes):
        """Only what has every one of the facts `codes` (`AccessFact` values; unknown codes are ignored)."""
        return self.filter(**{ACCESS_FACT_FIELDS[code]: True for code in codes if code in ACCESS_FACT_FIELDS})


class AccessFacts(models.Model):
    """Structured accessibility and practical facts of an event or an initiative. Unticked means "not stated",
    not "no": only the facts that hold are shown and published."""

    step_free_access = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    childcare = models.BooleanField(_("childcare while people take part"), default=False)
    interpretation_available = models.BooleanField(_("sign or other interpretation"), default=False)
    online_participation = models.BooleanField(_("online participation possible"), default=False)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)

    class Meta:
        abstract = True

    def has_access_fact(self, code):
        return bool(getattr(self, ACCESS_FACT_FIELDS[code]))

    @property
    def access_facts(self):
        """The facts that hold, as `AccessFact` members in their display order."""
        return [AccessFact(code) for code in ACCESS_FACT_FIELDS if self.has_access_fact(code)]

    @property
    def access_fact_names_in_text(self):
        """The facts that hold as a list inside text writes them ("Accessibility: step-free access, hearing loop")."""
        return listed_in_text(fact.label for fact in self.access_facts)


class Place(models.Model):
    """An address with an optional point; coordinates are WGS84 decimals (what Leaflet takes), never strings."""

    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="LV")
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
            # Its message is the one a form shows: checked by the model's validation, it is skipped when either
            # coordinate already has an error of its own (not a number, out of range).
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_point_complete",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def address_line(self):
        return ", ".join(part for part in (self.street_address, self.postal_code, self.city) if part)


class OrganisationQuerySet(models.QuerySet):
    def libraries(self):
        return self.filter(kind=Organisation.Kind.PARTNER_LIBRARY)


class Organisation(Place):
    class Kind(models.TextChoices):
        PARTNER_LIBRARY = "partner_library", _("Partner library")
        MUNICIPAL_SERVICE = "municipal_service", _("Municipal service")
        NGO = "ngo", _("Non-governmental organisation")
        CONSORTIUM_PARTNER = "consortium_partner", _("Consortium partner")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        # "agreements" is the register's own page under /<lang>/partners/.
        validators=[ReservedSlugValidator(["agreements"])],
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    logo = models.ImageField(
        _("logo"), upload_to=RandomUploadPath("logos"), blank=True, validators=[UploadValidator(*IMAGES)]
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demonstration content, not a real record.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(Place.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", kwargs={"slug": self.slug})


class AgreementQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(signed_on__isnull=False)

    def with_parties(self):
        return self.prefetch_related("parties")


class Agreement(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation agreement")
        MEMORANDUM = "memorandum", _("Memorandum of intent")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.COOPERATION)
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    signed_on = models.DateField(_("signed on"), validators=[PlausibleDateValidator()])
    parties = models.ManyToManyField(
        Organisation, related_name="agreements", verbose_name=_("parties"), help_text=_("At least two.")
    )
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(
        _("signed document"),
        upload_to=RandomUploadPath("agreements"),
        blank=True,
        validators=[UploadValidator(*DOCUMENTS)],
        help_text=_("PDF, DOCX or ODT."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[PlausibleDateValidator()])
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[parties])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("signed_on")),
                name="agreement_valid_after_signing",
            ),
            plausible_date_constraint("signed_on", name="agreement_signed_on_plausible"),
            plausible_date_constraint("valid_until", name="agreement_valid_until_plausible", nullable=True),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:agreement_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.valid_until and self.signed_on and self.valid_until < self.signed_on:
            raise ValidationError({"valid_until": _("An agreement cannot expire before it is signed.")})


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        LIBRARIAN = "librarian", _("Librarian")
        COORDINATOR = "coordinator", _("Coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LIBRARIAN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
