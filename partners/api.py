"""Open data API of the partners: organisations and the agreements register (wired by `portal.api`)."""

import django_filters
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from groundwork.api import (
    ApiUrlField,
    FileUrlField,
    Freshness,
    InstantFilter,
    OpenDataFilterSet,
    PageUrlField,
    ReadOnlyOpenDataViewSet,
    TextFilter,
    TranslatedField,
    with_audit_trail,
)
from groundwork.validators import PlausibleDateValidator

from .models import AccessFact, Agreement, Organisation


@extend_schema_field({"type": "string", "enum": [code for code, _name in countries]})
class CountryFilter(django_filters.ChoiceFilter):
    """A country by its ISO 3166-1 alpha-2 code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", countries)
        kwargs.setdefault("label", ("Country (ISO 3166-1 alpha-2 code)."))
        super().__init__(*args, **kwargs)


class AccessFactsField(serializers.ListField):
    """The accessibility and practical facts that hold, as `AccessFact` codes (a fact not listed is not stated)."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.ChoiceField(choices=AccessFact.choices), source="*", read_only=True, **kwargs
        )

    def to_representation(self, subject):
        return [fact.value for fact in subject.access_facts]


class AccessFactsFilter(django_filters.MultipleChoiceFilter):
    """`?access=step_free&access=free`: only what has every one of the facts given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Accessibility and practical facts, each of which must hold (repeat the parameter).")
        super().__init__(choices=AccessFact.choices, **kwargs)

    def filter(self, qs, value):
        return qs.with_access_facts(value) if value else qs


class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code."""

    def to_representation(self, value):
        return str(value)


class OrganisationRefSerializer(serializers.ModelSerializer):
    """An organisation named from another object: enough to show it and to follow it."""

    name = TranslatedField()
    api_url = ApiUrlField("api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ("id", "slug", "name", "api_url")


class OrganisationSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:organisation-detail")
    page_url = PageUrlField()
    name = TranslatedField()
    short_name = TranslatedField()
    description = TranslatedField()
    country = CountryCodeField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    logo_url = FileUrlField(source="logo")

    class Meta:
        model = Organisation
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "kind",
            "name",
            "short_name",
            "description",
            "website",
            "email",
            "phone",
            "street_address",
            "postal_code",
            "city",
            "country",
            "latitude",
            "longitude",
            "logo_url",
            "is_sample",
            "updated_at",
        )


class AgreementSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:agreement-detail")
    page_url = PageUrlField()
    title = TranslatedField()
    summary = TranslatedField()
    parties = OrganisationRefSerializer(many=True, read_only=True)
    document_url = FileUrlField(source="document")

    class Meta:
        model = Agreement
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "kind",
            "title",
            "summary",
            "signed_on",
            "valid_until",
            "parties",
            "document_url",
            "is_sample",
            "updated_at",
        )


class OrganisationApiFilter(OpenDataFilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=("Kind of organisation."))
    country = CountryFilter()
    city = TextFilter(field_name="city", lookup_expr="iexact", label=("City, in any letter case."))
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Organisation
        fields = ("kind", "country", "city", "updated_since")


class AgreementApiFilter(OpenDataFilterSet):
    kind = django_filters.ChoiceFilter(choices=Agreement.Kind.choices, label=("Kind of agreement."))
    party = TextFilter(field_name="parties__slug", label=("Slug of an organisation that is a party."))
    signed_from = django_filters.DateFilter(
        field_name="signed_on",
        lookup_expr="gte",
        validators=[PlausibleDateValidator()],
        label=("Signed on this day or later; from 2000-01-01 to 2100-12-31."),
    )
    signed_until = django_filters.DateFilter(
        field_name="signed_on",
        lookup_expr="lte",
        validators=[PlausibleDateValidator()],
        label=("Signed on this day or earlier; from 2000-01-01 to 2100-12-31."),
    )
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Agreement
        fields = ("kind", "party", "signed_from", "signed_until", "updated_since")


@extend_schema_view(
    list=extend_schema(
        summary="Organisations",
        description="Partner libraries, municipal services, NGOs and consortium partners, in the order of their names.",
    ),
    retrieve=extend_schema(summary="One organisation"),
)
class OrganisationViewSet(ReadOnlyOpenDataViewSet):
    queryset = Organisation.objects.order_by("name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationApiFilter
    freshness = with_audit_trail(Organisation)


@extend_schema_view(
    list=extend_schema(
        summary="Agreements register",
        description="Cooperation agreements and memoranda of intent between partners, the latest signed first.",
    ),
    retrieve=extend_schema(summary="One agreement"),
)
class AgreementViewSet(ReadOnlyOpenDataViewSet):
    queryset = Agreement.objects.prefetch_related("parties").order_by("-signed_on", "pk")
    serializer_class = AgreementSerializer
    filterset_class = AgreementApiFilter
    freshness = [
        *with_audit_trail(Agreement),
        Freshness(Organisation),
        Freshness(Agreement.parties.through, changed=None),
    ]

    def filter_queryset(self, queryset):
        # Filtering on a party joins the parties: one row per agreement again.
        return super().filter_queryset(queryset).distinct()
