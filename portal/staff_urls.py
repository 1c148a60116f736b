from django.urls import path

from . import staff_views as views

app_name = "staff"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/status.json", views.ReportStatusView.as_view(), name="report_status"),
    path("reports/<int:pk>/download/", views.ReportDownloadView.as_view(), name="report_download"),
    path("reports/<int:pk>/again/", views.ReportAgainView.as_view(), name="report_again"),
]
