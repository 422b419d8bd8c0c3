"""/hazards/ — each part of the ledger in its own URL module, all in the ``hazards`` namespace."""

from django.urls import include, path

app_name = "hazards"

urlpatterns = [
    path("report/", include("hazards.urls_public")),  # 群众举报: public, no login
    path("citizen-reports/", include("hazards.urls_triage")),  # the office triages them
    path("campaigns/", include("hazards.urls_campaigns")),
    path("import/", include("hazards.urls_import")),
    path("", include("hazards.urls_ledger")),
]
