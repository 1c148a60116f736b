from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.ResourceListView.as_view(), name="resource_list"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
    path("<slug:slug>/", views.ResourceDetailView.as_view(), name="resource_detail"),
]
