"""/risks/import/ — a risk inventory sheet (风险清单): download the template, upload, see every
row with the level its assessment gives (or what is wrong with it, by row and column), then
confirm to save the whole sheet at once."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.import_views import SheetImportView, xlsx_attachment

from .imports import COLUMNS, risk_import_template, risks_import


class RiskImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel文件"),
        help_text=gettext_lazy("请使用导入模板（.xlsx）；每行一个风险点，表头在第1行。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )


class RiskImportView(SheetImportView):
    template_name = "risks/import/import.html"
    form_class = RiskImportForm
    storage_key = "risks"
    columns = COLUMNS
    retry_url_name = "risks:point-import"
    done_url_name = "risks:point-list"
    refused_message = gettext_lazy("只有安委办和各单位可以导入风险清单。")

    def run_import(self, *, file, dry_run):
        return risks_import(actor=self.request.user, file=file, dry_run=dry_run)

    def done_message(self, result) -> str:
        return _("导入完成：登记风险点%(n)d个，其中%(assessed)d个已评估定级。") % {
            "n": result.new_count,
            "assessed": result.assessed_count,
        }


class RiskImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return xlsx_attachment(
            risk_import_template(),
            ascii_name="risk-import-template.xlsx",
            name="风险清单导入模板.xlsx",
        )
