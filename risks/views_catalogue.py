"""The industry catalogue's pages: the catalogue itself (everyone signed in reads it), the
office's project screening form, a screening's result (printable) and the history of
screenings."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from portal.maps import MapPointField, MapPointFormMixin, map_settings
from portal.permissions import restrict, user_scope
from portal.views import PortalCreateView, PortalListView, ScopedMixin
from responsibilities.models import Industry, OrgUnit

from .choices import (
    LEVEL_COLORS,
    LEVEL_SHORT,
    RestrictionKind,
    RiskCategory,
    RiskLevel,
    ScreeningVerdict,
)
from .models import IndustryRestriction, ProjectScreening
from .services_screening import MAX_RADIUS_M, screening_run

SITE_COLOR = "#6f42c1"


class CatalogueView(ScopedMixin, ListView):
    """/risks/catalogue/ — 禁止类 then 限制类, with a 示例数据 banner while any entry is a sample."""

    model = IndustryRestriction
    template_name = "risks/catalogue/catalogue.html"

    def base_queryset(self):
        return IndustryRestriction.objects.filter(is_active=True).select_related("industry")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        entries = list(ctx["object_list"])
        ctx.update(
            sections=[
                (kind.label, [e for e in entries if e.kind == kind], kind.value)
                for kind in RestrictionKind
            ],
            has_sample=any(e.is_sample_data for e in entries),
            may_screen=ctx["scope"].writes_all,
            central_city_names="、".join(settings.CENTRAL_CITY_TOWNSHIPS),
        )
        return ctx


class ScreeningReadersMixin:
    """Screenings are the office's working papers: the office, auditors and admins read them."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).sees_all:
            raise PermissionDenied(_("项目准入筛查仅限安委办。"))
        return super().dispatch(request, *args, **kwargs)


