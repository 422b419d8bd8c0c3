"""Forms of the holiday calendar pages: one day, a pasted schedule, the working-day calculator.

Plain forms, not model forms: the service decides (a duplicate date gets its own message)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import WorkdayOverride


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WorkdayOverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=WorkdayOverride.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=_("节日"),
        max_length=50,
        required=False,
        help_text=_("如：春节"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    note = forms.CharField(
        label=_("备注"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class WorkdayScheduleForm(forms.Form):
    text = forms.CharField(
        label=_("国务院办公厅公布的安排"),
        help_text=_(
            "每行一段：“2027-02-06 至 2027-02-12 放假 春节”或“2027-02-14 调休上班 春节”。"
            "放假的一段按通知逐日录入（含周末）。"
        ),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 12}),
    )


class WorkdayCalculatorForm(forms.Form):
    start = forms.DateField(
        label=_("起算日期"), widget=DateInput(attrs={"class": "form-control form-control-sm"})
    )
    days = forms.IntegerField(
        label=_("工作日数"),
        min_value=0,
        max_value=250,
        initial=settings.SUPERVISION_RESPONSE_WORKDAYS,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
