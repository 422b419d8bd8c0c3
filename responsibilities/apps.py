from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("责任体系")

    def ready(self):
        # API modules register their viewsets with portal.api.router on import.
        from .api import enterprises, units  # noqa: F401
