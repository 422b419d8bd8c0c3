"""/reports/ — the auditors' corner: ledgers by period and scope, record histories, the change
log, lists as of a past date, the monthly bulletin and background exports. Each part has its
own URL module, all in the ``reports`` namespace."""

from django.urls import include, path

app_name = "reports"
urlpatterns = [
    path("bulletins/", include("portal.reports.urls_bulletins")),  # 月度通报
    path("", include("portal.reports.urls_exports")),
    path("", include("portal.reports.urls_audit")),  # hub, history, change log, as-of
]
