from django.urls import include, path

app_name = "tasks"

urlpatterns = [
    path("", include("tasks.ledger_urls")),
    path("import/", include("tasks.import_urls")),
    path("reports/", include("tasks.report_urls")),
]
