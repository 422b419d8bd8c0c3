from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        # Registers the viewset with portal.api.router and the workbench panel.
        from . import api, workbench  # noqa: F401
