"""/dashboard/ — the office dashboard and the scorecard (考核), in the ``dashboard`` namespace."""

from django.urls import include, path

app_name = "dashboard"
urlpatterns = [
    path("scorecard/", include("portal.dashboard.urls_scorecard")),
    path("", include("portal.dashboard.urls_board")),
]
