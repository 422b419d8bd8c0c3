"""/emergency/import/ — a register's sheet (see emergency/urls.py for the namespace)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("", views.EmergencyImportView.as_view(), name="import"),
    path(
        "template/<slug:register>/",
        views.EmergencyImportTemplateView.as_view(),
        name="import-template",
    ),
]
