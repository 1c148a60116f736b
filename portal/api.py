"""The open data API `/api/v1/`: each app's viewsets on one router, the OpenAPI 3.1 schema (completed by
`portal.api_schema`) and its documentation, Swagger UI served from the static files."""

from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

from activities.api import EventViewSet
from mapping.api import InitiativeViewSet
from partners.api import AgreementViewSet, OrganisationViewSet
from resources.api import ResourceViewSet, StrategyViewSet

router = routers.DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("events", EventViewSet, basename="event")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("resources", ResourceViewSet, basename="resource")
router.register("strategies", StrategyViewSet, basename="strategy")

app_name = "api"


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored static files, its start script a file of its own (the split view's `?script`),
    in a page of ours without inline styles: the Content-Security-Policy stays the site's."""

    template_name = "portal/api_docs.html"
    url_name = "api:schema"
    title = "LIBRI open data API"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"portal/vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("portal/favicon.svg")


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    path("", include(router.urls)),
]
