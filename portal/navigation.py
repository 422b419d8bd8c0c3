"""The main navigation: each entry says who may see it. Apps add entries as they land."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .permissions import UserScope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    # members: anyone signed in; office: office+admin; readers: office, auditor, admin;
    # leaders: readers and the leaders (负责人) of a unit; admin: admin only.
    audience: str = "members"

    def visible_to(self, scope: UserScope) -> bool:
        if not scope.is_authenticated:
            return False
        if self.audience == "admin":
            return scope.is_admin
        if self.audience == "office":
            return scope.writes_all
        if self.audience == "readers":  # office, auditor, admin
            return scope.sees_all
        if self.audience == "leaders":
            return scope.sees_all or bool(scope.leader_unit_ids)
        return True


NAV_ITEMS: list[NavItem] = [
    NavItem("dashboard", _("综合看板"), "dashboard:index", "speedometer2", audience="leaders"),
    NavItem("workbench", _("工作台"), "workbench", "house"),
    NavItem("tasks", _("任务落实"), "tasks:directive-list", "list-check"),
    NavItem("supervision", _("督办单"), "supervision:notice-list", "exclamation-octagon"),
    NavItem("hazards", _("隐患排查"), "hazards:hazard-list", "cone-striped"),
    NavItem("risks", _("风险管控"), "risks:point-list", "exclamation-diamond"),
    NavItem("emergency", _("应急管理"), "emergency:index", "life-preserver"),
    NavItem("units", _("单位"), "responsibilities:unit-list", "diagram-3"),
    NavItem("enterprises", _("生产经营单位"), "responsibilities:enterprise-list", "buildings"),
    NavItem(
        "accounts", _("账号管理"), "responsibilities:account-list", "people", audience="office"
    ),
    NavItem("calendar", _("节假日安排"), "calendar:year", "calendar3", audience="office"),
    NavItem("reports", _("报表"), "reports:index", "file-earmark-bar-graph"),
    NavItem("api", _("接口文档"), "api-docs", "braces", audience="readers"),
    NavItem("admin", _("系统管理"), "admin:index", "gear", audience="admin"),
]


def nav_for(scope: UserScope, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible_to(scope):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {"key": item.key, "label": item.label, "url": url, "icon": item.icon, "active": active}
        )
    return items
