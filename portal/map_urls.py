from django.urls import path

from .maps import townships_geojson

app_name = "map"
urlpatterns = [
    path("townships.geojson", townships_geojson, name="townships"),
]
