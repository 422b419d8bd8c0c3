"""/risks/ — 风险清单, a point's page, registering, editing, assessing and retiring."""

from django.urls import path

from .views import points

urlpatterns = [
    path("", points.RiskPointListView.as_view(), name="point-list"),
    path("new/", points.RiskPointCreateView.as_view(), name="point-create"),
    path("<int:pk>/", points.RiskPointDetailView.as_view(), name="point-detail"),
    path("<int:pk>/edit/", points.RiskPointUpdateView.as_view(), name="point-edit"),
    path("<int:pk>/assess/", points.RiskPointAssessView.as_view(), name="point-assess"),
    path("<int:pk>/retire/", points.RiskPointRetireView.as_view(), name="point-retire"),
    path("<int:pk>/point.json", points.RiskPointGeoJSONView.as_view(), name="point-geojson"),
]