class ScreeningForm(MapPointFormMixin, forms.Form):
    project_name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    industry_text = forms.CharField(
        label=gettext_lazy("所属行业"),
        max_length=200,
        help_text=gettext_lazy("按立项材料填写，如“烟花爆竹批发”“加油站”。"),
    )
    industry = forms.ModelChoiceField(
        label=gettext_lazy("行业领域"), queryset=Industry.objects.none(), required=False
    )
    township = forms.ModelChoiceField(
        label=gettext_lazy("拟选址镇街区"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=gettext_lazy("不选则按地图上的位置判断。"),
    )
    address = forms.CharField(label=gettext_lazy("拟选址地点"), max_length=200, required=False)
    location = MapPointField(label=gettext_lazy("拟选址位置"), required=False)
    radius_m = forms.IntegerField(
        label=gettext_lazy("周边范围（米）"),
        initial=1000,
        min_value=1,
        max_value=MAX_RADIUS_M,
        error_messages={
            "min_value": gettext_lazy("周边范围应在 1 到 20000 米之间。"),
            "max_value": gettext_lazy("周边范围应在 1 到 20000 米之间。"),
            "invalid": gettext_lazy("周边范围须为整数（米）。"),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    map_point_fields = {"location": ("latitude", "longitude")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = restrict(Industry.objects.all(), user)
        self.fields["township"].queryset = restrict(
            OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True), user
        ).order_by("sort_order", "name")
        for name, field in self.fields.items():
            if name != "location":
                css = "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
                field.widget.attrs.setdefault("class", css)


class ScreeningCreateView(PortalCreateView):
    """/risks/catalogue/screening/ — the office enters a proposed project."""

    form_class = ScreeningForm
    model = ProjectScreening
    template_name = "risks/catalogue/screening_form.html"
    success_message = gettext_lazy("已完成筛查。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).writes_all:
            raise PermissionDenied(_("项目准入筛查仅限安委办。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return screening_run(
            actor=self.request.user,
            project_name=data["project_name"],
            industry_text=data["industry_text"],
            industry=data.get("industry"),
            township=data.get("township"),
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_m=data["radius_m"],
            note=data.get("note", ""),
        )


def _level_legend() -> list[tuple[str, str]]:
    return [(str(LEVEL_SHORT[level]), LEVEL_COLORS[level]) for level in RiskLevel]


def _level_colors() -> dict[str, str]:
    return {**{level.value: color for level, color in LEVEL_COLORS.items()}, "site": SITE_COLOR}


class ScreeningDetailView(ScreeningReadersMixin, ScopedMixin, DetailView):
    """A screening's verdict, the entries it matched with their conditions, and the risk points
    near the site (table and small map); prints on A4."""

    model = ProjectScreening
    template_name = "risks/catalogue/screening_detail.html"

    def base_queryset(self):
        return ProjectScreening.objects.select_related(
            "industry", "township", "screened_by__profile"
        ).prefetch_related("matched")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        screening = self.object
        labels = dict(RiskCategory.choices)
        nearby = [
            {
                **row,
                "level_label": LEVEL_SHORT.get(row["level"], _("未评估")),
                "color": LEVEL_COLORS.get(row["level"], "#6c757d"),
                "category_label": labels.get(row.get("category"), ""),
            }
            for row in screening.nearby
        ]
        ctx.update(
            matched=list(screening.matched.all()),
            nearby=nearby,
            has_point=screening.latitude is not None and screening.longitude is not None,
            points_url=reverse("risks:screening-points", args=[screening.pk]),
            level_colors=_level_colors(),
            legend=[*_level_legend(), (_("拟选址"), SITE_COLOR)],
            map_settings=map_settings(),
            central_city="、".join(settings.CENTRAL_CITY_TOWNSHIPS),
        )
        return ctx


class ScreeningPointsView(ScreeningReadersMixin, LoginRequiredMixin, View):
    """The site and the nearby points of a screening as GeoJSON, for its small map."""

    def get(self, request, pk):
        screening = get_object_or_404(restrict(ProjectScreening.objects.all(), request.user), pk=pk)
        features = []
        if screening.latitude is not None and screening.longitude is not None:
            features.append(
                _feature(
                    screening.latitude,
                    screening.longitude,
                    {"name": screening.project_name, "level": "site"},
                )
            )
        for row in screening.nearby:
            features.append(
                _feature(
                    row["latitude"],
                    row["longitude"],
                    {
                        "name": f"{row['code']} {row['name']}（{row['distance_m']}米）",
                        "level": row["level"],
                        "url": reverse("risks:point-detail", args=[row["id"]]),
                    },
                )
            )
        return JsonResponse({"type": "FeatureCollection", "features": features})


def _feature(latitude, longitude, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


class ScreeningFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("项目或行业"), method="search")
    verdict = django_filters.ChoiceFilter(
        label=gettext_lazy("筛查结论"), choices=ScreeningVerdict.choices
    )

    class Meta:
        model = ProjectScreening
        fields = ["verdict"]

    def search(self, queryset, name, value):
        return queryset.filter(
            models.Q(project_name__icontains=value) | models.Q(industry_text__icontains=value)
        )


class ScreeningListView(ScreeningReadersMixin, PortalListView):
    """/risks/catalogue/screenings/ — every screening, newest first."""

    model = ProjectScreening
    template_name = "risks/catalogue/screening_list.html"
    columns = [
        ("project_name", gettext_lazy("项目名称")),
        ("industry_text", gettext_lazy("所属行业")),
        ("township", gettext_lazy("拟选址镇街区")),
        ("verdict", gettext_lazy("筛查结论")),
        ("created_at", gettext_lazy("筛查时间")),
        ("screened_by", gettext_lazy("筛查人")),
    ]
    create_url_name = "risks:screening-create"
    filterset_class = ScreeningFilterSet

    def base_queryset(self):
        return ProjectScreening.objects.select_related("township", "screened_by")

    def user_may_create(self) -> bool:
        return user_scope(self.request.user).writes_all
