"""排查行动 pages: the drives with their counts, one drive with the hazards found during it,
and the office's form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from portal.permissions import restrict, user_scope
from portal.views import PortalCreateView, ScopedMixin, ServiceFormView

from .. import selectors
from ..forms import CampaignForm
from ..models import Campaign
from ..selectors import mark_overdue

HAZARDS_SHOWN = 50


class OfficeOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).writes_all:
            raise PermissionDenied(_("排查行动由安委办组织。"))
        return super().dispatch(request, *args, **kwargs)


class CampaignListView(ScopedMixin, ListView):
    model = Campaign
    template_name = "hazards/campaign_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = user_scope(self.request.user).writes_all
        return ctx


class CampaignDetailView(ScopedMixin, DetailView):
    model = Campaign
    template_name = "hazards/campaign_detail.html"

    def get_object(self, queryset=None):
        return selectors.campaign_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hazards = selectors.campaign_hazards(user=self.request.user, campaign=self.object)
        ctx.update(
            hazards=mark_overdue(list(hazards[:HAZARDS_SHOWN])),
            more_hazards=self.object.found_count > HAZARDS_SHOWN,
            can_change=user_scope(self.request.user).writes_all,
        )
        return ctx


class CampaignCreateView(OfficeOnlyMixin, PortalCreateView):
    model = Campaign
    form_class = CampaignForm
    success_message = _("排查行动已保存。")

    def perform(self, form):
        from ..services import campaign_save

        return campaign_save(actor=self.request.user, **form.service_fields())


class CampaignUpdateView(OfficeOnlyMixin, ServiceFormView):
    model = Campaign
    form_class = CampaignForm
    success_message = _("排查行动已保存。")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_object_or_404(
            restrict(Campaign.objects.all(), request.user, "view"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        from ..services import campaign_save

        return campaign_save(actor=self.request.user, instance=self.object, **form.service_fields())
