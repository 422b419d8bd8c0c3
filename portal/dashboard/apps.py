from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "portal.dashboard"
    label = "dashboard"
    verbose_name = _("综合看板")

    def ready(self):
        # The scorecard's default weights register as a load_reference step.
        from . import reference  # noqa: F401
