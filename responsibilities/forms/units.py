"""Forms for units, members, grids, grid officers and the division of supervision duties.

They only parse input; the services decide. Choices are narrowed through the selectors.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope

from ..choices import SupervisionKind, UnitKind
from ..models import Grid, GridOfficer, Membership, OrgUnit, SupervisionDuty

_ALIAS_SPLIT = re.compile(r"[、,，;；\n\r]+")


class AliasesField(forms.CharField):
    """A JSON list of names, typed as one line separated by 、 or commas, or one per line."""

    widget = forms.Textarea(attrs={"rows": 2, "wide": True})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value)
        return [part.strip() for part in _ALIAS_SPLIT.split(text or "") if part.strip()]


class OrgUnitForm(forms.ModelForm):
    """Everything about a unit: the office's and the admin's form."""

    aliases = AliasesField(
        label=_("别名"),
        required=False,
        help_text=_("公文中出现的其他写法，用顿号或换行分隔，如“住建局、市住房和城乡建设局”。"),
    )

    class Meta:
        model = OrgUnit
        fields = [
            "name",
            "short_name",
            "aliases",
            "kind",
            "parent",
            "code",
            "is_committee_member",
            "contact_person",
            "phone",
            "email",
            "address",
            "population",
            "area_km2",
            "is_sample_data",
            "sort_order",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = restrict(OrgUnit.objects.filter(is_active=True), user, "view")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        for field in self.fields.values():
            _bootstrap(field)


class OrgUnitContactForm(forms.ModelForm):
    """What a unit's own staff may change: its contact details."""

    class Meta:
        model = OrgUnit
        fields = ["contact_person", "phone", "email", "address"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _bootstrap(field)


class MembershipAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("用户"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).select_related("profile")
        if unit is not None:
            users = users.exclude(memberships__unit=unit)
        self.fields["user"].queryset = users.order_by("username")
        self.fields["user"].label_from_instance = _user_label
        for field in self.fields.values():
            _bootstrap(field, small=True)


class GridForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["name", "code", "township", "community"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        townships = OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True)
        scope = user_scope(user)
        if not scope.writes_all:
            townships = townships.filter(pk__in=scope.township_ids)
        self.fields["township"].queryset = townships
        for field in self.fields.values():
            _bootstrap(field)


class GridOfficerForm(forms.ModelForm):
    class Meta:
        model = GridOfficer
        fields = ["name", "role", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _bootstrap(field, small=True)


class SupervisionDutyForm(forms.Form):
    """One cell of the division of duties: which unit supervises this industry this way."""

    unit = forms.ModelChoiceField(
        label=_("监管单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("留空表示取消该项分工。"),
    )
    scope_note = forms.CharField(
        label=SupervisionDuty._meta.get_field("scope_note").verbose_name,
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "wide": True}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = restrict(
            OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE), user, "view"
        )
        for field in self.fields.values():
            _bootstrap(field)


SUPERVISION_KINDS_IN_TABLE = (SupervisionKind.INDUSTRY, SupervisionKind.PROFESSIONAL)


def _user_label(user):
    profile = getattr(user, "profile", None)
    full_name = getattr(profile, "full_name", "") if profile else ""
    return f"{full_name}（{user.username}）" if full_name else user.username


def _bootstrap(field, small=False):
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select" + (" form-select-sm" if small else ""))
    else:
        widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))
