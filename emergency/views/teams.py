"""救援队伍 pages: the list with its filters, one team, recording and editing a team."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..filters import RescueTeamFilterSet
from ..forms_resources import RescueTeamForm
from ..models import RescueTeam


def field_rows(model, names) -> list[tuple[str, str]]:
    """(path, label) pairs for ``portal/detail.html``, labelled by the model's verbose names;
    a dotted path takes its first part's label."""
    return [(name, model._meta.get_field(name.split(".")[0]).verbose_name) for name in names]


class RescueTeamListView(PortalListView):
    """/emergency/teams/ — every team (any unit may look for one to call on), filtered."""

    model = RescueTeam
    filterset_class = RescueTeamFilterSet
    create_url_name = "emergency:team-create"
    export_name = "emergency-teams"
    columns = [
        ("name", _("队伍名称")),
        ("kind", _("队伍类别")),
        ("specialty", _("专业类别")),
        ("unit.display_name", _("主管单位")),
        ("township.display_name", _("驻地镇街区")),
        ("member_count", _("队员人数")),
        ("leader", _("队长")),
        ("duty_phone", _("值班电话")),
        ("readiness", _("战备状态")),
    ]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)


class RescueTeamDetailView(PortalDetailView):
    model = RescueTeam
    edit_url_name = "emergency:team-edit"
    fields = field_rows(
        RescueTeam,
        [
            "kind",
            "specialty",
            "unit",
            "township",
            "enterprise",
            "member_count",
            "leader",
            "leader_phone",
            "duty_phone",
            "equipment",
            "address",
            "latitude",
            "longitude",
            "readiness",
            "readiness_checked_on",
            "established_on",
            "is_active",
            "note",
        ],
    )

    def get_object(self, queryset=None):
        return selectors.team_detail(user=self.request.user, pk=self.kwargs["pk"])


class RescueTeamFormMixin:
    model = RescueTeam
    form_class = RescueTeamForm
    success_message = _("救援队伍已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class RescueTeamCreateView(RescueTeamFormMixin, PortalCreateView):
    def perform(self, form):
        from ..services import team_save

        return team_save(actor=self.request.user, **form.service_fields())


class RescueTeamUpdateView(RescueTeamFormMixin, PortalUpdateView):
    def perform(self, form):
        from ..services import team_save

        return team_save(actor=self.request.user, instance=self.object, **form.service_fields())
