"""Forms of progress reporting. They parse input; ``services.reports`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Milestone
from ..services.reports import target_text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type and size)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ProgressReportForm(forms.Form):
    """填报进展: the unit (among the user's units on the task), value, narrative, evidence."""

    unit = forms.ModelChoiceField(label=_("填报单位"), queryset=None, empty_label=None)
    value = forms.DecimalField(
        label=_("完成值"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    narrative = forms.CharField(
        label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5, "wide": True})
    )
    completes = forms.BooleanField(label=_("本单位已完成该节点"), required=False)
    evidence = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可选择多个文件：PDF、图片（PNG/JPG/GIF/WebP）或Office文档。"),
    )

    def __init__(self, *args, milestone: Milestone, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        if units is None:
            del self.fields["unit"]
        else:
            from responsibilities.models import OrgUnit

            self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])
        value = self.fields["value"]
        if milestone.has_target:
            value.required = True
            value.help_text = _("目标：%(target)s") % {"target": target_text(milestone)}
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        self.fields["evidence"].widget.attrs["wide"] = True


class ReportCommentForm(forms.Form):
    """The comment that goes with 确认 / 审核通过 / 退回 (required to return)."""

    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
