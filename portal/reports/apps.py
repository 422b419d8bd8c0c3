from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "portal.reports"
    label = "reports"
    verbose_name = _("报表导出")

    def ready(self):
        # Each app's exports.py registers its exporters (portal.exports.register).
        autodiscover_modules("exports")
