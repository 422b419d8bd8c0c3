"""/hazards/import/ — an inspection team's sheet: download the template, upload, see every row
(or what is wrong with it, by row and column), then confirm to save the whole sheet at once."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.import_views import SheetImportView, xlsx_attachment

from .imports import COLUMNS, hazard_import_template, hazards_import


class HazardImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel文件"),
        help_text=gettext_lazy("请使用导入模板（.xlsx）；每行一条隐患，表头在第1行。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )


class HazardImportView(SheetImportView):
    template_name = "hazards/import/import.html"
    form_class = HazardImportForm
    storage_key = "hazards"
    columns = COLUMNS
    retry_url_name = "hazards:hazard-import"
    done_url_name = "hazards:hazard-list"
    refused_message = gettext_lazy("只有安委办和各单位可以导入隐患。")

    def run_import(self, *, file, dry_run):
        return hazards_import(actor=self.request.user, file=file, dry_run=dry_run)

    def done_message(self, result) -> str:
        return _("导入完成：登记隐患%(n)d条。") % {"n": result.new_count}


class HazardImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return xlsx_attachment(
            hazard_import_template(),
            ascii_name="hazard-import-template.xlsx",
            name="隐患导入模板.xlsx",
        )
