"""应急避难场所 pages: the list, one shelter with a small map, recording and editing with the
point picker, and the capacity of each township's shelters against its population."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..filters import ShelterFilterSet
from ..forms_resources import ShelterForm
from ..models import Shelter
from .teams import field_rows


class ShelterListView(PortalListView):
    """/emergency/shelters/ — every shelter, filtered; signs not yet up are flagged."""

    model = Shelter
    filterset_class = ShelterFilterSet
    template_name = "emergency/shelters/shelter_list.html"
    rows_template_name = "emergency/shelters/shelter_rows.html"
    create_url_name = "emergency:shelter-create"
    export_name = "emergency-shelters"

    def get_queryset(self):
        return selectors.shelter_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class ShelterDetailView(PortalDetailView):
    model = Shelter
    template_name = "emergency/shelters/shelter_detail.html"
    edit_url_name = "emergency:shelter-edit"
    fields = field_rows(
        Shelter,
        [
            "shelter_type",
            "category",
            "township",
            "address",
            "effective_area",
            "capacity",
            "signage_done",
            "manager_unit",
            "manager",
            "manager_phone",
            "public_phone",
            "opened_on",
            "is_public",
            "latitude",
            "longitude",
            "note",
        ],
    )

    def get_object(self, queryset=None):
        return selectors.shelter_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["facilities"] = selectors.facility_labels(self.object.facilities)
        if self.object.latitude is not None and self.object.longitude is not None:
            ctx["points_url"] = reverse("emergency:shelter-point", args=[self.object.pk])
        return ctx


class ShelterPointView(LoginRequiredMixin, View):
    """The shelter as one GeoJSON point, for the small map on its page."""

    def get(self, request, pk):
        shelter = selectors.shelter_detail(user=request.user, pk=pk)
        features = []
        if shelter.latitude is not None and shelter.longitude is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(shelter.longitude), float(shelter.latitude)],
                    },
                    "properties": {"name": shelter.name},
                }
            )
        return JsonResponse(
            {"type": "FeatureCollection", "features": features},
            content_type="application/geo+json",
            json_dumps_params={"ensure_ascii": False},
        )


class ShelterFormMixin:
    model = Shelter
    form_class = ShelterForm
    template_name = "emergency/shelters/shelter_form.html"
    success_message = _("避难场所已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ShelterCreateView(ShelterFormMixin, PortalCreateView):
    def perform(self, form):
        from ..services import shelter_save

        return shelter_save(actor=self.request.user, **form.service_fields())


class ShelterUpdateView(ShelterFormMixin, PortalUpdateView):
    def perform(self, form):
        from ..services import shelter_save

        return shelter_save(actor=self.request.user, instance=self.object, **form.service_fields())


class ShelterCapacityView(LoginRequiredMixin, TemplateView):
    """/emergency/shelters/capacity/ — per township: residents, shelter capacity, capacity as a
    share of residents, effective area per resident; below target flagged."""

    template_name = "emergency/shelters/capacity.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = selectors.shelter_capacity_by_township(user=self.request.user)
        ctx.update(
            rows=rows,
            any_sample=any(row.is_sample for row in rows),
            capacity_target=selectors.CAPACITY_SHARE_TARGET_PERCENT,
            area_target=selectors.AREA_PER_RESIDENT_TARGET,
        )
        return ctx
