"""Forms of 群众举报 (citizens' reports): the public form, the receipt lookup, and the office's
two decisions (转为隐患, 不予受理). They only parse input; the services decide."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

from .choices import CitizenReportState, HazardGrade
from .models import CitizenReport

# A phone photo is a few megabytes; more is not a photo of a hazard.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
RECEIPT_ALPHABET_RE = re.compile(r"^[A-Z0-9]{4,12}$")
# 11-digit mainland mobile (1[3-9]…), or a landline: optional area code 0xx(x), 7–8 digits,
# optional extension.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def township_choices(request=None):
    """Townships are public geography: the public form may list them all."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True).order_by(
        "sort_order", "name"
    )


def normalise_phone(value: str) -> str:
    """Spaces and the +86 prefix removed; separators other than '-' dropped."""
    value = re.sub(r"[\s()（）]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


class CitizenReportForm(forms.Form):
    """群众举报 — what a citizen fills in on a phone."""

    description = forms.CharField(
        label=_("隐患情况"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                **TEXT,
                "rows": 4,
                "placeholder": _("例如：小区门口广告牌松动，大风天有坠落危险。"),
            }
        ),
        error_messages={"required": _("请描述发现的安全隐患。")},
    )
    address = forms.CharField(
        label=_("地点"),
        max_length=200,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("街道、门牌号或附近标志物")}),
        error_messages={"required": _("请填写隐患所在地点。")},
    )
    township = forms.ModelChoiceField(
        label=_("所在镇街区"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("不清楚"),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("请选择列表中的镇街区。")},
    )
    latitude = forms.DecimalField(
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput(attrs={"data-locate-lat": ""}),
        error_messages={"invalid": _("位置信息无效，请重新定位。")},
    )
    longitude = forms.DecimalField(
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput(attrs={"data-locate-lng": ""}),
        error_messages={"invalid": _("位置信息无效，请重新定位。")},
    )
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}
        ),
        help_text=_("可选，拍照或从相册选择，不超过10MB。"),
    )
    contact_name = forms.CharField(
        label=_("联系人"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("可选，仅安委办可见，用于核实情况。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_upload(photo, kinds=("image",), max_bytes=PHOTO_MAX_BYTES)
        return photo

    def clean_contact_phone(self):
        phone = normalise_phone(self.cleaned_data.get("contact_phone", ""))
        if phone and not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
            raise ValidationError(
                _("联系电话应为11位手机号码或固定电话（如0536-5221234）。"), code="phone"
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lng is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("位置信息不完整，请重新定位。"))
        return cleaned


class ReceiptLookupForm(forms.Form):
    """回执码查询 — the code as printed on the receipt; spaces, dashes and case forgiven."""

    code = forms.CharField(
        label=_("回执码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                **TEXT,
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("请输入回执码。")},
    )

    def clean_code(self):
        code = re.sub(r"[\s\-]", "", self.cleaned_data["code"]).upper()
        if not RECEIPT_ALPHABET_RE.match(code):
            raise ValidationError(_("回执码格式不正确，请核对后重新输入。"), code="format")
        return code


class CitizenReportTriageForm(forms.Form):
    """转为隐患 — the office makes a hazard of a report."""

    township = forms.ModelChoiceField(
        label=_("所在镇街区"),
        queryset=OrgUnit.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("请选择隐患所在镇街区。")},
    )
    grade = forms.ChoiceField(
        label=_("隐患等级"),
        choices=HazardGrade.choices,
        initial=HazardGrade.GENERAL,
        widget=forms.Select(attrs=SELECT),
    )
    address = forms.CharField(
        label=_("隐患地点"), max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=_("隐患描述"), widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices()


class CitizenReportDismissForm(forms.Form):
    """不予受理 — with the reason the reporter will read."""

    reason = forms.CharField(
        label=_("不予受理理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_("举报人凭回执码可看到此理由。"),
        error_messages={"required": _("请填写不予受理的理由。")},
    )


class CitizenReportFilterSet(django_filters.FilterSet):
    """The triage list's filter: the state (every state when none is chosen, 待处理 first)."""

    state = django_filters.ChoiceFilter(
        label=_("处理状态"),
        choices=CitizenReportState.choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    township = django_filters.ModelChoiceFilter(
        label=_("所在镇街区"),
        queryset=township_choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = CitizenReport
        fields = ["state", "township"]
