"""/emergency/shelters/public/ — the public shelter map and its data: no login."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.PublicShelterMapView.as_view(), name="shelter-public"),
    path("shelters.geojson", public.public_shelter_data, name="shelter-public-data"),
]
