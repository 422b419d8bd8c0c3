"""/emergency/drills/ — 应急演练 (see emergency/urls.py for the namespace)."""

from django.urls import path

from .views import drills

urlpatterns = [
    path("", drills.DrillListView.as_view(), name="drill-list"),
    path("new/", drills.DrillCreateView.as_view(), name="drill-create"),
    path("<int:pk>/", drills.DrillDetailView.as_view(), name="drill-detail"),
    path("<int:pk>/edit/", drills.DrillUpdateView.as_view(), name="drill-edit"),
    path("<int:pk>/report/", drills.DrillReportView.as_view(), name="drill-report"),
]
