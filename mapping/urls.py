from django.urls import path

from . import views

app_name = "mapping"

urlpatterns = [
    path("", views.InitiativeMapView.as_view(), name="map"),
    path("list/", views.InitiativeListView.as_view(), name="initiative_list"),
    path("embed/", views.InitiativeEmbedView.as_view(), name="embed"),
    path("suggest/", views.InitiativeSuggestView.as_view(), name="suggest"),
    path("suggest/thanks/", views.InitiativeSuggestThanksView.as_view(), name="suggest_thanks"),
    # Before the slug pattern, which would otherwise take the file name for a slug.
    path("initiatives.geojson", views.initiatives_geojson, name="geojson"),
    path("initiatives.csv", views.initiatives_csv, name="csv"),
    path("<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
]
