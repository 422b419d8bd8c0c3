"""Importing a directive in the browser: upload → preview (fix what is wrong) → commit.

The uploaded text stays on the server between the steps: a file in the default storage,
named by a random token that only this session knows. The preview form carries only the
office's corrections, never the text.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from ..services.directives import (
    DirectiveCorrections,
    directive_import,
    directive_preview,
    directive_text_from_upload,
    may_import_directives,
)

SESSION_KEY = "directive_import"
DROP = "__drop__"  # the select's value for 删除: the unit is dropped from the task


class DirectiveUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("实施意见文件"),
        help_text=gettext_lazy(
            "纯文本（.txt，UTF-8 或 GB18030 编码）或 Word 文档（.docx）；旧版 .doc 和 PDF "
            "请先另存为 .docx 或 .txt。"
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".txt,.docx", "class": "form-control", "wide": True}
        ),
        error_messages={"empty": gettext_lazy("文件为空：请上传实施意见的文本。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.text = directive_text_from_upload(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload


class ImportAccessMixin(LoginRequiredMixin):
    """Only the office and admins import directives (403 for everyone else)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import_directives(request.user):
            raise PermissionDenied(_("只有安委办可以导入文件。"))
        return super().dispatch(request, *args, **kwargs)

    # --- the text kept between the steps ---

    def stored_name(self, token: str) -> str:
        return f"imports/directives/{self.request.user.pk}-{token}.txt"

    def keep(self, text: str, filename: str) -> str:
        self.discard()
        token = secrets.token_hex(16)
        default_storage.save(self.stored_name(token), ContentFile(text.encode("utf-8")))
        self.request.session[SESSION_KEY] = {"token": token, "filename": filename}
        return token

    def kept(self, token: str) -> tuple[str, str] | None:
        """(text, filename) of this session's upload under ``token``, or None."""
        pending = self.request.session.get(SESSION_KEY) or {}
        name = self.stored_name(token)
        if pending.get("token") != token or not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as stored:
            return stored.read().decode("utf-8"), pending.get("filename", "")

    def discard(self) -> None:
        pending = self.request.session.pop(SESSION_KEY, None) or {}
        if pending.get("token"):
            default_storage.delete(self.stored_name(pending["token"]))

    def expired(self):
        messages.error(self.request, _("导入预览已失效，请重新上传文件。"))
        return redirect("tasks:import")


class DirectiveUploadView(ImportAccessMixin, FormView):
    """Step 1: upload a .txt or .docx; an unreadable file is refused here with its reason."""

    template_name = "tasks/import/upload.html"
    form_class = DirectiveUploadForm

    def form_valid(self, form):
        filename = form.cleaned_data["file"].name
        try:
            directive_preview(actor=self.request.user, text=form.text, filename=filename)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        token = self.keep(form.text, filename)
        return redirect("tasks:import-preview", token=token)


class DirectivePreviewView(ImportAccessMixin, View):
    """Step 2: parts and tasks as read, units matched or not, milestones, targets, warnings."""

    template_name = "tasks/import/preview.html"

    def get(self, request, token):
        kept = self.kept(token)
        if kept is None:
            return self.expired()
        text, filename = kept
        return render_preview(request, token, text, filename)


class DirectiveCommitView(ImportAccessMixin, View):
    """Step 3: save with the office's corrections; what still blocks returns to the preview."""

    def post(self, request, token):
        kept = self.kept(token)
        if kept is None:
            return self.expired()
        text, filename = kept
        corrections, errors = corrections_from_post(request.POST)
        if not errors:
            try:
                directive = directive_import(actor=request.user, text=text, corrections=corrections)
            except ValidationError as error:
                errors = error.messages
        if errors:
            return render_preview(request, token, text, filename, corrections, errors)
        self.discard()
        messages.success(
            request,
            _("已导入《%(title)s》：%(tasks)d项任务。")
            % {"title": directive.title, "tasks": directive.tasks.count()},
        )
        return redirect(directive.get_absolute_url())


def render_preview(request, token, text, filename, corrections=None, errors=()):
    preview = directive_preview(
        actor=request.user, text=text, filename=filename, corrections=corrections
    )
    return render(
        request,
        DirectivePreviewView.template_name,
        {"preview": preview, "token": token, "errors": list(errors), "drop": DROP},
        status=400 if errors else 200,
    )


def corrections_from_post(data) -> tuple[DirectiveCorrections, list[str]]:
    """The preview form's fields → corrections, with a message for each value not understood.

    Fields: ``title:<task>``, ``unit:<task>:<name as written>`` (a known unit, DROP, or empty
    while undecided), ``due:<task>:<milestone>`` (ISO date; empty: no date) and
    ``target:<task>:<milestone>``.
    """
    corrections = DirectiveCorrections()
    errors: list[str] = []
    for key, value in data.items():
        kind, _sep, rest = key.partition(":")
        value = value.strip()
        if kind == "title" and value:
            corrections.titles[rest] = value
        elif kind == "unit" and value:
            task, _sep, name = rest.partition(":")
            corrections.units[(task, name)] = None if value == DROP else value
        elif kind in ("due", "target"):
            task, _sep, index = rest.rpartition(":")
            if not index.isdigit():
                continue
            where = {"task": task, "n": int(index) + 1, "value": value}
            if kind == "due":
                try:
                    corrections.dues[(task, int(index))] = (
                        date.fromisoformat(value) if value else None
                    )
                except ValueError:
                    errors.append(_("任务%(task)s第%(n)d个节点：日期“%(value)s”无效。") % where)
            elif value:
                try:
                    corrections.target_values[(task, int(index))] = Decimal(value)
                except InvalidOperation:
                    errors.append(
                        _("任务%(task)s第%(n)d个节点：目标值“%(value)s”不是数字。") % where
                    )
    return corrections, errors
