from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("archive/", views.EventArchiveView.as_view(), name="event_archive"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
