"""Forms of the hazard ledger. They parse input; ``hazards.services`` decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.maps import MapPointField, MapPointFormMixin
from portal.permissions import restrict, user_scope
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import DualReportRecipient, HazardGrade, HazardSource, HazardState
from .models import Campaign

MONTHS = [(month, _("%(month)s月") % {"month": month}) for month in range(1, 13)]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, from the camera on a phone; the service checks each."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.MultiWidget):
            continue
        else:
            widget.attrs.setdefault("class", "form-control")


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _text(label, required=True, rows=3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "wide": True})
    )


def _person_name(user) -> str:
    profile = getattr(user, "profile", None)  # a missing profile is an AttributeError
    return (profile.full_name if profile else "") or user.get_full_name() or user.get_username()


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# --- the hazard itself ----------------------------------------------------------------------

DESCRIPTIVE_FIELDS = (
    "township",
    "grid",
    "address",
    "latitude",
    "longitude",
    "description",
    "grade",
    "source",
    "industry",
    "enterprise",
    "campaign",
    "found_on",
    "found_by",
)


class HazardForm(MapPointFormMixin, StyledForm):
    """排查登记 — the fields an inspector fills in the field; photos only when recording."""

    township = forms.ModelChoiceField(label=_("所在镇街区"), queryset=OrgUnit.objects.none())
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)
    address = forms.CharField(label=_("隐患地点"), max_length=200)
    location = MapPointField(label=_("位置"), required=False)
    description = _text(_("隐患描述"), rows=4)
    grade = forms.ChoiceField(label=_("隐患等级"), choices=HazardGrade.choices)
    source = forms.ChoiceField(label=_("隐患来源"), choices=HazardSource.choices)
    industry = forms.ModelChoiceField(
        label=_("行业领域"), queryset=Industry.objects.all(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("生产经营单位"), queryset=Enterprise.objects.none(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("排查行动"), queryset=Campaign.objects.none(), required=False
    )
    found_on = _date(label=_("排查时间"))
    found_by = forms.CharField(label=_("排查人"), max_length=100, required=False)
    photos = PhotosField(
        label=_("现场照片"), help_text=_("可直接拍照，可选多张（PNG/JPG/GIF/WebP）。")
    )

    map_point_fields = {"location": ("latitude", "longitude")}

    def __init__(self, *args, user, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in DESCRIPTIVE_FIELDS:
                value = (
                    getattr(instance, f"{name}_id", None)
                    if name
                    in (
                        "township",
                        "grid",
                        "industry",
                        "enterprise",
                        "campaign",
                    )
                    else getattr(instance, name)
                )
                initial.setdefault(name, value)
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        townships = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)
        if not scope.writes_all and scope.township_ids:
            townships = townships.filter(pk__in=scope.township_ids)
            if len(scope.township_ids) == 1 and instance is None:
                self.initial.setdefault("township", next(iter(scope.township_ids)))
        self.fields["township"].queryset = townships.order_by("sort_order", "name")
        self.fields["grid"].queryset = Grid.objects.select_related("township").filter(
            township__in=townships
        )
        self.fields["enterprise"].queryset = restrict(Enterprise.objects.all(), user, "view")
        self.fields["campaign"].queryset = restrict(Campaign.objects.all(), user, "view")
        if instance is None:
            self.initial.setdefault("found_on", timezone.localdate())
            self.initial.setdefault("found_by", _person_name(user))
        else:
            del self.fields["photos"]
            if instance.state != HazardState.REPORTED:
                self.fields["grade"].disabled = True
                self.fields["grade"].help_text = _("隐患已确认，等级不能在此修改。")

    def _post_clean(self):
        pass  # no model instance here: the service validates the hazard

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in DESCRIPTIVE_FIELDS}


# --- the steps of the rectification --------------------------------------------------------


class ConfirmForm(StyledForm):
    """确认并交办 — grade it, name who rectifies and who supervises, and the time limit."""

    grade = forms.ChoiceField(label=_("隐患等级"), choices=HazardGrade.choices)
    responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=OrgUnit.objects.filter(is_active=True)
    )
    supervising_unit = forms.ModelChoiceField(
        label=_("监管单位"), queryset=OrgUnit.objects.filter(is_active=True)
    )
    deadline = _date(label=_("整改时限"))
    comment = _text(_("交办意见"), required=False, rows=2)


class RejectForm(StyledForm):
    reason = _text(_("驳回理由"))


class PlanForm(StyledForm):
    """五落实 — responsible person, measures, funds, contingency plan (the time limit is set)."""

    rectification_person = forms.CharField(label=_("整改责任人"), max_length=100)
    rectification_measures = _text(_("整改措施"))
    rectification_funds = forms.DecimalField(
        label=_("整改资金（万元）"), max_digits=12, decimal_places=2, min_value=0
    )
    contingency_plan = _text(_("应急预案及防范措施"))


class StartForm(StyledForm):
    pass


class SubmitForm(StyledForm):
    """提请验收 — the result, the day it was done and photos after the rectification."""

    result = _text(_("整改情况"))
    rectified_on = _date(label=_("整改完成日期"))
    photos = PhotosField(label=_("整改后照片"), help_text=_("至少一张整改后照片。"))


class AcceptForm(StyledForm):
    comment = _text(_("验收意见"), required=False, rows=2)


class SendBackForm(StyledForm):
    comment = _text(_("不通过理由"))


class ExtensionRequestForm(StyledForm):
    requested_deadline = _date(label=_("申请延至"))
    reason = _text(_("延期理由"))


class ExtensionDecideForm(StyledForm):
    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("yes", _("同意延期")), ("no", _("不同意延期"))],
        coerce=lambda value: value == "yes",
    )
    comment = _text(_("审批意见"), required=False, rows=2)


class ListingForm(StyledForm):
    """挂牌督办 — the authority, the notice, the day listed and the listing's deadline."""

    authority = forms.CharField(label=_("挂牌督办单位"), max_length=100)
    notice_number = forms.CharField(label=_("督办文号"), max_length=100)
    listed_on = _date(label=_("挂牌日期"))
    deadline = _date(label=_("督办整改时限"))


