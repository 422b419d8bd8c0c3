"""/risks/import/ — a risk inventory sheet (see risks/urls.py for the namespace)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("", views.RiskImportView.as_view(), name="point-import"),
    path("template/", views.RiskImportTemplateView.as_view(), name="point-import-template"),
]
