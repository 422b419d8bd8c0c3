from django.urls import path

from .views import reports as views

urlpatterns = [
    path("new/<int:pk>/", views.ReportCreateView.as_view(), name="report-create"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report-edit"),
    path("<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report-submit"),
    path("<int:pk>/confirm/", views.ReportConfirmView.as_view(), name="report-confirm"),
    path("<int:pk>/approve/", views.ReportApproveView.as_view(), name="report-approve"),
    path("<int:pk>/return/", views.ReportReturnView.as_view(), name="report-return"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="report-evidence"),
]
