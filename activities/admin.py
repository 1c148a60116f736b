from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from partners.admin import OrganisationScopedAdminMixin, PlaceAdminMixin, localized

from . import services
from .models import Event


class EventAdminForm(forms.ModelForm):
    """The event form of the admin (the admin builds its `Meta` from the fieldsets)."""

    def clean(self):
        cleaned_data = super().clean()
        # The venue chooser defaults to the organiser: an event "at an organisation's premises" with no
        # organisation named takes place at the organiser's, and the form says so by storing it.
        if cleaned_data.get("venue") == Event.Venue.ORGANISATION and not cleaned_data.get("venue_organisation"):
            cleaned_data["venue_organisation"] = cleaned_data.get("organiser")
        return cleaned_data


@admin.register(Event)
class EventAdmin(OrganisationScopedAdminMixin, PlaceAdminMixin, TabbedTranslationAdmin):
    # A librarian works on the events her library organises; the organiser defaults to her library.
    organisation_field = "organiser"
    form = EventAdminForm
    list_display = ("title", "starts_at", "organiser", "status", "language_codes")
    list_filter = ("status", "kind", "organiser")
    list_select_related = ("organiser",)
    search_fields = (
        *localized("title"),
        *localized("summary"),
        "slug",
        *(f"organiser__{f}" for f in localized("name")),
    )
    date_hierarchy = "starts_at"
    autocomplete_fields = ("organiser", "co_organisers", "venue_organisation")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    actions = ("publish_events", "cancel_events")
    fieldsets = (
        (
            _("What"),
            {"fields": ("title", "slug", "kind", "summary", "description", "organiser", "co_organisers", "status")},
        ),
        (_("When"), {"fields": ("starts_at", "ends_at")}),
        (
            _("Where"),
            {
                "fields": (
                    "venue",
                    "venue_organisation",
                    "venue_name",
                    "online_url",
                    "street_address",
                    "postal_code",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                ),
                "description": _(
                    "At an organisation's premises: choose the organisation, or leave it empty for the organiser's. "
                    "At another address: give the address and, if you can, the point on the map. "
                    "Online: give the link."
                ),
            },
        ),
        (
            _("Who it is for"),
            {"fields": ("languages", "interpretation_available", "audience", "accessibility")},
        ),
        (_("Registration"), {"fields": ("registration_required", "capacity")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # The venue chooser starts at the organiser's premises (her own library for a librarian).
        if initial.get("organiser"):
            initial.setdefault("venue_organisation", initial["organiser"])
        return initial

    @admin.display(description=_("languages"))
    def language_codes(self, event):
        return ", ".join(code.upper() for code in event.languages)

    def _change_status(self, request, queryset, service, done_message):
        changed = 0
        for event in queryset:
            try:
                service(event=event)
            except ValidationError as error:
                self.message_user(request, f"{event}: {' '.join(error.messages)}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)

    @admin.action(description=_("Publish the selected events"), permissions=("change",))
    def publish_events(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.event_publish,
            lambda count: (
                ngettext("%(count)d event published.", "%(count)d events published.", count) % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel the selected events"), permissions=("change",))
    def cancel_events(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.event_cancel,
            lambda count: (
                ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", count) % {"count": count}
            ),
        )
