"""/hazards/import/ — an inspection team's sheet (see hazards/urls.py for the namespace)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("", views.HazardImportView.as_view(), name="hazard-import"),
    path("template/", views.HazardImportTemplateView.as_view(), name="hazard-import-template"),
]
