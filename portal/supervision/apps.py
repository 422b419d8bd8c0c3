from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "portal.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self):
        # Registers the viewsets with portal.api.router and the workbench panels.
        from . import api, workbench  # noqa: F401
