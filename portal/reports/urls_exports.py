"""/reports/export/… and /reports/exports/… — downloads and background export jobs."""

from django.urls import path

from .views import ExportJobDetailView, ExportJobDownloadView, ExportJobListView, ExportView

urlpatterns = [
    path("export/<slug:name>/", ExportView.as_view(), name="export"),
    path("exports/", ExportJobListView.as_view(), name="export-jobs"),
    path("exports/<int:pk>/", ExportJobDetailView.as_view(), name="export-job"),
    path("exports/<int:pk>/download/", ExportJobDownloadView.as_view(), name="export-download"),
]
