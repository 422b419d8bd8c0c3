"""/public/ — the public information page (no login) and its setting (the office)."""

from django.urls import path

from .views_public import PublicIndexView, PublicSettingsView

app_name = "public"
urlpatterns = [
    path("", PublicIndexView.as_view(), name="index"),
    path("settings/", PublicSettingsView.as_view(), name="settings"),
]