class ProgressForm(StyledForm):
    period_end = _date(label=_("季度末"), help_text=_("3月31日、6月30日、9月30日或12月31日。"))
    narrative = _text(_("整改进展"))


class LiftForm(StyledForm):
    comment = _text(_("摘牌意见"), required=False, rows=2)


class DualReportForm(StyledForm):
    recipient = forms.ChoiceField(label=_("报告对象"), choices=DualReportRecipient.choices)
    reported_on = _date(label=_("报告日期"))
    note = _text(_("备注"), required=False, rows=2)


# --- campaigns ------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "description",
    "scope",
    "industry",
    "townships",
    "lead_unit",
    "starts_on",
    "ends_on",
    "recurrence_months",
)


class CampaignForm(StyledForm):
    """排查行动 — name, scope, period and the months it recurs in."""

    name = forms.CharField(label=_("行动名称"), max_length=200)
    description = _text(_("行动内容"), required=False)
    scope = _text(_("排查范围"), required=False, rows=2)
    industry = forms.ModelChoiceField(
        label=_("行业领域"), queryset=Industry.objects.all(), required=False
    )
    townships = forms.ModelMultipleChoiceField(
        label=_("涉及镇街区"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True),
        required=False,
        help_text=_("不选表示全市。"),
    )
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=OrgUnit.objects.filter(is_active=True), required=False
    )
    starts_on = _date(label=_("开始日期"))
    ends_on = _date(label=_("结束日期"))
    recurrence_months = forms.TypedMultipleChoiceField(
        label=_("每年重复月份"),
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            initial = kwargs.setdefault("initial", {})
            for name in CAMPAIGN_FIELDS:
                if name == "townships":
                    initial["townships"] = list(instance.townships.all())
                elif name in ("industry", "lead_unit"):
                    initial[name] = getattr(instance, f"{name}_id")
                else:
                    initial[name] = getattr(instance, name)
        super().__init__(*args, **kwargs)
        self.fields["recurrence_months"].widget.attrs.pop("class", None)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CAMPAIGN_FIELDS}
