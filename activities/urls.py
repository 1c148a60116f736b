from django.urls import path

from . import feeds, views

app_name = "activities"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("archive/", views.EventArchiveView.as_view(), name="event_archive"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<slug:slug>/register/", views.EventRegisterView.as_view(), name="event_register"),
    path("registration/<str:signed_token>/", views.RegistrationManageView.as_view(), name="registration_manage"),
    # Feeds and posters: calendar files, RSS and Atom take the list page's query string.
    path("feed.ics", feeds.EventListCalendarView.as_view(), name="event_list_ics"),
    path("feed.rss", feeds.EventListFeed(), name="event_list_rss"),
    path("feed.atom", feeds.EventListAtomFeed(), name="event_list_atom"),
    path("library/<slug:slug>/feed.ics", feeds.LibraryCalendarView.as_view(), name="library_ics"),
    path("library/<slug:slug>/feed.rss", feeds.LibraryEventFeed(), name="library_rss"),
    path("library/<slug:slug>/feed.atom", feeds.LibraryEventAtomFeed(), name="library_atom"),
    path("<slug:slug>/event.ics", feeds.EventCalendarView.as_view(), name="event_ics"),
    path("<slug:slug>/poster/", views.EventPosterView.as_view(), name="event_poster"),
]
