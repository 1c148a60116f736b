"""The site shell: home, about, privacy notice, accessibility statement and the liveness probe."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from activities.models import Event
from groundwork.opendata import problem_response_json
from mapping.models import Initiative
from partners.models import Organisation
from partners.views import map_points
from resources.models import Resource

HOME_EVENT_COUNT = 4
HOME_RESOURCE_COUNT = 4
# The day the accessibility statement was prepared; change it whenever the statement is reviewed.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 25)


@never_cache
def healthz(request):
    """Liveness only: answers without touching the database, cache or broker."""
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            upcoming_events=Event.objects.published().upcoming().for_listing()[:HOME_EVENT_COUNT],
            initiative_points=map_points(Initiative.objects.published().on_map()),
            latest_resources=Resource.objects.published()[:HOME_RESOURCE_COUNT],
        )
        return context


class AboutView(TemplateView):
    template_name = "portal/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = Organisation.Kind
        organisations = list(
            Organisation.objects.filter(
                kind__in=[kinds.CONSORTIUM_PARTNER, kinds.PARTNER_LIBRARY, kinds.MUNICIPAL_SERVICE, kinds.NGO]
            )
        )
        context.update(
            consortium=[o for o in organisations if o.kind == kinds.CONSORTIUM_PARTNER],
            libraries=[o for o in organisations if o.kind == kinds.PARTNER_LIBRARY and o.country == "LV"],
            local_partners=[o for o in organisations if o.kind in (kinds.MUNICIPAL_SERVICE, kinds.NGO)],
        )
        return context


class PrivacyView(TemplateView):
    template_name = "portal/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=getattr(settings, "REGISTRATION_RETENTION_DAYS", 30),
            map_tiles_host=urlsplit(settings.MAP_TILES_URL).hostname,
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "portal/accessibility.html"
    extra_context = {"statement_date": ACCESSIBILITY_STATEMENT_DATE}


def _is_api(request):
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return problem_response_json(request, 404, gettext("Nothing is published at this address."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return problem_response_json(request, 500, gettext("The server failed to answer; please try again later."))
    return defaults.server_error(request)
