"""The site shell: home, about, privacy notice, accessibility statement and the liveness probe."""

import datetime
import errno
import math
import posixpath
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from activities.models import Event
from groundwork.opendata import licence
from mapping.models import Initiative, InitiativeImport
from partners.models import Organisation
from partners.views import map_points
from resources.models import Resource

from .services import REPORTS_FOLDER

HOME_EVENT_COUNT = 4
HOME_RESOURCE_COUNT = 4
# The day the accessibility statement was prepared; change it whenever the statement is reviewed.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 25)
# Uploads never served from /media/: report files go to staff through the report's download page, import
# spreadsheets to nobody. The proxy refuses the same folders in production (deploy/nginx/templates/).
PRIVATE_MEDIA_FOLDERS = frozenset({REPORTS_FOLDER, InitiativeImport._meta.get_field("file").upload_to.folder})


@require_safe
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
    # Normalised as `serve` reads the path, so no spelling ("./reports", "logos/../reports") reaches those folders;
    # compared ignoring case for a development machine whose file system does too.
    folder = posixpath.normpath(path).lstrip("/").split("/", 1)[0]
    if folder.casefold() in PRIVATE_MEDIA_FOLDERS:
        raise Http404
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        # A name longer than the file system takes names no upload (Django's `serve` lets the error through).
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise Http404 from None
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


# A cookie's lifetime in the largest of these units that counts it exactly. The portal's own words: Django's
# (those of `timesince`) count their Latvian plural forms in another order than the portal's catalogue.
LIFETIME_UNITS = (
    (7 * 24 * 60 * 60, lambda count: ngettext("%(count)d week", "%(count)d weeks", count)),
    (24 * 60 * 60, lambda count: ngettext("%(count)d day", "%(count)d days", count)),
    (60 * 60, lambda count: ngettext("%(count)d hour", "%(count)d hours", count)),
)


def lifetime_in_words(seconds):
    """A cookie's lifetime in the active language ("52 weeks", "8 hours"): in the largest unit that counts it
    exactly, else in minutes rounded up."""
    for size, words in LIFETIME_UNITS:
        if seconds >= size and seconds % size == 0:
            return words(seconds // size) % {"count": seconds // size}
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


class PrivacyView(TemplateView):
    template_name = "portal/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=getattr(settings, "REGISTRATION_RETENTION_DAYS", 30),
            map_tiles_host=urlsplit(settings.MAP_TILES_URL).hostname,
            # As configured, so that the notice never states another lifetime than the cookies get.
            csrf_cookie_lifetime=lifetime_in_words(settings.CSRF_COOKIE_AGE),
            session_cookie_lifetime=lifetime_in_words(settings.SESSION_COOKIE_AGE),
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "portal/accessibility.html"
    extra_context = {"statement_date": ACCESSIBILITY_STATEMENT_DATE}


# The API's lists on the open data page: (route name, path segment, an example query).
API_LISTS = [
    ("event", "events", "?language=uk&date_from=2026-01-01"),
    ("organisation", "organisations", "?kind=partner_library"),
    ("agreement", "agreements", "?kind=cooperation"),
    ("initiative", "initiatives", "?bbox=20.9,55.6,28.3,58.1&language=ru"),
    ("resource", "resources", "?topic=language&language=uk"),
    ("strategy", "strategies", "?page_size=10"),
]


class OpenDataView(TemplateView):
    """What the portal publishes as data, with examples, the licence and how to cite it; a schema.org `Dataset`
    with one `DataDownload` per format for search engines' dataset search."""

    template_name = "portal/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = settings.SITE_URL
        api = [
            {"kind": kind, "list": site + reverse(f"api:{name}-list"), "example": example}
            for name, kind, example in API_LISTS
        ]
        files = {
            "geojson": site + reverse("mapping:geojson"),
            "csv": site + reverse("mapping:csv"),
            "ics": site + reverse("activities:event_list_ics"),
            "rss": site + reverse("activities:event_list_rss"),
            "atom": site + reverse("activities:event_list_atom"),
        }
        context.update(
            licence=licence(),
            api=api,
            files=files,
            schema_url=site + reverse("api:schema"),
            docs_url=site + reverse("api:docs"),
            api_root=site + reverse("api:api-root"),
            page_url=site + self.request.path,
            today=timezone.localdate(),
            json_ld=self.dataset_json_ld(site, api, files),
        )
        return context

    def dataset_json_ld(self, site, api, files):
        def download(url, encoding, name):
            return {"@type": "DataDownload", "name": name, "contentUrl": url, "encodingFormat": encoding}

        organisation = {"@type": "Organization", "name": "Kultūras informācijas sistēmu centrs (KISC)"}
        return {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": gettext("LIBRI open data: events, initiatives, partners and guides for newcomers in Latvia"),
            "description": gettext(
                "Events and seminars of Latvian public libraries for third-country nationals, integration "
                "initiatives on the map, partner organisations and their agreements, guides and local integration "
                "strategies, in Latvian, English, Ukrainian and Russian."
            ),
            "url": site + self.request.path,
            "license": settings.OPEN_DATA_LICENCE_URL,
            "isAccessibleForFree": True,
            "inLanguage": [code for code, _name in settings.LANGUAGES],
            "creator": organisation,
            "publisher": organisation,
            "spatialCoverage": {"@type": "Place", "name": "Latvia"},
            "distribution": [
                *(download(item["list"], "application/json", f"API: {item['kind']}") for item in api),
                download(files["geojson"], "application/geo+json", "Initiatives (GeoJSON)"),
                download(files["csv"], "text/csv", "Initiatives (CSV)"),
                download(files["ics"], "text/calendar", "Events (iCalendar)"),
                download(files["rss"], "application/rss+xml", "Events (RSS)"),
                download(files["atom"], "application/atom+xml", "Events (Atom)"),
            ],
        }


@require_safe
def robots_txt(request):
    """Crawlers may read every public page, found through the sitemap; not the admin, the staff pages, the API, or
    lists under a combination of filters (any address with a query string), of which there are countless."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{code}/staff/" for code, _name in settings.LANGUAGES),
        "Disallow: /api/",
        "Disallow: /*?",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap_index')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("portal/favicon.ico")
