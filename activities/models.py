from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.fields import ChoiceListField, LanguageListField
from partners.models import Audience, Organisation, Place, RandomUploadPath


class EventQuerySet(models.QuerySet):
    def published(self):
        """Visible to the public: published, and cancelled ones, which stay visible, clearly marked."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def in_language(self, code):
        return self.filter(languages__icontains=f'"{code}"')

    def for_organisation(self, organisation):
        return self.filter(Q(organiser=organisation) | Q(co_organisers=organisation)).distinct()

    def for_listing(self):
        return self.select_related("organiser", "venue_organisation")


class Event(Place):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        INFORMATION_SESSION = "information_session", _("Information session")
        LANGUAGE_CAFE = "language_cafe", _("Language café / conversation club")
        PARTNER_MEETING = "partner_meeting", _("Partner meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Venue(models.TextChoices):
        ORGANISATION = "organisation", _("At an organisation's premises")
        ADDRESS = "address", _("At another address")
        ONLINE = "online", _("Online")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.SEMINAR)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="organised_events", verbose_name=_("organiser")
    )
    co_organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="co_organised_events", verbose_name=_("co-organisers")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=20, choices=Venue.choices, default=Venue.ORGANISATION)
    venue_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("venue organisation"),
        help_text=_("Whose premises the event takes place in; the organiser's by default."),
    )
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    languages = LanguageListField(_("languages of delivery"))
    interpretation_available = models.BooleanField(_("interpretation available"), default=False)
    audience = ChoiceListField(_("audience"), choices=Audience.choices)
    accessibility = models.TextField(
        _("accessibility information"), blank=True, help_text=_("Step-free access, hearing loop, and so on.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(0)], help_text=_("Empty: no limit.")
    )
    registration_required = models.BooleanField(_("registration required"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    image = models.ImageField(_("image"), upload_to=RandomUploadPath("events"), blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=250, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta(Place.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0), name="event_capacity_not_negative"
            ),
            models.CheckConstraint(condition=~Q(venue="online") | ~Q(online_url=""), name="event_online_has_link"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:event_detail", kwargs={"slug": self.slug})

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def place(self):
        """Where to find the event: the venue organisation's address unless another address is given."""
        if self.venue == self.Venue.ORGANISATION:
            return self.venue_organisation or self.organiser
        return self

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if self.venue == self.Venue.ONLINE and not self.online_url:
            errors["online_url"] = _("An online event needs a link.")
        if self.venue == self.Venue.ADDRESS and not (self.street_address or self.city):
            errors["street_address"] = _("Give the address where the event takes place.")
        if self.image and not self.image_alt:
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if not self.languages:
            errors["languages"] = _("Choose at least one language of delivery.")
        if errors:
            raise ValidationError(errors)
