"""The public shelter map (公众避难场所地图): no login. Published shelters only, and only their
public fields (``Shelter.PUBLIC_FIELDS``) — never the manager's name or phone, nor notes."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .. import selectors


def _township(request):
    """The township filter from ``?township=``; anything unknown or malformed means all."""
    value = request.GET.get("township", "")
    if not value.isdigit():
        return None
    return selectors.public_townships().filter(pk=int(value)).first()


class PublicShelterMapView(TemplateView):
    """/emergency/shelters/public/ — a map of published shelters with the list beside it."""

    template_name = "emergency/public/shelters.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        township = _township(self.request)
        shelters = list(selectors.public_shelters(township=township))
        ctx.update(
            township=township,
            townships=selectors.public_townships(),
            shelters=[(s, selectors.public_shelter_properties(s)) for s in shelters],
            points_url=selectors.public_map_url(township),
            total_capacity=sum(s.capacity for s in shelters),
        )
        return ctx


@require_GET
@cache_control(max_age=300, public=True)
def public_shelter_data(request):
    """/emergency/shelters/public/shelters.geojson — the published shelters as GeoJSON."""
    return JsonResponse(
        selectors.public_shelter_geojson(township=_township(request)),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
