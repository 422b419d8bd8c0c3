"""/reports/ hub, a record's history, the change log and the registers as of a date."""

from django.urls import path

from .views_audit import AsOfView, ChangeLogView, RecordHistoryView, ReportsIndexView

urlpatterns = [
    path("", ReportsIndexView.as_view(), name="index"),
    path("history/<str:label>/<int:pk>/", RecordHistoryView.as_view(), name="record-history"),
    path("changes/", ChangeLogView.as_view(), name="change-log"),
    path("as-of/<slug:register>/", AsOfView.as_view(), name="as-of"),
]
