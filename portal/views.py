"""The site shell: home, about, privacy notice, accessibility statement and the liveness probe."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django.views.static import serve

from activities.models import Event
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


@require_safe
def media_file(request, path):
    """An uploaded file, when the portal serves uploads itself (`SERVE_MEDIA`: development and tests).

    Always a download, with the type as sent (nosniff): whatever an upload holds, a browser never opens it as a
    page of the portal's origin. Images still show in `<img>`, which ignores the disposition. In production the
    reverse proxy serves /media/ with the same two headers (README).
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            upcoming_events=Event.objects.published()
            .upcoming()
            .for_listing()
            .with_registration_counts()[:HOME_EVENT_COUNT],
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
