"""Maps: the township base map, a reusable map include, and a point picker for forms.

Offline first: without ``settings.MAP_TILE_URL`` there is no tile layer and the township
shapes (``settings.TOWNSHIP_GEOJSON``, served at ``map:townships``) are the base map. With it
(and ``MAP_TILE_HOSTS`` for the CSP) tiles are drawn beneath. Settings reach the browser as
JSON (``json_script``), never inline JavaScript: the CSP forbids inline scripts.

Drawing a map on a page (``static/portal/js/map.js`` does the rest)::

    {% include "portal/map.html" with map_id="risk-map" points_url=points_url color_property="level" colors=level_colors legend=legend %}

``points_url`` answers a GeoJSON FeatureCollection of points; each feature's
``properties[color_property]`` picks its colour through ``colors`` (a dict value → CSS colour;
without it the property is the colour itself), ``properties.name`` is its label and
``properties.url`` a link in its popup. ``legend`` is a list of (label, colour) pairs.

Picking a point in a form — the design chosen here: a form field ``MapPointField`` (a
MultiValueField of latitude and longitude, cleaned to a ``(lat, lon)`` pair of Decimals with
six places, or None when both are empty) with its widget ``PointPickerWidget`` (a MultiWidget:
the two number inputs, a small map where a click sets the point, and a 使用当前位置 button using
the browser's geolocation, which browsers allow on https or localhost only). For a ModelForm
whose model keeps two fields, ``MapPointFormMixin`` maps the pair onto them::

    class EnterpriseForm(MapPointFormMixin, forms.ModelForm):
        location = MapPointField(label=_("位置"), required=False)
        map_point_fields = {"location": ("latitude", "longitude")}

        class Meta:
            model = Enterprise
            fields = ["name", ...]          # without latitude and longitude

The mixin fills the field from the instance (or ``initial["latitude"]``…), and after cleaning
puts ``cleaned_data["latitude"]``/``["longitude"]`` (for services) and sets them on the
instance before the model's own validation.
"""

from __future__ import annotations

import json
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

logger = logging.getLogger(__name__)

COORDINATE_PLACES = Decimal("0.000001")


def map_settings() -> dict:
    """What every map on a page needs from settings (the context processor passes it too)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": getattr(settings, "MAP_TILE_SUBDOMAINS", "") or "abc",
        "center": list(settings.MAP_CENTER),
        "zoom": settings.MAP_ZOOM,
    }


# --- the township base map ------------------------------------------------------------------


@lru_cache(maxsize=4)
def _townships_payload(path: str, mtime_ns: int, size: int) -> tuple[bytes, str]:
    """The file as compact JSON, and its ETag; cached until the file changes."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
            raise ValueError("not a GeoJSON FeatureCollection")
    except (OSError, ValueError) as exc:
        logger.error("township GeoJSON %s is unusable: %s", path, exc)
        data = {
            "type": "FeatureCollection",
            "features": [],
            "error": str(_("乡镇边界文件无法读取：%(error)s")) % {"error": exc},
        }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, sha256(body).hexdigest()[:32]


def townships_payload() -> tuple[bytes, str]:
    path = Path(settings.TOWNSHIP_GEOJSON)
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0)
    return _townships_payload(str(path), *key)


@require_GET
@cache_control(max_age=3600, public=True)
@condition(etag_func=lambda request: townships_payload()[1])
def townships_geojson(request):
    """The townships' shapes (public geography: also used on public pages). A missing or
    broken file gives an empty collection with an ``error`` the map shows, never a 500."""
    body, _etag = townships_payload()
    return HttpResponse(body, content_type="application/geo+json")


# --- coordinates on a model ------------------------------------------------------------


def check_coordinates(obj) -> None:
    """Clean ``obj.latitude``/``obj.longitude`` in place (blank → None, six places, in range);
    a ValidationError keyed by the field at fault otherwise."""
    errors = {}
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = getattr(obj, name)
        if value in (None, ""):
            setattr(obj, name, None)
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[name] = gettext("坐标“%(value)s”不是数字。") % {"value": value}
            continue
        if not number.is_finite() or abs(number) > bound:
            errors[name] = gettext("坐标“%(value)s”超出范围。") % {"value": value}
        else:
            setattr(obj, name, number.quantize(Decimal("0.000001")))
    if errors:
        raise ValidationError(errors)


