"""督办单 pages: the list (the office and auditors see all, a unit its own), one notice with
its reply and close forms, the A4 print page and the Word download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from portal.permissions import can, user_scope
from portal.views import PortalDetailView, PortalListView, ScopedMixin

from . import services
from .documents import DOCX_CONTENT_TYPE, docx_filename, notice_document, notice_docx
from .filters import NoticeFilterSet, oldest_open_first, with_default_state
from .forms import NoticeCloseForm, NoticeReplyForm
from .models import SupervisionNotice


def notice_queryset():
    """The selector's queryset before scoping: what the pages show, in one query."""
    return SupervisionNotice.objects.select_related("unit", "replied_by__profile", "closed_by")


class NoticeListView(PortalListView):
    """督办单 — open ones by default, the oldest first."""

    model = SupervisionNotice
    filterset_class = NoticeFilterSet
    template_name = "supervision/notice_list.html"
    rows_template_name = "supervision/notice_rows.html"
    export_name = "supervision-notices"
    columns = [
        ("number", gettext_lazy("督办单编号")),
        ("item_title", gettext_lazy("督办事项")),
        ("unit", gettext_lazy("责任单位")),
        ("due_on", gettext_lazy("原定完成时限")),
        ("issued_on", gettext_lazy("下发日期")),
        ("response_due_on", gettext_lazy("反馈期限")),
        ("state", gettext_lazy("状态")),
        ("age_days", gettext_lazy("已下发天数")),
        ("interview_required", gettext_lazy("约谈")),
    ]

    def base_queryset(self):
        return oldest_open_first(SupervisionNotice.objects.select_related("unit"))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = with_default_state(self.request.GET)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class NoticeDetailView(PortalDetailView):
    """One notice as the formal document, with the reply form (the unit's leader, while open),
    the close form (the office) and the history."""

    model = SupervisionNotice
    template_name = "supervision/notice_detail.html"

    def base_queryset(self):
        return notice_queryset()

    def get_context_data(self, **kwargs):
        notice = self.object
        user = self.request.user
        scope = user_scope(user)
        can_reply = notice.is_open and can(user, "change", notice)
        can_close = notice.is_open and scope.writes_all
        if can_reply and "reply_form" not in kwargs:
            kwargs["reply_form"] = NoticeReplyForm(
                initial={
                    "reason": notice.reply_reason,
                    "measures": notice.reply_measures,
                    "committed_on": notice.committed_on,
                }
            )
        if can_close and "close_form" not in kwargs:
            kwargs["close_form"] = NoticeCloseForm()
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            document=notice_document(notice),
            can_reply=can_reply,
            can_close=can_close,
            response_overdue=notice.response_overdue(),
        )
        return ctx


class NoticeActionView(NoticeDetailView):
    """A form posted from the notice page; its errors come back on that page."""

    http_method_names = ["post"]
    form_class = None
    form_key = ""
    done_message = ""

    def post(self, request, *args, **kwargs):
        if user_scope(request.user).read_only:
            raise PermissionDenied(gettext_lazy("只读账号不能修改。"))
        self.object = self.get_object()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # about the notice, not a field
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect(self.object.get_absolute_url())
                _add_errors(form, exc)
            else:
                messages.success(request, self.done_message)
                return redirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(**{self.form_key: form}))

    def perform(self, data):
        raise NotImplementedError


class NoticeReplyView(NoticeActionView):
    form_class = NoticeReplyForm
    form_key = "reply_form"
    done_message = gettext_lazy("反馈已提交，安委办将收到通知。")

    def perform(self, data):
        self.object = services.notice_reply(
            actor=self.request.user,
            notice=self.object,
            reason=data["reason"],
            measures=data["measures"],
            committed_on=data["committed_on"],
        )


class NoticeCloseView(NoticeActionView):
    form_class = NoticeCloseForm
    form_key = "close_form"
    done_message = gettext_lazy("督办单已办结，责任单位负责人将收到通知。")

    def perform(self, data):
        self.object = services.notice_close(
            actor=self.request.user, notice=self.object, comment=data["comment"]
        )


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.error_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class NoticePrintView(ScopedMixin, DetailView):
    """The notice as a standalone A4 page, for the browser's print dialog."""

    model = SupervisionNotice
    template_name = "supervision/notice_print.html"

    def base_queryset(self):
        return notice_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["document"] = notice_document(self.object)
        return ctx


class NoticeDocxView(ScopedMixin, DetailView):
    """The notice as a Word file, 督办单-<编号>.docx."""

    model = SupervisionNotice

    def base_queryset(self):
        return notice_queryset()

    def render_to_response(self, context, **response_kwargs):
        notice = self.object
        response = HttpResponse(
            notice_docx(notice_document(notice)), content_type=DOCX_CONTENT_TYPE
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=docx_filename(notice)
        )
        return response
