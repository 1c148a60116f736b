from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from groundwork.caching import public_cache

from . import alert_views, feeds, views
from .filters import EventFilter
from .freshness import EVENT_DATA

app_name = "activities"


def _etag(request, *args, **kwargs):
    # The language is in the path, but Django's cache keys and a browser see only the URL: both go in.
    return EVENT_DATA.etag(get_language() or "", request.get_full_path())


def _last_modified(request, *args, **kwargs):
    return EVENT_DATA.current().last_modified


def _max_age(request, *args, **kwargs):
    return EVENT_DATA.current().seconds_valid()


def _parameters():
    # Whatever filters the list has, and its page.
    return [*EventFilter.base_filters, "page"]


def unchanged(view):
    """The list and its feeds answer a repeated request with 304 Not Modified while no event has changed, and are
    kept by browsers, proxies and the page cache for anonymous visitors (groundwork.caching)."""
    return public_cache(
        etag_func=_etag, last_modified_func=_last_modified, max_age_func=_max_age, parameters=_parameters
    )(view)


urlpatterns = [
    path("", unchanged(views.EventListView.as_view()), name="event_list"),
    path("archive/", unchanged(views.EventArchiveView.as_view()), name="event_archive"),
    path("alerts/", alert_views.AlertSignUpView.as_view(), name="alert_signup"),
    path("alerts/sent/", alert_views.AlertSentView.as_view(), name="alert_sent"),
    path("alerts/confirm/<str:signed_token>/", alert_views.AlertConfirmView.as_view(), name="alert_confirm"),
    path("alerts/change/<str:signed_token>/", alert_views.AlertManageView.as_view(), name="alert_manage"),
    path(
        "alerts/unsubscribe/<str:signed_token>/",
        alert_views.AlertUnsubscribeView.as_view(),
        name="alert_unsubscribe",
    ),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<slug:slug>/register/", views.EventRegisterView.as_view(), name="event_register"),
    path("<slug:slug>/register/sent/", views.EventRegisterSentView.as_view(), name="event_register_sent"),
    path("registration/<str:signed_token>/", views.RegistrationManageView.as_view(), name="registration_manage"),
    # Feeds and posters: calendar files, RSS and Atom take the list page's query string. A syndication Feed is
    # no class-based view, so it answers every method unless told to read only, as the pages do.
    path("feed.ics", unchanged(feeds.EventListCalendarView.as_view()), name="event_list_ics"),
    path("feed.rss", require_safe(unchanged(feeds.EventListFeed())), name="event_list_rss"),
    path("feed.atom", require_safe(unchanged(feeds.EventListAtomFeed())), name="event_list_atom"),
    path("library/<slug:slug>/feed.ics", unchanged(feeds.LibraryCalendarView.as_view()), name="library_ics"),
    path("library/<slug:slug>/feed.rss", require_safe(unchanged(feeds.LibraryEventFeed())), name="library_rss"),
    path("library/<slug:slug>/feed.atom", require_safe(unchanged(feeds.LibraryEventAtomFeed())), name="library_atom"),
    path("<slug:slug>/event.ics", feeds.EventCalendarView.as_view(), name="event_ics"),
    path("<slug:slug>/poster/", views.EventPosterView.as_view(), name="event_poster"),
    path("<slug:slug>/slide/", views.EventSurveySlideView.as_view(), name="event_survey_slide"),
    path("<slug:slug>/helpful/", views.EventSurveyView.as_view(), name="event_survey"),
    path("<slug:slug>/helpful/<str:signed_key>/", views.EventSurveyView.as_view(), name="event_survey_link"),
]
