"""四色图 pages: the map and its two JSON endpoints (payloads built in ``risks.map``)."""

from __future__ import annotations

import json
from hashlib import sha256

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .map import risk_map_page, risk_map_points, risk_map_townships


class RiskMapView(LoginRequiredMixin, TemplateView):
    """/risks/map/ — points coloured by level over the townships shaded by level."""

    template_name = "risks/map/map.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(risk_map_page(user=self.request.user, params=self.request.GET))
        return ctx


def _json_response(request, payload: dict, status: int = 200) -> HttpResponse:
    """Compact UTF-8 JSON, private to the user, revalidated by its ETag (304 if unchanged)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = HttpResponse(body, content_type="application/json", status=status)
    patch_cache_control(response, private=True, no_cache=True)
    if status != 200:
        return response
    etag = f'"{sha256(body).hexdigest()[:32]}"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)


def _map_data_view(selector):
    @require_GET
    @gzip_page
    def view(request):
        if not request.user.is_authenticated:
            return _json_response(request, {"error": _("请先登录。")}, status=401)
        try:
            payload = selector(user=request.user, params=request.GET)
        except ValidationError as exc:
            return _json_response(request, {"errors": exc.message_dict}, status=400)
        return _json_response(request, payload)

    view.__doc__ = selector.__doc__
    view.__name__ = selector.__name__
    return view


# /risks/map/points.json — the points in the "columns" format, in scope and filtered.
risk_map_points_view = _map_data_view(risk_map_points)
# /risks/map/townships.json — per township, points by level, highest and aggregate level.
risk_map_townships_view = _map_data_view(risk_map_townships)
