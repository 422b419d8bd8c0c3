"""/hazards/report/ — 群众举报 for the public: no login."""

from django.urls import path

from . import views_citizen as views

urlpatterns = [
    path("", views.CitizenReportFormView.as_view(), name="citizen-report-form"),
    path("receipt/", views.CitizenReportReceiptView.as_view(), name="citizen-report-receipt"),
    path("status/", views.CitizenReportStatusView.as_view(), name="citizen-report-status"),
]
