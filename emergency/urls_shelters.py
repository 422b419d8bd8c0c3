"""/emergency/shelters/ — 应急避难场所 and their capacity by township."""

from django.urls import path

from .views import shelters

urlpatterns = [
    path("", shelters.ShelterListView.as_view(), name="shelter-list"),
    path("new/", shelters.ShelterCreateView.as_view(), name="shelter-create"),
    path("capacity/", shelters.ShelterCapacityView.as_view(), name="shelter-capacity"),
    path("<int:pk>/", shelters.ShelterDetailView.as_view(), name="shelter-detail"),
    path("<int:pk>/edit/", shelters.ShelterUpdateView.as_view(), name="shelter-edit"),
    path("<int:pk>/point.geojson", shelters.ShelterPointView.as_view(), name="shelter-point"),
]
