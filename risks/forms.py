"""Forms of the risk register. They parse input; ``risks.services`` decides (and computes
every score and level: nothing here is typed by the user but the assessor's inputs)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.maps import MapPointField, MapPointFormMixin
from portal.permissions import restrict, user_scope
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import (
    LEC_C_OPTIONS,
    LEC_E_OPTIONS,
    LEC_L_OPTIONS,
    LS_L_OPTIONS,
    LS_S_OPTIONS,
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    RiskCategory,
    RiskKind,
)


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.MultiWidget):
            continue
        else:
            widget.attrs.setdefault("class", "form-control")


def _text(label, required=False, rows=3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "wide": True})
    )


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _person_name(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_full_name() or user.get_username()


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AccidentTypesWidget(forms.CheckboxSelectMultiple):
    """The accident types as a row of checkboxes across the form's full width."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(
            attrs={"wide": True, "class": "form-check-input", **(attrs or {})}, choices=choices
        )

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("wide", None)
        return attrs


# --- the risk point itself --------------------------------------------------------------------

FOREIGN_KEYS = ("industry", "township", "grid", "enterprise", "responsible_unit")
DESCRIPTIVE_FIELDS = (
    "name",
    "kind",
    "category",
    "industry",
    "description",
    "township",
    "grid",
    "enterprise",
    "address",
    "latitude",
    "longitude",
    "accident_types",
    "engineering_measures",
    "management_measures",
    "training_measures",
    "protective_measures",
    "emergency_measures",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "control_level",
)


