"""The workbench panel: the latest unread notifications."""

from django.utils.translation import gettext_lazy as _

from portal.workbench import Panel, register_panel

from .selectors import unread_notifications_for

PANEL_SIZE = 5


@register_panel
def unread_notifications_panel(request):
    latest = list(unread_notifications_for(request.user)[: PANEL_SIZE + 1])
    if not latest:
        return None
    return Panel(
        title=_("未读通知"),
        template="notifications/panel.html",
        context={"notifications": latest[:PANEL_SIZE], "more": len(latest) > PANEL_SIZE},
        order=10,
    )
