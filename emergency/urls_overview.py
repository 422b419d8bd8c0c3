"""/emergency/ and /emergency/coverage/ (see emergency/urls.py for the namespace)."""

from django.urls import path

from .views import overview

urlpatterns = [
    path("", overview.OverviewView.as_view(), name="index"),
    path("coverage/", overview.CoverageView.as_view(), name="coverage"),
]
