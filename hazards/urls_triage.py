"""/hazards/citizen-reports/ — the office triages citizens' reports; auditors read them."""

from django.urls import path

from . import views_citizen as views

urlpatterns = [
    path("", views.CitizenReportListView.as_view(), name="citizen-report-list"),
    path("<int:pk>/", views.CitizenReportDetailView.as_view(), name="citizen-report-detail"),
    path("<int:pk>/triage/", views.CitizenReportTriageView.as_view(), name="citizen-report-triage"),
    path(
        "<int:pk>/dismiss/",
        views.CitizenReportDismissView.as_view(),
        name="citizen-report-dismiss",
    ),
    path("<int:pk>/photo/", views.CitizenReportPhotoView.as_view(), name="citizen-report-photo"),
]
