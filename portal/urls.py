from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api
from .views import WorkbenchView, healthz

admin.site.site_header = _("城安 · 系统管理")
admin.site.site_title = _("城安")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", WorkbenchView.as_view(), name="workbench"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("responsibilities.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(api.router.urls)),
    path("", include("responsibilities.urls")),
    path("tasks/", include("tasks.urls")),
    path("hazards/", include("hazards.urls")),
    path("risks/", include("risks.urls")),
    path("emergency/", include("emergency.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("reports/", include("portal.reports.urls")),
    path("dashboard/", include("portal.dashboard.urls")),
    path("public/", include("portal.dashboard.urls_public")),
    path("supervision/", include("portal.supervision.urls")),
    path("calendar/", include("portal.calendar_urls")),
    path("map/", include("portal.map_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
