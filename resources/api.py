"""Open data API of the guide library (wired by `portal.api`): published resources with their files, and adopted
local integration strategies with the status of their action plans."""

import django_filters
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import serializers

from activities.models import Event
from groundwork.api import (
    ApiUrlField,
    Freshness,
    InstantFilter,
    OpenDataFilterSet,
    PageUrlField,
    ReadOnlyOpenDataViewSet,
    TextFilter,
    TranslatedField,
    absolute,
    with_audit_trail,
)
from partners.api import OrganisationRefSerializer
from partners.models import Agreement, Audience, Organisation

from .models import ActionItem, Resource, ResourceFile, Strategy


class ResourceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    format = serializers.ChoiceField(choices=ResourceFile.Format.choices, read_only=True)
    size = serializers.IntegerField(read_only=True, help_text=("Size in bytes."))

    class Meta:
        model = ResourceFile
        fields = ("id", "language", "title", "format", "size", "download_url")

    def get_download_url(self, resource_file) -> str:
        # The download page counts downloads and names the file after the resource; it needs no language prefix
        # to be found, but every public address carries one: the file's own language when the site has it.
        language = resource_file.language if resource_file.language in dict(settings.LANGUAGES) else "lv"
        with translation.override(language):
            return absolute(resource_file.get_absolute_url())


class ResourceSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:resource-detail")
    page_url = PageUrlField()
    title = TranslatedField()
    summary = TranslatedField()
    body = TranslatedField(help_text=("Rich text as sanitised HTML."))
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Resource.Topic.choices), read_only=True)
    audience = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices), read_only=True)
    owner = OrganisationRefSerializer(read_only=True, allow_null=True)
    files = ResourceFileSerializer(many=True, read_only=True)

    class Meta:
        model = Resource
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "kind",
            "title",
            "summary",
            "body",
            "topics",
            "audience",
            "external_url",
            "owner",
            "published_on",
            "files",
            "is_sample",
            "updated_at",
        )


class ResourceApiFilter(OpenDataFilterSet):
    q = TextFilter(method="filter_text", label=("Words from the title, summary or text, in any language."))
    kind = django_filters.ChoiceFilter(choices=Resource.Kind.choices, label=("Kind of resource."))
    topic = django_filters.ChoiceFilter(choices=Resource.Topic.choices, method="filter_topic", label=("Topic."))
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method="filter_audience", label=("Audience."))
    language = django_filters.ChoiceFilter(
        choices=settings.DELIVERY_LANGUAGES,
        method="filter_language",
        label=("Available in this language: a file in it, or the text written in it (ISO 639-1)."),
    )
    owner = TextFilter(field_name="owner__slug", label=("Slug of the publishing organisation."))
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Resource
        fields = ("q", "kind", "topic", "audience", "language", "owner", "updated_since")

    def filter_text(self, queryset, name, value):
        return queryset.matching(value) if value.strip() else queryset

    def filter_topic(self, queryset, name, value):
        return queryset.with_topic(value)

    def filter_audience(self, queryset, name, value):
        return queryset.for_audience(value)

    def filter_language(self, queryset, name, value):
        return queryset.in_language(value)


class PublishedFromToday:
    """Resources are published from a day on (`published_on`): a new day can publish one without any write."""

    def extra_validator(self):
        return timezone.localdate().isoformat()


@extend_schema_view(
    list=extend_schema(
        summary="Guide library resources",
        description="Published guides, toolkits, good practices, methodologies and strategies, the newest first, "
        "each with its files per language (format, size, download address).",
    ),
    retrieve=extend_schema(summary="One resource"),
)
class ResourceViewSet(PublishedFromToday, ReadOnlyOpenDataViewSet):
    serializer_class = ResourceSerializer
    filterset_class = ResourceApiFilter
    freshness = [
        *with_audit_trail(Resource),
        Freshness(ResourceFile, changed="created_at"),
        Freshness(Organisation),
    ]

    def get_queryset(self):
        return (
            Resource.objects.published()
            .select_related("owner")
            .prefetch_related(Prefetch("files", queryset=ResourceFile.objects.order_by("language", "pk")))
            .order_by("-published_on", "pk")
        )


