"""/hazards/import/ — an inspection team's sheet: download the template, upload, see every row
(or what is wrong with it, by row and column), then confirm to save the whole sheet at once."""

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

from .imports import COLUMNS, hazard_import_template, hazards_import

IMPORT_SESSION_KEY = "hazards-import-token"


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


class HazardImportView(LoginRequiredMixin, View):
    """Upload a sheet, preview every row (dry run), then confirm to save all or nothing."""

    template_name = "hazards/import/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = user_scope(request.user)
            if scope.read_only or not (scope.writes_all or scope.is_unit_member):
                raise PermissionDenied(_("只有安委办和各单位可以导入隐患。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(HazardImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = HazardImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        try:
            result = hazards_import(actor=request.user, file=upload, dry_run=True)
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
        return self.page(HazardImportForm(), result=result, token=token, filename=upload.name)

    def confirm(self, request):
        token = request.POST.get("token", "")
        name = self.stored_name(token) if token else ""
        if (
            not token
            or request.session.get(IMPORT_SESSION_KEY) != token
            or not default_storage.exists(name)
        ):
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect("hazards:hazard-import")
        try:
            with default_storage.open(name, "rb") as stored:
                stored.name = "import.xlsx"
                result = hazards_import(actor=request.user, file=stored, dry_run=False)
        except ValidationError as exc:
            form = HazardImportForm()
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error(None, message)
            return self.page(form)
        if not result.saved:
            # Something changed since the preview: show what is wrong now; nothing was saved.
            return self.page(HazardImportForm(), result=result, token=None)
        default_storage.delete(name)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, _("导入完成：登记隐患%(n)d条。") % {"n": result.new_count})
        return redirect("hazards:hazard-list")

    def discard_preview(self):
        old = self.request.session.pop(IMPORT_SESSION_KEY, None)
        if old:
            default_storage.delete(self.stored_name(old))

    def stored_name(self, token: str) -> str:
        return f"imports/hazards/{self.request.user.pk}-{token}.xlsx"

    def page(self, form, **ctx):
        columns = [(header, required) for header, _name, required in COLUMNS]
        return render(self.request, self.template_name, {"form": form, "columns": columns, **ctx})


class HazardImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        response = HttpResponse(
            hazard_import_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            'attachment; filename="hazard-import-template.xlsx"; '
            "filename*=UTF-8''%E9%9A%90%E6%82%A3%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        )
        return response
