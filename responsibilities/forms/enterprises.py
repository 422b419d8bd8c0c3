"""Forms of the enterprise roster. They parse input; ``services.enterprises`` decides.

Township, grid and unit choices are narrowed through ``restrict`` (a township's staff pick
their own township), keeping the record's current values selectable on edit.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.maps import MapPointField, MapPointFormMixin
from portal.permissions import restrict, user_scope

from ..choices import UnitKind
from ..models import Enterprise, Grid, OrgUnit
from ..services.enterprises import SHARE_ACTIONS, SHARE_LABELS
from ..validators import normalize_credit_code


def _bootstrap(field, small=False):
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.MultiWidget):
        pass  # styled by their own templates
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select" + (" form-select-sm" if small else ""))
    else:
        widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))


def _with_current(queryset, current_pk):
    """``queryset`` plus the record's current choice, so editing never loses a value."""
    if current_pk is None:
        return queryset
    return queryset.model._default_manager.filter(
        Q(pk__in=queryset.values("pk")) | Q(pk=current_pk)
    )


class EnterpriseForm(MapPointFormMixin, forms.ModelForm):
    """新增/编辑生产经营单位. Supervisors left empty are routed by the service; the location
    is picked on the map (or typed) and reaches the service as latitude and longitude."""

    location = MapPointField(label=_("位置"), required=False)
    map_point_fields = {"location": ("latitude", "longitude")}
    field_order = ["name", "credit_code", "industry", "township", "grid", "address", "location"]

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "industry",
            "township",
            "grid",
            "address",
            "legal_representative",
            "safety_contact",
            "phone",
            "scale",
            "employees",
            "is_high_risk",
            "is_crowded_place",
            "territorial_supervisor",
            "industry_supervisor",
            "professional_supervisor",
            "is_active",
        ]
        help_texts = {
            "territorial_supervisor": _("留空则为所属镇街区。"),
            "industry_supervisor": _("留空则按安全监管责任分工确定。"),
            "professional_supervisor": _("留空则按安全监管责任分工确定。"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        scope = user_scope(user)
        townships = OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True)
        if not scope.writes_all:
            # A member adds enterprises only in a township they belong to.
            townships = restrict(townships, user, "change")
        self.fields["township"].queryset = _with_current(townships, instance.township_id)
        grids = restrict(Grid.objects.filter(township__is_active=True), user, "view")
        self.fields["grid"].queryset = _with_current(grids, instance.grid_id).select_related(
            "township"
        )
        units = restrict(
            OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE), user, "view"
        )
        for name in ("territorial_supervisor", "industry_supervisor", "professional_supervisor"):
            self.fields[name].queryset = _with_current(units, getattr(instance, f"{name}_id"))
            self.fields[name].required = False
        if not instance.pk:
            del self.fields["is_active"]
        for field in self.fields.values():
            _bootstrap(field)

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))

    def service_data(self) -> dict:
        """The cleaned fields as the enterprise services take them (the point as two fields)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.map_point_fields}


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel文件"),
        help_text=_("请使用导入模板（.xlsx）；统一社会信用代码已在名录中的行将更新该单位。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
                "wide": True,
            }
        ),
    )


class EnterpriseShareForm(forms.Form):
    """Share one enterprise with a unit (through its group) or with a delegate person."""

    unit = forms.ModelChoiceField(
        label=_("共享给单位"), queryset=OrgUnit.objects.none(), required=False
    )
    user = forms.ModelChoiceField(
        label=_("或共享给个人"), queryset=get_user_model().objects.none(), required=False
    )
    actions = forms.MultipleChoiceField(
        label=_("权限"),
        choices=[(a, SHARE_LABELS[a]) for a in SHARE_ACTIONS],
        initial=["view"],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = restrict(
            OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE), user, "view"
        )
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        for field in self.fields.values():
            _bootstrap(field)

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("user")):
            raise forms.ValidationError(_("请选择共享的单位或个人（二选一）。"))
        return data
