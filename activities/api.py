"""Open data API of the events (wired by `portal.api`): the public event list's filters, plus `updated_since` for
harvesting changes; cancelled events stay listed with their status, drafts never are."""

import django_filters
from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import serializers

from groundwork.api import (
    ApiUrlField,
    FileUrlField,
    Freshness,
    InstantFilter,
    OpenDataFilterSet,
    PageUrlField,
    ReadOnlyOpenDataViewSet,
    StableOrderingFilter,
    TextFilter,
    TranslatedField,
    content_languages,
    with_audit_trail,
)
from groundwork.validators import PlausibleDateValidator
from partners.api import AccessFactsField, AccessFactsFilter, CountryCodeField, OrganisationRefSerializer
from partners.models import Audience, Organisation

from .models import Event

PUBLIC_STATUSES = [(status, status.label) for status in (Event.Status.PUBLISHED, Event.Status.CANCELLED)]


class EventPlaceSerializer(serializers.Serializer):
    """Where the event is held: the named venue, else the hosting organisation, with its address and point
    (the shape of `EventSerializer.get_place`)."""

    name = inline_serializer(
        name="TranslatedName",
        fields={code: serializers.CharField(allow_null=True) for code in settings.MODELTRANSLATION_LANGUAGES},
    )
    street_address = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    country = CountryCodeField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    organisation_id = serializers.IntegerField(allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:event-detail")
    page_url = PageUrlField()
    title = TranslatedField()
    summary = TranslatedField()
    description = TranslatedField()
    accessibility = TranslatedField()
    image_alt = TranslatedField()
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES, read_only=True)
    organiser = OrganisationRefSerializer(read_only=True)
    co_organisers = OrganisationRefSerializer(many=True, read_only=True)
    place = serializers.SerializerMethodField()
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    audience = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices), read_only=True)
    image_url = FileUrlField(source="image")
    access = AccessFactsField()

    class Meta:
        model = Event
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "status",
            "kind",
            "title",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "place",
            "online_url",
            "organiser",
            "co_organisers",
            "languages",
            "interpretation_available",
            "audience",
            "access",
            "accessibility",
            "capacity",
            "registration_required",
            "image_url",
            "image_alt",
            "sequence",
            "is_sample",
            "updated_at",
        )

    @extend_schema_field(EventPlaceSerializer(allow_null=True))
    def get_place(self, event):
        # Built by hand to the shape EventPlaceSerializer documents: a serializer per event cost more than the rest
        # of the event together.
        if event.is_online:
            return None
        place = event.place
        is_organisation = isinstance(place, Organisation)
        names = {code: getattr(event, f"venue_name_{code}", "") or None for code in content_languages()}
        if not any(names.values()) and is_organisation:
            names = {code: getattr(place, f"name_{code}", "") or None for code in content_languages()}
        return {
            "name": names,
            "street_address": place.street_address,
            "postal_code": place.postal_code,
            "city": place.city,
            "country": str(place.country),
            "latitude": float(place.latitude) if place.latitude is not None else None,
            "longitude": float(place.longitude) if place.longitude is not None else None,
            "organisation_id": place.pk if is_organisation else None,
        }


class EventApiFilter(OpenDataFilterSet):
    q = TextFilter(method="filter_text", label=("Words from the title, summary or description, in any language."))
    language = django_filters.ChoiceFilter(
        choices=settings.DELIVERY_LANGUAGES, method="filter_language", label=("Language of delivery (ISO 639-1).")
    )
    city = TextFilter(method="filter_city", label=("City where the event takes place, in any letter case."))
    library = TextFilter(method="filter_library", label=("Slug of the organisation that organises or hosts it."))
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices, label=("Kind of event."))
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method="filter_audience", label=("Audience."))
    status = django_filters.ChoiceFilter(choices=PUBLIC_STATUSES, label=("Published or cancelled."))
    access = AccessFactsFilter()
    date_from = django_filters.DateFilter(
        method="filter_date_from",
        validators=[PlausibleDateValidator()],
        label=("Starts on this day or later (Riga); from 2000-01-01 to 2100-12-31."),
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        validators=[PlausibleDateValidator()],
        label=("Starts on this day or earlier (Riga); from 2000-01-01 to 2100-12-31."),
    )
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )
    ordering = StableOrderingFilter(
        fields=(("starts_at", "starts_at"), ("updated_at", "updated_at")),
        label=("Order: starts_at (the default), updated_at, or either with a leading minus."),
    )

    class Meta:
        model = Event
        fields = ("q", "language", "city", "library", "kind", "audience", "status", "access", "date_from", "date_to")

    def filter_text(self, queryset, name, value):
        # Every language is searched: a consumer's language is not the interface's.
        text = value.strip()
        return queryset.search(text, languages=content_languages()) if text else queryset

    def filter_language(self, queryset, name, value):
        return queryset.in_language(value)

    def filter_city(self, queryset, name, value):
        return queryset.in_city(value)

    def filter_library(self, queryset, name, value):
        return queryset.at_organisation(Organisation.objects.filter(slug=value).values("pk")[:1])

    def filter_audience(self, queryset, name, value):
        return queryset.for_audience(value)

    def filter_date_from(self, queryset, name, value):
        return queryset.starting_from(value)

    def filter_date_to(self, queryset, name, value):
        return queryset.starting_until(value)


@extend_schema_view(
    list=extend_schema(
        summary="Events",
        description="Published and cancelled events, past and upcoming, by start time. Use `date_from` for the "
        "upcoming ones and `updated_since` to fetch only what changed since the last harvest.",
    ),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(ReadOnlyOpenDataViewSet):
    queryset = (
        Event.objects.published()
        .select_related("organiser", "venue_organisation")
        .prefetch_related("co_organisers")
        .order_by("starts_at", "pk")
    )
    serializer_class = EventSerializer
    filterset_class = EventApiFilter
    freshness = [
        *with_audit_trail(Event),
        Freshness(Organisation),
        Freshness(Event.co_organisers.through, changed=None),
    ]
