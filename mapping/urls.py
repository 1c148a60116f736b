from django.urls import path
from django.utils.translation import get_language

from groundwork.caching import is_personal, public_cache

from . import views
from .filters import FILTER_PARAMETERS
from .freshness import MAP_DATA

app_name = "mapping"


def _audience(request):
    """Whom the answer is for: every anonymous visitor alike, one person, or staff who passed both steps of the login
    (the CSV's contact columns are theirs alone). The session is opened only for a personal request, so that the
    public copies do not vary on the cookie."""
    if not is_personal(request):
        return "public"
    return "verified staff" if views.csv_with_contacts(request) else "personal"


def _etag(request, *args, **kwargs):
    # The language is in the path, but a browser and Django's cache keys see only the URL: both go in. A copy made for
    # one audience must not be revalidated into another's (a password-only session into a verified one, and back).
    return MAP_DATA.etag(get_language() or "", request.get_full_path(), _audience(request))


def _last_modified(request, *args, **kwargs):
    return MAP_DATA.current().last_modified


def _parameters():
    return [*FILTER_PARAMETERS, "page"]


def unchanged(view):
    """The map page, the list and the CSV answer a repeated request with 304 Not Modified while the map data is
    unchanged, and are kept by browsers, proxies and the page cache for anonymous visitors (groundwork.caching)."""
    return public_cache(etag_func=_etag, last_modified_func=_last_modified, parameters=_parameters)(view)


urlpatterns = [
    path("", unchanged(views.InitiativeMapView.as_view()), name="map"),
    path("list/", unchanged(views.InitiativeListView.as_view()), name="initiative_list"),
    path("embed/", unchanged(views.InitiativeEmbedView.as_view()), name="embed"),
    path("suggest/", views.InitiativeSuggestView.as_view(), name="suggest"),
    path("suggest/thanks/", views.InitiativeSuggestThanksView.as_view(), name="suggest_thanks"),
    # Before the slug pattern, which would otherwise take the file name for a slug.
    path("initiatives.geojson", views.initiatives_geojson, name="geojson"),
    path("initiatives.csv", unchanged(views.initiatives_csv), name="csv"),
    path("<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
]
