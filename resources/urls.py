from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.ResourceListView.as_view(), name="resource_list"),
    # Before the resource pattern; models.RESERVED_SLUGS keeps resources from taking these words as slugs.
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
    path("strategies/", views.StrategyListView.as_view(), name="strategy_list"),
    path("strategies/<slug:slug>/", views.StrategyDetailView.as_view(), name="strategy_detail"),
    path("<slug:slug>/", views.ResourceDetailView.as_view(), name="resource_detail"),
]