# --- the point picker -----------------------------------------------------------------------


class PointPickerWidget(forms.MultiWidget):
    """Latitude and longitude inputs with a small map: click to set, or use the current
    position. Renders ``portal/widgets/point_picker.html``; needs ``{{ form.media }}``."""

    template_name = "portal/widgets/point_picker.html"

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "portal/css/map.css"]}
        js = ["vendor/leaflet/leaflet.js", "portal/js/map.js"]

    def __init__(self, attrs=None, map_height: str = "18rem"):
        self.map_height = map_height
        number = {"class": "form-control", "step": "any", "inputmode": "decimal"}
        widgets = {
            "lat": forms.NumberInput(attrs={**number, "data-point-lat": "", "min": -90, "max": 90}),
            "lon": forms.NumberInput(
                attrs={**number, "data-point-lon": "", "min": -180, "max": 180}
            ),
        }
        # "wide" makes portal/form_fields.html give the field a full row.
        super().__init__(widgets, attrs={"wide": True, **(attrs or {})})

    def decompress(self, value):
        if value:
            return [value[0], value[1]]
        return [None, None]

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("wide", None)  # a layout hint for the form template, not an HTML attribute
        return attrs

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = {
            "id": f"{widget_id}-picker",
            "settings_id": f"{widget_id}-map-settings",
            "settings": map_settings(),
            "townships_url": reverse("map:townships"),
            "height": self.map_height,
        }
        return context

    def id_for_label(self, id_):
        return f"{id_}_lat" if id_ else id_


class MapPointField(forms.MultiValueField):
    """A point as ``(latitude, longitude)`` Decimals with six places, or None when empty."""

    widget = PointPickerWidget
    default_error_messages = {
        "incomplete": _("请同时填写纬度和经度。"),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.DecimalField(
                label=_("纬度"),
                min_value=-90,
                max_value=90,
                error_messages={
                    "invalid": _("纬度须为数字。"),
                    "min_value": _("纬度应在-90到90之间。"),
                    "max_value": _("纬度应在-90到90之间。"),
                },
            ),
            forms.DecimalField(
                label=_("经度"),
                min_value=-180,
                max_value=180,
                error_messages={
                    "invalid": _("经度须为数字。"),
                    "min_value": _("经度应在-180到180之间。"),
                    "max_value": _("经度应在-180到180之间。"),
                },
            ),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        lat, lon = [*data_list, None, None][:2]
        if lat is None and lon is None:
            return None
        if lat is None or lon is None:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return (
            lat.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
            lon.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
        )


class MapPointFormMixin:
    """Maps each ``MapPointField`` named in ``map_point_fields`` onto two model fields."""

    map_point_fields: dict[str, tuple[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        for name, (lat_name, lon_name) in self.map_point_fields.items():
            lat = self.initial.get(lat_name, getattr(instance, lat_name, None))
            lon = self.initial.get(lon_name, getattr(instance, lon_name, None))
            if lat is not None and lon is not None and name not in self.initial:
                self.initial[name] = (lat, lon)

    def clean(self):
        cleaned = super().clean()
        for name, (lat_name, lon_name) in self.map_point_fields.items():
            if name not in cleaned:
                continue  # the field had its own error
            point = cleaned[name]
            cleaned[lat_name], cleaned[lon_name] = point if point else (None, None)
        return cleaned

    def _post_clean(self):
        instance = getattr(self, "instance", None)
        if instance is not None:
            for name, (lat_name, lon_name) in self.map_point_fields.items():
                if name in self.cleaned_data:
                    setattr(instance, lat_name, self.cleaned_data.get(lat_name))
                    setattr(instance, lon_name, self.cleaned_data.get(lon_name))
        super()._post_clean()
