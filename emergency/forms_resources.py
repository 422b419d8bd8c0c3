"""Forms for rescue teams, stockpiles, stock movements and shelters. They parse input;
``emergency.services`` decides (scope, quantities, the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.maps import MapPointField, MapPointFormMixin
from portal.permissions import restrict
from responsibilities.models import Enterprise, OrgUnit

from .choices import MovementKind, ShelterFacility
from .models import RescueTeam, Shelter, Stockpile

DATE_WIDGET = {"type": "date"}


def _date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows, "wide": True})


class ResourceForm(MapPointFormMixin, forms.ModelForm):
    """A ModelForm styled for Bootstrap, with the map point picker for latitude/longitude and
    the unit choices a user may pick from; ``service_fields()`` is what the service takes."""

    location = MapPointField(label=_("位置"), required=False)
    map_point_fields = {"location": ("latitude", "longitude")}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(is_active=True)
        townships = units.filter(kind=OrgUnit.Kind.TOWNSHIP)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is OrgUnit:
                field.queryset = townships if name == "township" else units
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.MultiWidget):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["latitude"] = self.cleaned_data.get("latitude")
        data["longitude"] = self.cleaned_data.get("longitude")
        return data


class RescueTeamForm(ResourceForm):
    class Meta:
        model = RescueTeam
        fields = [
            "name",
            "kind",
            "specialty",
            "unit",
            "township",
            "enterprise",
            "member_count",
            "leader",
            "leader_phone",
            "duty_phone",
            "readiness",
            "readiness_checked_on",
            "established_on",
            "is_active",
            "address",
            "equipment",
            "note",
        ]
        widgets = {
            "readiness_checked_on": _date_input(),
            "established_on": _date_input(),
            "equipment": _textarea(),
            "note": _textarea(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = restrict(
            Enterprise.objects.all(), self.user, "view"
        ).only("pk", "name")


class StockpileForm(ResourceForm):
    """Editing a stockpile never touches its quantity: only movements do."""

    class Meta:
        model = Stockpile
        fields = [
            "name",
            "category",
            "specification",
            "measure_unit",
            "minimum_quantity",
            "owner_unit",
            "township",
            "place",
            "custodian",
            "custodian_phone",
            "expires_on",
            "note",
        ]
        widgets = {"expires_on": _date_input(), "note": _textarea(2)}


class StockpileCreateForm(StockpileForm):
    """A new stockpile, with what is on hand now (recorded as 初始入库)."""

    initial_quantity = forms.DecimalField(
        label=_("初始库存"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        help_text=_("登记时的现有数量，记为一笔“初始入库”。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initial_quantity"].widget.attrs.setdefault("class", "form-control")


class StockMoveForm(forms.Form):
    """入库 / 出库 / 损耗报废 on a stockpile's page."""

    kind = forms.ChoiceField(label=_("类别"), choices=MovementKind.choices)
    quantity = forms.DecimalField(
        label=_("数量"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        error_messages={"min_value": _("数量须大于0。")},
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=_date_input())
    reason = forms.CharField(label=_("事由"), max_length=300)
    reference = forms.CharField(label=_("单据号"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ShelterForm(ResourceForm):
    facilities = forms.MultipleChoiceField(
        label=_("配套设施"),
        choices=ShelterFacility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Shelter
        fields = [
            "name",
            "shelter_type",
            "category",
            "township",
            "address",
            "effective_area",
            "capacity",
            "facilities",
            "signage_done",
            "manager_unit",
            "manager",
            "manager_phone",
            "public_phone",
            "opened_on",
            "is_public",
            "note",
        ]
        widgets = {"opened_on": _date_input(), "note": _textarea(2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        manager_unit = self.fields["manager_unit"]
        manager_unit.required = False
        manager_unit.help_text = _("不填则为所在镇街区。")
