from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("责任体系")

    def ready(self):
        # API modules register their viewsets with portal.api.router on import; the
        # accounts services register this app's handover steps (portal.handover).
        from .api import enterprises, units  # noqa: F401
        from .services import accounts  # noqa: F401
