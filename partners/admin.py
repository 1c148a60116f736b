from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .models import Agreement, Organisation, StaffMembership
from .widgets import CoordinateInput, PointPickerWidget


def localized(field_name):
    """Every language's column of a translated field, for `search_fields`: staff search all languages at once."""
    return tuple(build_localized_fieldname(field_name, code) for code in AVAILABLE_LANGUAGES)


class PlaceAdminMixin:
    """Gives the latitude and longitude of a `partners.models.Place` subclass the map point picker.

    Contract: put the mixin first in the bases of a `ModelAdmin` or an inline whose model has the decimal fields
    named by `latitude_field` and `longitude_field` (`latitude`, `longitude` on every `Place`)::

        @admin.register(Event)
        class EventAdmin(PlaceAdminMixin, TabbedTranslationAdmin): ...

    Both fields keep Django's form fields and validation (range, 5 decimal places); only their widgets change:
    latitude becomes a `CoordinateInput`, longitude a `PointPickerWidget`, which renders the map after itself
    and brings the Leaflet media with it. Show the two fields in the form (fieldsets included), latitude first.
    A widget set explicitly (`formfield_overrides` aside, e.g. `Meta.widgets` of a custom form) is left alone.
    """

    latitude_field = "latitude"
    longitude_field = "longitude"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == self.latitude_field:
            kwargs.setdefault("widget", CoordinateInput("latitude"))
        elif db_field.name == self.longitude_field:
            kwargs.setdefault(
                "widget",
                PointPickerWidget(latitude_field=self.latitude_field, longitude_field=self.longitude_field),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


PLACE_FIELDSET = (
    _("Address and map point"),
    {"fields": ("street_address", "postal_code", "city", "country", "latitude", "longitude")},
)


@admin.register(Organisation)
class OrganisationAdmin(PlaceAdminMixin, TabbedTranslationAdmin):
    list_display = ("name", "kind", "city", "country", "is_sample")
    list_filter = ("kind", "country", "is_sample")
    search_fields = (*localized("name"), *localized("short_name"), "slug", "city")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "name", "short_name", "slug", "description", "logo")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        PLACE_FIELDSET,
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )


class AgreementAdminForm(forms.ModelForm):
    """The agreement form of the admin (the admin builds its `Meta` from the fieldsets)."""

    def clean(self):
        cleaned_data = super().clean()
        # Many-to-many values only exist in the form: the model's clean() cannot see the parties.
        parties = cleaned_data.get("parties")
        if parties is not None and len(parties) < 2:
            self.add_error("parties", _("An agreement needs at least two parties; choose one more organisation."))
        return cleaned_data


@admin.register(Agreement)
class AgreementAdmin(TabbedTranslationAdmin):
    form = AgreementAdminForm
    list_display = ("title", "kind", "signed_on", "valid_until", "party_names", "is_sample")
    list_filter = ("kind", "is_sample")
    search_fields = (*localized("title"), "slug")
    date_hierarchy = "signed_on"
    autocomplete_fields = ("parties",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "parties", "summary")}),
        (_("Dates and document"), {"fields": ("signed_on", "valid_until", "document")}),
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_parties()

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return ", ".join(str(party) for party in agreement.parties.all())


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation")
    list_select_related = ("user", "organisation")
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        *(f"organisation__{name}" for name in localized("name")),
    )
    autocomplete_fields = ("user", "organisation")
