"""Forms of the 督办单 page. They parse input; ``services`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeReplyForm(forms.Form):
    """反馈: 逾期原因, 整改措施, 承诺完成日期."""

    reason = forms.CharField(
        label=_("逾期原因"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    measures = forms.CharField(
        label=_("整改措施"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    committed_on = forms.DateField(
        label=_("承诺完成日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class NoticeCloseForm(forms.Form):
    """办结: the office's comment."""

    comment = forms.CharField(
        label=_("办结意见"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
