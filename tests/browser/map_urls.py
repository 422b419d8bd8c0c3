"""A test-only page using the map include and the point picker (with the real URLs)."""

from django import forms
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from portal.maps import MapPointField
from portal.urls import urlpatterns as portal_urlpatterns

PAGE = """{% extends "base.html" %}
{% block content %}
{% include "portal/map.html" with map_id="test-map" points_url="/test-map/points.geojson" color_property="level" colors=colors legend=legend height="22rem" %}
<form method="post" class="card card-body mt-3" data-testid="form">{% csrf_token %}
  {% include "portal/form_fields.html" %}
  <button class="btn btn-primary mt-2" type="submit" data-testid="save">保存</button>
</form>
{% if point %}<div data-testid="saved-point">{{ point.0 }},{{ point.1 }}</div>{% endif %}
{% endblock %}
{% block scripts %}{{ form.media }}{% endblock %}"""

COLORS = {"red": "#dc3545", "blue": "#0d6efd"}


class PlaceForm(forms.Form):
    location = MapPointField(label="位置", required=False)


def map_page(request):
    form = PlaceForm(request.POST or None)
    point = form.cleaned_data["location"] if request.method == "POST" and form.is_valid() else None
    html = (
        engines["django"]
        .from_string(PAGE)
        .render(
            {
                "form": form,
                "point": point,
                "colors": COLORS,
                "legend": [("重大风险", COLORS["red"]), ("低风险", COLORS["blue"])],
            },
            request,
        )
    )
    return HttpResponse(html)


def points(request):
    def feature(name, lon, lat, level):
        return {
            "type": "Feature",
            "properties": {"name": name, "level": level, "url": "/risks/1/"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }

    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [
                feature("化工园区储罐区", 118.95, 37.05, "red"),
                feature("<b>加油站</b>", 118.80, 36.88, "blue"),
            ],
        }
    )


urlpatterns = [
    path("test-map/", map_page),
    path("test-map/points.geojson", points),
    *portal_urlpatterns,
]
