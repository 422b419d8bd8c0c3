"""The upload → preview → confirm flow every register's Excel import shares.

A subclass names its form, its import service (``run_import(actor=, file=, dry_run=)``, which
returns a result with ``has_errors`` and ``saved``), its columns and where to go::

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

        def done_message(self, result):
            return _("导入完成：登记隐患%(n)d条。") % {"n": result.new_count}

The dry run's file is kept in storage under a random token held in the session, so the confirm
saves exactly the sheet that was previewed; a stale or foreign token saves nothing.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from portal.permissions import user_scope

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_import(user) -> bool:
    """The office and unit members import; auditors never do."""
    scope = user_scope(user)
    return not scope.read_only and (scope.writes_all or scope.is_unit_member)


class SheetImportView(LoginRequiredMixin, View):
    """Upload a sheet, preview every row (dry run), then confirm to save all or nothing."""

    template_name = ""
    form_class = None
    storage_key = ""
    columns = ()  # (header, field, required)
    retry_url_name = ""
    done_url_name = ""
    refused_message = ""

    def run_import(self, *, file, dry_run):
        raise NotImplementedError

    def done_message(self, result) -> str:
        raise NotImplementedError

    @property
    def session_key(self) -> str:
        return f"{self.storage_key}-import-token"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            raise PermissionDenied(self.refused_message)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(self.form_class())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        try:
            result = self.run_import(file=upload, dry_run=True)
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
            request.session[self.session_key] = token
        return self.page(self.form_class(), result=result, token=token, filename=upload.name)

    def confirm(self, request):
        token = request.POST.get("token", "")
        name = self.stored_name(token) if token else ""
        if (
            not token
            or request.session.get(self.session_key) != token
            or not default_storage.exists(name)
        ):
            messages.error(request, _("导入预览已失效，请重新上传文件。"))
            return redirect(self.retry_url_name)
        try:
            with default_storage.open(name, "rb") as stored:
                stored.name = "import.xlsx"
                result = self.run_import(file=stored, dry_run=False)
        except ValidationError as exc:
            form = self.form_class()
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error(None, message)
            return self.page(form)
        if not result.saved:
            # Something changed since the preview: show what is wrong now; nothing was saved.
            return self.page(self.form_class(), result=result, token=None)
        default_storage.delete(name)
        request.session.pop(self.session_key, None)
        messages.success(request, self.done_message(result))
        return redirect(self.done_url_name)

    def discard_preview(self):
        old = self.request.session.pop(self.session_key, None)
        if old:
            default_storage.delete(self.stored_name(old))

    def stored_name(self, token: str) -> str:
        return f"imports/{self.storage_key}/{self.request.user.pk}-{token}.xlsx"

    def page(self, form, **ctx):
        columns = [(header, required) for header, _name, required in self.columns]
        return render(self.request, self.template_name, {"form": form, "columns": columns, **ctx})


def xlsx_attachment(body: bytes, *, ascii_name: str, name: str) -> HttpResponse:
    """An .xlsx download whose Chinese file name survives every browser."""
    from urllib.parse import quote

    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response
