"""/risks/map/ — the four-colour map (四色图) and its data."""

from django.urls import path

from . import views_map

urlpatterns = [
    path("", views_map.RiskMapView.as_view(), name="map"),
    path("points.json", views_map.risk_map_points_view, name="map-points"),
    path("townships.json", views_map.risk_map_townships_view, name="map-townships"),
]
