from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("任务落实")

    def ready(self):
        # API viewsets register with portal.api.router; workbench panels and demo and
        # reference steps register with their registries.
        from responsibilities.demo import register_demo_step

        from . import deadlines, workbench  # noqa: F401
        from .api import views  # noqa: F401
        from .demo import seed_demo_supervision, seed_demo_tasks

        register_demo_step("tasks", seed_demo_tasks)
        # After every register's demo data: the sweeps beat would have run since the issue.
        register_demo_step("deadlines", seed_demo_supervision, order=1000)
