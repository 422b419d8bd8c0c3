from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("风险分级管控")

    def ready(self):
        # Deadline sources, API viewsets, workbench panels, the demo step and the reference
        # step register with their registries.
        from . import api, deadlines, demo, reference, workbench  # noqa: F401
