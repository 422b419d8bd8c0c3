"""月度通报 pages: the months, a month's bulletin as an A4 page and a Word file, the office's
issue (numbered, frozen), and an issued bulletin as it was issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from portal.permissions import user_scope
from portal.views import ScopedMixin

from .bulletin import (
    DOCX_CONTENT_TYPE,
    bulletin_content,
    bulletin_document,
    bulletin_docx,
    bulletin_issue,
    docx_filename,
    issued_document,
    month_label,
    months_with_data,
)
from .models import Bulletin


class BulletinListView(LoginRequiredMixin, TemplateView):
    """/reports/bulletins/ — months with records, and those with an issued bulletin."""

    template_name = "reports/bulletins/bulletin_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["months"] = months_with_data(user=self.request.user, today=timezone.localdate())
        ctx["scope"] = user_scope(self.request.user)
        return ctx


class MonthMixin(LoginRequiredMixin):
    """``<year>-<month>`` in the address: a real month, not after this one (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        self.year, self.month = kwargs["year"], kwargs["month"]
        if not (1 <= self.month <= 12 and 2000 <= self.year <= 2100):
            raise Http404(_("没有这个月份。"))
        if (self.year, self.month) > (self.today.year, self.today.month):
            raise Http404(_("该月尚未开始。"))
        return super().dispatch(request, *args, **kwargs)

    def document(self):
        content = bulletin_content(
            user=self.request.user, year=self.year, month=self.month, today=self.today
        )
        return bulletin_document(content)


class BulletinMonthView(MonthMixin, TemplateView):
    """/reports/bulletins/2026-10/ — the month's bulletin as a printable A4 page; the office
    writes 下步工作 and issues it here."""

    template_name = "reports/bulletins/bulletin_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            document=self.document(),
            year=self.year,
            month=self.month,
            month_label=month_label(self.year, self.month),
            issued=Bulletin.objects.filter(year=self.year, month=self.month)
            .defer("snapshot")
            .first(),
            can_issue=user_scope(self.request.user).writes_all,
            docx_url=reverse("reports:bulletin-docx", args=[self.year, self.month]),
        )
        return ctx


class BulletinDocxView(MonthMixin, View):
    """The month's bulletin as a Word file (not yet issued: no number)."""

    def get(self, request, *args, **kwargs):
        return docx_response(self.document(), docx_filename(self.year, self.month))


class BulletinIssueView(MonthMixin, View):
    """POST: the office issues the month's bulletin with its 下步工作."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            bulletin = bulletin_issue(
                actor=request.user,
                year=self.year,
                month=self.month,
                next_steps=request.POST.get("next_steps", ""),
                today=self.today,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("reports:bulletin-month", self.year, self.month)
        messages.success(request, _("月度通报已签发：%(number)s。") % {"number": bulletin.number})
        return redirect(bulletin.get_absolute_url())


class IssuedMixin(ScopedMixin):
    model = Bulletin


class BulletinIssuedView(IssuedMixin, DetailView):
    """/reports/bulletins/issued/<pk>/ — an issued bulletin as frozen, as an A4 page."""

    template_name = "reports/bulletins/bulletin_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        bulletin = self.object
        ctx.update(
            document=issued_document(bulletin),
            year=bulletin.year,
            month=bulletin.month,
            month_label=month_label(bulletin.year, bulletin.month),
            issued=bulletin,
            is_issued_page=True,
            docx_url=reverse("reports:bulletin-issued-docx", args=[bulletin.pk]),
        )
        return ctx


class BulletinIssuedDocxView(IssuedMixin, DetailView):
    def render_to_response(self, context, **response_kwargs):
        bulletin = self.object
        return docx_response(
            issued_document(bulletin), docx_filename(bulletin.year, bulletin.month, bulletin.number)
        )


def docx_response(document, filename: str) -> HttpResponse:
    response = HttpResponse(bulletin_docx(document), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
