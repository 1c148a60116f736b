"""Open data API of the map (wired by `portal.api`): published initiatives with the map's filters and `bbox`.

Contact people, submitters and moderation notes are not published, as in the public CSV.
"""

import django_filters
from django import forms
from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from groundwork.api import (
    ApiUrlField,
    Freshness,
    InstantFilter,
    OpenDataFilterSet,
    PageUrlField,
    ReadOnlyOpenDataViewSet,
    TextFilter,
    TranslatedField,
    with_audit_trail,
)
from partners.api import AccessFactsField, AccessFactsFilter, CountryCodeField, CountryFilter, OrganisationRefSerializer
from partners.models import Organisation

from .geojson import BBox, MapQueryError
from .models import Initiative

# Longitudes from -180 to 180 and latitudes from -90 to 90, as decimals: what the box's pattern lets through is
# accepted, unless its south edge lies north of its north edge.
LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?)"
LATITUDE = r"-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?)"
BBOX_PATTERN = rf"^{LONGITUDE},{LATITUDE},{LONGITUDE},{LATITUDE}$"


class BBoxField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return BBox.parse(value)
        except MapQueryError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


@extend_schema_field({"type": "string", "pattern": BBOX_PATTERN})
class BBoxFilter(django_filters.Filter):
    """`minLon,minLat,maxLon,maxLat` (WGS 84, RFC 7946); a box may cross the antimeridian (west > east)."""

    field_class = BBoxField

    def filter(self, qs, value):
        return value.filter(qs.on_map()) if value else qs


class InitiativeSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:initiative-detail")
    page_url = PageUrlField()
    title = TranslatedField()
    description = TranslatedField()
    host = OrganisationRefSerializer(read_only=True, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=Initiative.TargetGroup.choices), read_only=True
    )
    country = CountryCodeField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    access = AccessFactsField()

    class Meta:
        model = Initiative
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "category",
            "title",
            "description",
            "host",
            "languages",
            "target_groups",
            "access",
            "website",
            "active_since",
            "active_until",
            "street_address",
            "postal_code",
            "city",
            "country",
            "latitude",
            "longitude",
            "is_sample",
            "updated_at",
        )


class InitiativeApiFilter(OpenDataFilterSet):
    q = TextFilter(method="filter_text", label=("Words from the title or description, in any language."))
    category = django_filters.ChoiceFilter(choices=Initiative.Category.choices, label=("Category."))
    language = django_filters.ChoiceFilter(
        choices=settings.DELIVERY_LANGUAGES, method="filter_language", label=("Language (ISO 639-1).")
    )
    target_group = django_filters.ChoiceFilter(
        choices=Initiative.TargetGroup.choices, method="filter_target_group", label=("Target group.")
    )
    country = CountryFilter()
    city = TextFilter(field_name="city", lookup_expr="iexact", label=("City, in any letter case."))
    host = TextFilter(field_name="host__slug", label=("Slug of the host organisation."))
    access = AccessFactsFilter()
    bbox = BBoxFilter(
        label=("Only initiatives with a point in this box: minLon,minLat,maxLon,maxLat (WGS 84, RFC 7946).")
    )
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Initiative
        fields = (
            "q",
            "category",
            "language",
            "target_group",
            "country",
            "city",
            "host",
            "access",
            "bbox",
            "updated_since",
        )

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_language(self, queryset, name, value):
        return queryset.in_language(value)

    def filter_target_group(self, queryset, name, value):
        return queryset.for_target_group(value)


@extend_schema_view(
    list=extend_schema(
        summary="Initiatives",
        description="Published integration initiatives on the map, by title; the map's filters and a bounding "
        "box. The same data as GeoJSON: `/<lang>/map/initiatives.geojson`.",
    ),
    retrieve=extend_schema(summary="One initiative"),
)
class InitiativeViewSet(ReadOnlyOpenDataViewSet):
    queryset = Initiative.objects.published().select_related("host").order_by("title", "pk")
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeApiFilter
    freshness = [*with_audit_trail(Initiative), Freshness(Organisation)]
