from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self):
        # Deadline sources, API viewsets, workbench panels and the demo step register with
        # their registries (portal.deadlines, portal.api, portal.workbench, seed_demo).
        from . import (  # noqa: F401
            api,
            deadlines,
            demo,
            workbench,
            workbench_citizen,
        )
