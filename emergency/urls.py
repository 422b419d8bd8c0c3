"""/emergency/ — each register in its own URL module, all in the ``emergency`` namespace."""

from django.urls import include, path

app_name = "emergency"

urlpatterns = [
    path("shelters/public/", include("emergency.urls_public")),  # public shelter map, no login
    path("plans/", include("emergency.urls_plans")),
    path("drills/", include("emergency.urls_drills")),
    path("teams/", include("emergency.urls_teams")),
    path("stockpiles/", include("emergency.urls_stock")),
    path("shelters/", include("emergency.urls_shelters")),
    path("import/", include("emergency.urls_import")),
    path("", include("emergency.urls_overview")),  # /emergency/ and /emergency/coverage/
]
