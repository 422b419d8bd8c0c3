from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from .workbench import register_panel
        from .workdays import workday_calendar_panel

        register_panel(workday_calendar_panel)