class RiskPointForm(MapPointFormMixin, StyledForm):
    """登记/编辑风险点 — where and what it is, what may happen, the controls by kind, and who
    answers for them. Level and review dates come from assessments, never from here."""

    name = forms.CharField(label=_("风险点名称"), max_length=200)
    kind = forms.ChoiceField(label=_("风险点类型"), choices=RiskKind.choices)
    category = forms.ChoiceField(label=_("风险类别"), choices=RiskCategory.choices)
    industry = forms.ModelChoiceField(
        label=_("行业领域"), queryset=Industry.objects.all(), required=False
    )
    description = _text(_("风险描述"))
    township = forms.ModelChoiceField(label=_("所在镇街区"), queryset=OrgUnit.objects.none())
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)
    enterprise = forms.ModelChoiceField(
        label=_("生产经营单位"), queryset=Enterprise.objects.none(), required=False
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    location = MapPointField(label=_("位置"), required=False)
    accident_types = forms.MultipleChoiceField(
        label=_("可能导致的事故类型"),
        choices=AccidentType.choices,
        required=False,
        widget=AccidentTypesWidget,
    )
    engineering_measures = _text(_("工程技术措施"), rows=2)
    management_measures = _text(_("管理措施"), rows=2)
    training_measures = _text(_("培训教育措施"), rows=2)
    protective_measures = _text(_("个体防护措施"), rows=2)
    emergency_measures = _text(_("应急处置措施"), rows=2)
    responsible_unit = forms.ModelChoiceField(
        label=_("管控责任单位"), queryset=OrgUnit.objects.none()
    )
    responsible_person = forms.CharField(label=_("管控责任人"), max_length=50)
    responsible_phone = forms.CharField(label=_("责任人电话"), max_length=30, required=False)
    control_level = forms.ChoiceField(
        label=_("管控层级"), choices=ControlLevel.choices, initial=ControlLevel.ENTERPRISE
    )

    map_point_fields = {"location": ("latitude", "longitude")}

    SECTIONS = (
        (_("基本信息"), ("name", "kind", "category", "industry", "description")),
        (_("地点"), ("township", "grid", "enterprise", "address", "location")),
        (
            _("事故类型和管控措施"),
            (
                "accident_types",
                "engineering_measures",
                "management_measures",
                "training_measures",
                "protective_measures",
                "emergency_measures",
            ),
        ),
        (
            _("管控责任"),
            ("responsible_unit", "responsible_person", "responsible_phone", "control_level"),
        ),
    )

    def sections(self) -> list[tuple[str, list]]:
        """The bound fields in the form's sections, for the page to draw under headings."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def __init__(self, *args, user, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in DESCRIPTIVE_FIELDS:
                attr = f"{name}_id" if name in FOREIGN_KEYS else name
                initial.setdefault(name, getattr(instance, attr))
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        townships = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)
        units = OrgUnit.objects.filter(is_active=True)
        if not scope.writes_all:
            if scope.township_ids:
                # A township registers points in its own territory, answered for by any unit.
                townships = townships.filter(pk__in=scope.township_ids)
            else:
                # A bureau's points lie anywhere but are its own to answer for.
                units = units.filter(pk__in=scope.unit_ids)
            if instance is None:
                if len(scope.township_ids) == 1:
                    self.initial.setdefault("township", next(iter(scope.township_ids)))
                if len(scope.unit_ids) == 1:
                    self.initial.setdefault("responsible_unit", next(iter(scope.unit_ids)))
        if instance is not None:
            # Keep the point's current units selectable even when outside the narrowed lists.
            townships = townships | OrgUnit.objects.filter(pk=instance.township_id)
            units = units | OrgUnit.objects.filter(pk=instance.responsible_unit_id)
        self.fields["township"].queryset = townships.order_by("sort_order", "name")
        self.fields["responsible_unit"].queryset = units.order_by("sort_order", "kind", "name")
        self.fields["grid"].queryset = Grid.objects.select_related("township").filter(
            township__in=self.fields["township"].queryset
        )
        self.fields["enterprise"].queryset = restrict(Enterprise.objects.all(), user, "view")

    def _post_clean(self):
        pass  # no model instance is saved here: the service validates the point

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in DESCRIPTIVE_FIELDS}
        for name in fields:
            if fields[name] is None and name not in (*FOREIGN_KEYS, "latitude", "longitude"):
                fields[name] = ""
        fields["accident_types"] = list(data.get("accident_types") or [])
        return fields


class RetireForm(StyledForm):
    """销号 — the point is no longer a risk (removed, closed down); its review stops."""

    reason = forms.CharField(label=_("销号原因"), max_length=200)


# --- an assessment ------------------------------------------------------------------------


def _choice(label, options, **attrs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *[(str(value), f"{value} — {text}") for value, text in options]],
        required=False,
        widget=forms.Select(attrs=attrs),
    )


def _ls_choice(label, options, **attrs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *[(str(value), text) for value, text in options]],
        required=False,
        widget=forms.Select(attrs=attrs),
    )


class AssessmentForm(StyledForm):
    """风险评估 — LEC (D = L × E × C) or the LS matrix (R = L × S): the assessor picks the
    values from the standard tables; the score and level are the service's."""

    method = forms.ChoiceField(
        label=_("评估方法"),
        choices=AssessmentMethod.choices,
        initial=AssessmentMethod.LEC,
        widget=forms.RadioSelect(attrs={"data-assess-method": ""}),
    )
    lec_likelihood = _choice(_("L 事故发生的可能性"), LEC_L_OPTIONS, **{"data-assess": "LEC"})
    exposure = _choice(_("E 暴露于危险环境的频繁程度"), LEC_E_OPTIONS, **{"data-assess": "LEC"})
    consequence = _choice(_("C 发生事故产生的后果"), LEC_C_OPTIONS, **{"data-assess": "LEC"})
    ls_likelihood = _ls_choice(_("L 可能性"), LS_L_OPTIONS, **{"data-assess": "LS"})
    severity = _ls_choice(_("S 严重性"), LS_S_OPTIONS, **{"data-assess": "LS"})
    assessed_on = _date(label=_("评估日期"))
    assessor_name = forms.CharField(label=_("评估人"), max_length=100, required=False)
    note = _text(_("评估说明"), rows=2)

    INPUTS = {
        AssessmentMethod.LEC: ("lec_likelihood", "exposure", "consequence"),
        AssessmentMethod.LS: ("ls_likelihood", "severity"),
    }
    # The service's field names → this form's, by method.
    SERVICE_FIELDS = {
        AssessmentMethod.LEC: {
            "likelihood": "lec_likelihood",
            "exposure": "exposure",
            "consequence": "consequence",
        },
        AssessmentMethod.LS: {"likelihood": "ls_likelihood", "severity": "severity"},
    }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.initial.setdefault("assessor_name", _person_name(user))
        self.initial.setdefault("assessed_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        for name in self.INPUTS.get(method, ()):
            if not cleaned.get(name):
                self.add_error(name, _("请选择%(label)s。") % {"label": self.fields[name].label})
        return cleaned

    def field_for(self, service_field: str) -> str | None:
        """Where a service error on ``service_field`` belongs on this form."""
        method = self.cleaned_data.get("method")
        mapped = self.SERVICE_FIELDS.get(method, {}).get(service_field)
        if mapped:
            return mapped
        return service_field if service_field in self.fields else None

    def service_fields(self) -> dict:
        """The assessor's inputs as the service takes them (strings; the service checks them
        against the standard tables)."""
        data = self.cleaned_data
        method = data["method"]
        inputs = {
            service: data.get(field) or None
            for service, field in self.SERVICE_FIELDS[method].items()
        }
        return {
            "method": method,
            **inputs,
            "assessed_on": data["assessed_on"],
            "assessor_name": data.get("assessor_name") or "",
            "note": data.get("note") or "",
        }


# --- thresholds -----------------------------------------------------------------------------


class ThresholdForm(StyledForm):
    """One band's scores; the service keeps a method's bands in order and apart."""

    min_score = forms.DecimalField(
        label=_("最低分值（含）"), max_digits=8, decimal_places=2, min_value=0
    )
    max_score = forms.DecimalField(
        label=_("最高分值（含）"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("留空表示不设上限。"),
    )
