from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe

from activities.views import survey_short_link

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Open data for other sites and harvesters: one address whatever the language, every language inside.
    path("api/v1/", include("portal.api")),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The short address of an event's survey on posters and slides; it leads to the visitor's language.
    path("s/<str:code>/", survey_short_link, name="survey_short_link"),
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path(
        "sitemap.xml",
        require_safe(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path("sitemap-<section>.xml", require_safe(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path("events/", include("activities.urls")),
    path("map/", include("mapping.urls")),
    path("resources/", include("resources.urls")),
    path("partners/", include("partners.urls")),
    path("staff/", include("portal.staff_urls")),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", views.media_file, name="media")]

# Under /api/ errors are problem documents (RFC 9457) like the API's own; in the admin its pages, elsewhere the site's.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
