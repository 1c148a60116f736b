from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from partners.admin import PLACE_FIELDSET, OrganisationScopedAdminMixin, PlaceAdminMixin, localized

from . import services
from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(OrganisationScopedAdminMixin, PlaceAdminMixin, TabbedTranslationAdmin):
    organisation_field = "host"
    list_display = ("title", "category", "status", "source", "host", "city", "country", "is_sample", "updated_at")
    list_filter = ("status", "category", "source", "country", "is_sample")
    list_select_related = ("host",)
    search_fields = (*localized("title"), *localized("description"), "slug", "city", "external_id")
    autocomplete_fields = ("host",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    actions = ("approve_initiatives", "archive_initiatives")
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "description", "host")}),
        (_("Who and in which languages"), {"fields": ("languages", "target_groups")}),
        (_("Contact"), {"fields": ("contact_name", "contact_email", "contact_phone", "website")}),
        (_("Active period"), {"fields": ("active_since", "active_until")}),
        PLACE_FIELDSET,
        (_("Record"), {"fields": ("status", "source", "external_id", "is_sample", "created_at", "updated_at")}),
    )

    def _change_status(self, request, queryset, service, done_message):
        changed = 0
        for initiative in queryset:
            try:
                service(initiative=initiative)
            except ValidationError as error:
                self.message_user(request, f"{initiative}: {' '.join(error.messages)}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)

    @admin.action(description=_("Approve and publish the selected initiatives"), permissions=("change",))
    def approve_initiatives(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.initiative_approve,
            lambda count: (
                ngettext("%(count)d initiative published.", "%(count)d initiatives published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Archive the selected initiatives"), permissions=("change",))
    def archive_initiatives(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.initiative_archive,
            lambda count: (
                ngettext("%(count)d initiative archived.", "%(count)d initiatives archived.", count) % {"count": count}
            ),
        )
