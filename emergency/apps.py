from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("应急准备")

    def ready(self):
        # Deadline sources, API viewsets, workbench panels and the demo step register with
        # their registries.
        from . import api, deadlines, demo, workbench, workbench_resources  # noqa: F401
