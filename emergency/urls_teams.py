"""/emergency/teams/ — 救援队伍."""

from django.urls import path

from .views import teams

urlpatterns = [
    path("", teams.RescueTeamListView.as_view(), name="team-list"),
    path("new/", teams.RescueTeamCreateView.as_view(), name="team-create"),
    path("<int:pk>/", teams.RescueTeamDetailView.as_view(), name="team-detail"),
    path("<int:pk>/edit/", teams.RescueTeamUpdateView.as_view(), name="team-edit"),
]
