"""An admin site of its own for the scope tests, so they need none of the other apps' admin modules."""

from django.contrib import admin
from django.urls import path
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from activities.models import Event
from mapping.models import Initiative
from partners.admin import OrganisationAdmin, OrganisationScopedAdminMixin
from partners.models import Organisation, StaffMembership
from portal import urls as portal_urls

site = admin.AdminSite(name="scopetest")
site.register(Organisation, OrganisationAdmin)


@admin.register(Event, site=site)
class EventAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_field = "organiser"
    # Django's own form, not the activities admin's template with links to its extra views.
    change_form_template = "admin/change_form.html"
    list_display = ("title", "organiser", "starts_at")
    list_filter = ("organiser", "status")
    search_fields = get_translation_fields("title")
    autocomplete_fields = ("organiser", "co_organisers", "venue_organisation")
    fields = ("title", "slug", "organiser", "co_organisers", "starts_at", "ends_at", "languages", "status")


@admin.register(Initiative, site=site)
class InitiativeAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_field = "host"
    list_filter = ("host",)
    search_fields = get_translation_fields("title")


@admin.register(StaffMembership, site=site)
class MembershipHistoryAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    """A model with an audit trail, to check the scope of django-simple-history's views."""

    organisation_field = "organisation"


# The project's URLs too: admin pages link to public pages (view on site) and to the main admin.
urlpatterns = [path("scope-admin/", site.urls), *portal_urls.urlpatterns]
