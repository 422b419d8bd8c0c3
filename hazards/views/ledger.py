"""The hazard ledger's pages: the list, one hazard with its history and action forms, and
recording or editing a hazard."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.permissions import restrict
from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..choices import PhotoKind
from ..filters import HazardFilterSet
from ..forms import HazardForm
from ..models import Hazard, HazardPhoto
from ..selectors import mark_overdue
from .actions import action_forms, pending_extension

FIVE_LABELS = {
    "rectification_person": _("责任落实（整改责任人）"),
    "rectification_measures": _("措施落实"),
    "rectification_funds": _("资金落实"),
    "deadline": _("时限落实"),
    "contingency_plan": _("预案落实"),
}


class HazardListView(PortalListView):
    """/hazards/ — the ledger in the user's scope, filtered; one query per page of rows."""

    model = Hazard
    filterset_class = HazardFilterSet
    template_name = "hazards/hazard_list.html"
    rows_template_name = "hazards/hazard_rows.html"
    create_url_name = "hazards:hazard-create"
    export_name = "hazards"
    import_url_name = "hazards:hazard-import"

    def get_queryset(self):
        return selectors.hazard_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = mark_overdue(list(ctx["object_list"]))
        ctx["rows_template"] = self.rows_template_name
        return ctx


class HazardDetailView(PortalDetailView):
    """One hazard: its fields, 五落实, photos, timeline, extensions, listing, dual reports,
    history, and the action forms this user may use now."""

    model = Hazard
    template_name = "hazards/hazard_detail.html"
    edit_url_name = "hazards:hazard-edit"

    def get_object(self, queryset=None):
        return selectors.hazard_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, bound=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hazard, user = self.object, self.request.user
        listing = selectors.hazard_listing(hazard)
        five = hazard.five_in_place()
        photos = list(hazard.photos.all())
        mark_overdue([hazard])
        ctx.update(
            can_change=ctx["can_change"] and hazard.is_open,
            five=[(FIVE_LABELS[key], done) for key, done in five.items()],
            before_photos=[p for p in photos if p.kind == PhotoKind.BEFORE],
            after_photos=[p for p in photos if p.kind == PhotoKind.AFTER],
            events=list(hazard.events.all()),
            extensions=list(hazard.extensions.all()),
            pending_extension=pending_extension(hazard),
            listing=listing,
            dual_reports=list(hazard.dual_reports.all()),
            action_forms=action_forms(user, hazard, listing, bound),
        )
        return ctx


class HazardCreateView(PortalCreateView):
    """/hazards/new/ — 排查登记, made for a phone: camera photos and the device's position."""

    model = Hazard
    form_class = HazardForm
    template_name = "hazards/hazard_form.html"
    success_message = _("隐患已登记。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import hazard_report

        return hazard_report(
            actor=self.request.user,
            photos=form.cleaned_data.get("photos") or (),
            **form.service_fields(),
        )


class HazardUpdateView(PortalUpdateView):
    """/hazards/<pk>/edit/ — the descriptive fields, while the hazard is open."""

    model = Hazard
    form_class = HazardForm
    template_name = "hazards/hazard_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import hazard_update

        return hazard_update(actor=self.request.user, hazard=self.object, **form.service_fields())


class HazardPhotoView(LoginRequiredMixin, View):
    """A hazard's photo, only to those who may see the hazard; never a public media URL."""

    def get(self, request, pk):
        photo = get_object_or_404(restrict(HazardPhoto.objects.all(), request.user, "view"), pk=pk)
        try:
            handle = photo.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("照片已不存在。")) from exc
        safe = photo.content_type.startswith("image/")
        response = FileResponse(
            handle,
            as_attachment=not safe,
            filename=photo.name,
            content_type=photo.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
