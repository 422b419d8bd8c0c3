"""/emergency/import/ — bring a register kept in Excel: choose the register, download its
template, upload, see every row (or what is wrong with it, by row and column), then confirm to
save the whole sheet at once through the register's service."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.permissions import user_scope

from .imports import REGISTERS, emergency_import, import_template

IMPORT_SESSION_KEY = "emergency-import"
DEFAULT_REGISTER = "plans"


class EmergencyImportForm(forms.Form):
    register = forms.ChoiceField(
        label=gettext_lazy("导入的台账"),
        choices=[(key, spec.title) for key, spec in REGISTERS.items()],
        widget=forms.HiddenInput,  # chosen with the tabs above the form
    )
    file = forms.FileField(
        label=gettext_lazy("Excel文件"),
        help_text=gettext_lazy("请使用所选台账的导入模板（.xlsx）；每行一条记录，表头在第1行。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )


def _refuse_readers(user) -> None:
    scope = user_scope(user)
    if scope.read_only or not (scope.writes_all or scope.is_unit_member):
        raise PermissionDenied(_("只有安委办和各单位可以导入。"))


class EmergencyImportView(LoginRequiredMixin, View):
    """Choose a register, upload its sheet, preview every row (dry run), then confirm to save
    all or nothing."""

    template_name = "emergency/import/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _refuse_readers(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        register = request.GET.get("register")
        if register not in REGISTERS:
            register = DEFAULT_REGISTER
        return self.page(EmergencyImportForm(initial={"register": register}), register)

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = EmergencyImportForm(request.POST, request.FILES)
        register = request.POST.get("register")
        register = register if register in REGISTERS else DEFAULT_REGISTER
        if not form.is_valid():
            return self.page(form, register)
        upload = form.cleaned_data["file"]
        try:
            result = emergency_import(
                actor=request.user, register=register, file=upload, dry_run=True
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
            return self.page(form, register)
        token = None
        self.discard_preview()
        if not result.has_errors:
            upload.seek(0)
            token = uuid.uuid4().hex
            default_storage.save(self.stored_name(token), ContentFile(upload.read()))
            request.session[IMPORT_SESSION_KEY] = {"token": token, "register": register}
        form = EmergencyImportForm(initial={"register": register})
        return self.page(form, register, result=result, token=token, filename=upload.name)

    def confirm(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        name = self.stored_name(token) if token else ""
        if (
            not token
            or pending.get("token") != token
            or pending.get("register") not in REGISTERS
            or not default_storage.exists(name)
        ):
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect("emergency:import")
        register = pending["register"]
        try:
            with default_storage.open(name, "rb") as stored:
                stored.name = "import.xlsx"
                result = emergency_import(
                    actor=request.user, register=register, file=stored, dry_run=False
                )
        except ValidationError as exc:
            form = EmergencyImportForm(initial={"register": register})
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error(None, message)
            return self.page(form, register)
        if not result.saved:
            # Something changed since the preview: show what is wrong now; nothing was saved.
            form = EmergencyImportForm(initial={"register": register})
            return self.page(form, register, result=result, token=None)
        default_storage.delete(name)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _("导入完成：%(register)s %(n)d 条。")
            % {"register": result.register.title, "n": result.new_count},
        )
        return redirect(result.register.list_url_name)

    def discard_preview(self):
        old = self.request.session.pop(IMPORT_SESSION_KEY, None) or {}
        if old.get("token"):
            default_storage.delete(self.stored_name(old["token"]))

    def stored_name(self, token: str) -> str:
        return f"imports/emergency/{self.request.user.pk}-{token}.xlsx"

    def page(self, form, register: str, **ctx):
        spec = REGISTERS[register]
        registers = [
            (key, item.title, f"{reverse('emergency:import')}?register={key}")
            for key, item in REGISTERS.items()
        ]
        columns = [(column.header, column.required) for column in spec.columns]
        context = {
            "form": form,
            "register": spec,
            "registers": registers,
            "columns": columns,
            **ctx,
        }
        return render(self.request, self.template_name, context)


class EmergencyImportTemplateView(LoginRequiredMixin, View):
    def get(self, request, register):
        if register not in REGISTERS:
            raise Http404
        response = HttpResponse(
            import_template(register),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="emergency-{register}-import-template.xlsx"'
        )
        return response
