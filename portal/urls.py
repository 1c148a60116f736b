from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Open data for other sites and harvesters: one address whatever the language, every language inside.
    path("api/v1/", include("portal.api")),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("events/", include("activities.urls")),
    path("map/", include("mapping.urls")),
    path("resources/", include("resources.urls")),
    path("partners/", include("partners.urls")),
    path("staff/", include("portal.staff_urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

# Under /api/ errors are problem documents (RFC 9457) like the API's own; elsewhere the site's pages.
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
