from django import forms
from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline
from modeltranslation.utils import get_translation_fields

from partners import roles
from partners.admin import AuditTrailAdmin, OrganisationScopedAdminMixin, OrganisationScopedInlineMixin
from partners.models import Agreement

from . import services
from .models import ActionItem, GoodPractice, Resource, ResourceFile, Strategy
from .richtext import sanitise_html


class ResourceAdminForm(forms.ModelForm):
    """The resource form of the admin (the admin builds its `Meta`): rich text is sanitised as it is saved."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in cleaned_data.items():
            if name.startswith("body") and value:
                cleaned_data[name] = sanitise_html(value)
        return cleaned_data


class ResourceFileForm(forms.ModelForm):
    class Meta:
        model = ResourceFile
        fields = ("language", "title", "file")


class ResourceFileInline(admin.TabularInline):
    model = ResourceFile
    form = ResourceFileForm
    extra = 1
    fields = ("language", "title", "file", "file_details", "download_count")
    readonly_fields = ("file_details", "download_count")
    verbose_name = _("file in one language")
    verbose_name_plural = _("files (one per language, PDF, DOCX, ODT or EPUB)")

    @admin.display(description=_("format and size"))
    def file_details(self, obj):
        if not obj.pk:
            return "–"
        return f"{obj.get_format_display()}, {filesizeformat(obj.size)}"


class GoodPracticeInline(OrganisationScopedInlineMixin, TranslationStackedInline):
    # The library the practice comes from may be any organisation, so its choices stay open (no owner field).
    model = GoodPractice
    extra = 0
    max_num = 1
    autocomplete_fields = ("library",)
    verbose_name_plural = _("good-practice record (for the kind “good practice”)")


class PublishedFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return (("yes", _("Published")), ("scheduled", _("Scheduled")), ("no", _("Draft")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.published(today)
        if self.value() == "scheduled":
            return queryset.filter(published_on__gt=today)
        if self.value() == "no":
            return queryset.filter(published_on__isnull=True)
        return queryset


@admin.register(Resource)
class ResourceAdmin(OrganisationScopedAdminMixin, AuditTrailAdmin, TabbedTranslationAdmin):
    # A librarian works on the guides her library publishes; related events are chosen among hers.
    organisation_field = "owner"
    form = ResourceAdminForm
    inlines = (ResourceFileInline, GoodPracticeInline)
    list_display = ("title", "kind", "published_on", "owner", "file_count", "is_sample")
    list_filter = ("kind", PublishedFilter, "is_sample")
    list_select_related = ("owner",)
    search_fields = (*get_translation_fields("title", "summary"), "slug")
    date_hierarchy = "published_on"
    autocomplete_fields = ("owner", "related_organisations", "related_events")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "summary", "body", "external_url")}),
        (_("Classification"), {"fields": ("topics", "audience")}),
        (
            _("Publication"),
            {"fields": ("owner", "related_organisations", "related_events", "published_on", "is_sample")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(file_total=Count("files"))

    @admin.display(description=_("files"), ordering="file_total")
    def file_count(self, obj):
        return obj.file_total

    def save_model(self, request, obj, form, change):
        services.resource_save(resource=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ResourceFile:
            for resource_file in formset.save(commit=False):
                services.resource_file_save(resource_file=resource_file)
            for resource_file in formset.deleted_objects:
                services.resource_file_delete(resource_file=resource_file)
        elif formset.model is GoodPractice:
            # Through the service, so that the record's text becomes searchable with its resource.
            for good_practice in formset.save(commit=False):
                services.good_practice_save(good_practice=good_practice)
            for good_practice in formset.deleted_objects:
                services.good_practice_delete(good_practice=good_practice)
        else:
            super().save_formset(request, form, formset, change)


class ActionItemInline(OrganisationScopedInlineMixin, TranslationTabularInline):
    # Any organisation may be responsible for an item; linked events are chosen among the librarian's.
    model = ActionItem
    extra = 1
    fields = ("position", "title", "responsible", "due_on", "status", "events")
    autocomplete_fields = ("responsible", "events")


@admin.register(Strategy)
class StrategyAdmin(OrganisationScopedAdminMixin, TabbedTranslationAdmin):
    organisation_field = "library"
    inlines = (ActionItemInline,)
    list_display = ("title", "library", "status", "adopted_on", "is_sample")
    list_filter = ("status", "is_sample")
    list_select_related = ("library",)
    search_fields = (*get_translation_fields("title"), "slug", "municipality")
    date_hierarchy = "adopted_on"
    autocomplete_fields = ("library", "partners", "agreements", "document")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "library", "municipality")}),
        (_("Adoption"), {"fields": ("status", "adopted_on", "partners", "agreements", "document")}),
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agreements" and not roles.is_coordinator(request.user):
            # Agreements are the coordinators' to manage, so a librarian cannot search them; she ticks among those
            # her library is a party to (a handful), see `get_form` for the ones linked already.
            kwargs["queryset"] = Agreement.objects.filter(parties__in=roles.organisation_ids(request.user)).distinct()
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("agreements")
        if field is not None and obj is not None and not roles.is_coordinator(request.user):
            # Agreements a coordinator linked stay offered, ticked, so that her saving the strategy keeps them.
            field.queryset = Agreement.objects.filter(pk__in=field.queryset.values("pk")) | obj.agreements.all()
            field.queryset = field.queryset.distinct()
        return form