# --- Strategies -----------------------------------------------------------------------------------------------


class AgreementRefSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    api_url = ApiUrlField("api:agreement-detail")

    class Meta:
        model = Agreement
        fields = ("id", "slug", "title", "api_url")


class EventRefSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    api_url = ApiUrlField("api:event-detail")

    class Meta:
        model = Event
        fields = ("id", "slug", "title", "starts_at", "api_url")


class ResourceRefSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    api_url = ApiUrlField("api:resource-detail")

    class Meta:
        model = Resource
        fields = ("id", "slug", "title", "api_url")


class ActionItemSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    status = serializers.ChoiceField(choices=ActionItem.Status.choices, read_only=True)
    responsible = OrganisationRefSerializer(read_only=True, allow_null=True)
    events = EventRefSerializer(many=True, read_only=True, source="public_events")

    class Meta:
        model = ActionItem
        fields = ("id", "title", "status", "due_on", "responsible", "events")


class StrategySerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("api:strategy-detail")
    page_url = PageUrlField()
    title = TranslatedField()
    summary = TranslatedField()
    library = OrganisationRefSerializer(read_only=True)
    partners = OrganisationRefSerializer(many=True, read_only=True)
    agreements = AgreementRefSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = (
            "id",
            "slug",
            "api_url",
            "page_url",
            "title",
            "summary",
            "library",
            "municipality",
            "adopted_on",
            "partners",
            "agreements",
            "document",
            "progress",
            "action_items",
            "is_sample",
            "updated_at",
        )

    @extend_schema_field(ResourceRefSerializer(allow_null=True))
    def get_document(self, strategy):
        # The strategy's text is linked only once the guide library publishes it.
        document = strategy.document
        if document is None or not document.is_published:
            return None
        return ResourceRefSerializer(document, context=self.context).data

    @extend_schema_field(
        inline_serializer(
            name="ActionPlanProgress",
            fields={
                "total": serializers.IntegerField(),
                "done": serializers.IntegerField(),
                "in_progress": serializers.IntegerField(),
                "planned": serializers.IntegerField(),
            },
        )
    )
    def get_progress(self, strategy):
        return {
            "total": strategy.items_total,
            "done": strategy.items_done,
            "in_progress": strategy.items_in_progress,
            "planned": strategy.items_planned,
        }


class StrategyApiFilter(OpenDataFilterSet):
    library = TextFilter(field_name="library__slug", label=("Slug of the library whose strategy it is."))
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label=("Changed at or after this time (ISO 8601).")
    )

    class Meta:
        model = Strategy
        fields = ("library", "updated_since")


@extend_schema_view(
    list=extend_schema(
        summary="Local integration strategies",
        description="Adopted strategies of the partner libraries, the latest adopted first, with their action "
        "plans: each item's status, due date, responsible organisation and linked events.",
    ),
    retrieve=extend_schema(summary="One strategy"),
)
class StrategyViewSet(PublishedFromToday, ReadOnlyOpenDataViewSet):
    serializer_class = StrategySerializer
    filterset_class = StrategyApiFilter
    freshness = [
        Freshness(Strategy),
        Freshness(ActionItem),
        Freshness(ActionItem.events.through, changed=None),
        Freshness(Strategy.partners.through, changed=None),
        Freshness(Strategy.agreements.through, changed=None),
        *with_audit_trail(Event),
        *with_audit_trail(Resource),
        Freshness(Agreement),
        Freshness(Organisation),
    ]

    def get_queryset(self):
        items = ActionItem.objects.select_related("responsible").prefetch_related(
            Prefetch("events", queryset=Event.objects.published().order_by("starts_at", "pk"), to_attr="public_events")
        )
        return (
            Strategy.objects.adopted()
            .with_progress()
            .select_related("library", "document")
            .prefetch_related("partners", "agreements", Prefetch("action_items", queryset=items))
            .order_by("-adopted_on", "pk")
        )
