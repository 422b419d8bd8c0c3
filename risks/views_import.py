"""/risks/import/ — a risk inventory sheet (风险清单): download the template, upload, see every
row with the level its assessment gives (or what is wrong with it, by row and column), then
confirm to save the whole sheet at once."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.permissions import user_scope

from .imports import COLUMNS, risk_import_template, risks_import

IMPORT_SESSION_KEY = "risks-import-token"


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


def may_import(user) -> bool:
    scope = user_scope(user)
    return not scope.read_only and (scope.writes_all or scope.is_unit_member)


class RiskImportView(LoginRequiredMixin, View):
    """Upload a sheet, preview every row (dry run), then confirm to save all or nothing."""

    template_name = "risks/import/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            raise PermissionDenied(_("只有安委办和各单位可以导入风险清单。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(RiskImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = RiskImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        try:
            result = risks_import(actor=request.user, file=upload, dry_run=True)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
            return self.page(form)
        token = None
        self.discard_preview()
        if not result.has_errors:
            upload.seek(0)
            token = uuid.uuid4().hex
            default_storage.save(self.stored_name(token), ContentFile(upload.read()))
            request.session[IMPORT_SESSION_KEY] = token
        return self.page(RiskImportForm(), result=result, token=token, filename=upload.name)

    def confirm(self, request):
        token = request.POST.get("token", "")
        name = self.stored_name(token) if token else ""
        if (
            not token
            or request.session.get(IMPORT_SESSION_KEY) != token
            or not default_storage.exists(name)
        ):
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect("risks:point-import")
        try:
            with default_storage.open(name, "rb") as stored:
                stored.name = "import.xlsx"
                result = risks_import(actor=request.user, file=stored, dry_run=False)
        except ValidationError as exc:
            form = RiskImportForm()
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error(None, message)
            return self.page(form)
        if not result.saved:
            # Something changed since the preview: show what is wrong now; nothing was saved.
            return self.page(RiskImportForm(), result=result, token=None)
        default_storage.delete(name)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _("导入完成：登记风险点%(n)d个，其中%(assessed)d个已评估定级。")
            % {"n": result.new_count, "assessed": result.assessed_count},
        )
        return redirect("risks:point-list")

    def discard_preview(self):
        old = self.request.session.pop(IMPORT_SESSION_KEY, None)
        if old:
            default_storage.delete(self.stored_name(old))

    def stored_name(self, token: str) -> str:
        return f"imports/risks/{self.request.user.pk}-{token}.xlsx"

    def page(self, form, **ctx):
        columns = [(header, required) for header, _name, required in COLUMNS]
        return render(self.request, self.template_name, {"form": form, "columns": columns, **ctx})


class RiskImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(
            risk_import_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            'attachment; filename="risk-import-template.xlsx"; '
            "filename*=UTF-8''%E9%A3%8E%E9%99%A9%E6%B8%85%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return response
