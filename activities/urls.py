from django.urls import path
from django.views.decorators.http import condition

from . import feeds, views
from .conditional import public_events_etag, public_response

app_name = "activities"


def unchanged(view):
    """The list and its feeds answer a repeated request with 304 Not Modified while no event has changed, and any
    other anonymous request with the response already built for it (portal.middleware)."""
    return condition(etag_func=public_events_etag)(public_response(view))


urlpatterns = [
    path("", unchanged(views.EventListView.as_view()), name="event_list"),
    path("archive/", unchanged(views.EventArchiveView.as_view()), name="event_archive"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<slug:slug>/register/", views.EventRegisterView.as_view(), name="event_register"),
    path("registration/<str:signed_token>/", views.RegistrationManageView.as_view(), name="registration_manage"),
    # Feeds and posters: calendar files, RSS and Atom take the list page's query string.
    path("feed.ics", unchanged(feeds.EventListCalendarView.as_view()), name="event_list_ics"),
    path("feed.rss", unchanged(feeds.EventListFeed()), name="event_list_rss"),
    path("feed.atom", unchanged(feeds.EventListAtomFeed()), name="event_list_atom"),
    path("library/<slug:slug>/feed.ics", unchanged(feeds.LibraryCalendarView.as_view()), name="library_ics"),
    path("library/<slug:slug>/feed.rss", unchanged(feeds.LibraryEventFeed()), name="library_rss"),
    path("library/<slug:slug>/feed.atom", unchanged(feeds.LibraryEventAtomFeed()), name="library_atom"),
    path("<slug:slug>/event.ics", feeds.EventCalendarView.as_view(), name="event_ics"),
    path("<slug:slug>/poster/", views.EventPosterView.as_view(), name="event_poster"),
]
