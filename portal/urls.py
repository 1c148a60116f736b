from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
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

if settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", views.media_file, name="media")]
