"""风险白皮书 pages: the editions, the office's form to publish one (for a year-end or a date),
an edition on screen, as a standalone A4 print page, and as a Word file."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from portal.permissions import user_scope
from portal.supervision.documents import DOCX_CONTENT_TYPE
from portal.views import PortalCreateView, PortalListView, ScopedMixin

from .models import WhitePaper
from .whitepaper import docx_filename, whitepaper_document, whitepaper_docx, whitepaper_publish


class WhitePaperForm(forms.Form):
    """An edition as of the end of a year, or of a date."""

    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("填年度即截至该年12月31日；或改填下面的统计截止日期。"),
        error_messages={
            "invalid": gettext_lazy("年度须为四位数字。"),
            "min_value": gettext_lazy("年度应在2000到2100之间。"),
            "max_value": gettext_lazy("年度应在2000到2100之间。"),
        },
    )
    as_of = forms.DateField(
        label=gettext_lazy("统计截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("请填写有效日期，如 2026-06-30。")},
    )
    title = forms.CharField(
        label=gettext_lazy("标题"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("留空则自动生成，如“2025年度城市安全风险白皮书”。"),
    )
    foreword = forms.CharField(
        label=gettext_lazy("前言"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        year, as_of = cleaned.get("year"), cleaned.get("as_of")
        if "year" in self.errors or "as_of" in self.errors:
            return cleaned
        if year and as_of:
            raise forms.ValidationError(_("年度和统计截止日期只填一项。"))
        if not year and not as_of:
            raise forms.ValidationError(_("请填写年度或统计截止日期。"))
        cleaned["as_of"] = as_of or datetime.date(year, 12, 31)
        return cleaned


class WhitePaperCreateView(PortalCreateView):
    """/risks/white-papers/new/ — the office publishes an edition."""

    form_class = WhitePaperForm
    model = WhitePaper
    template_name = "risks/whitepaper/whitepaper_form.html"
    success_message = gettext_lazy("白皮书已生成。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).writes_all:
            raise PermissionDenied(_("风险白皮书由安委办编制。"))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"year": timezone.localdate().year - 1}

    def perform(self, form):
        data = form.cleaned_data
        return whitepaper_publish(
            actor=self.request.user,
            as_of=data["as_of"],
            title=data.get("title") or None,
            foreword=data.get("foreword", ""),
        )


class WhitePaperFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("年度"), field_name="as_of__year")

    class Meta:
        model = WhitePaper
        fields = ["year"]


class WhitePaperListView(PortalListView):
    """/risks/white-papers/ — every edition, newest first; everyone signed in reads them."""

    model = WhitePaper
    template_name = "risks/whitepaper/whitepaper_list.html"
    filterset_class = WhitePaperFilterSet
    create_url_name = "risks:whitepaper-create"
    columns = [
        ("title", gettext_lazy("标题")),
        ("as_of", gettext_lazy("统计截止日期")),
        ("previous", gettext_lazy("上一版")),
        ("published_by", gettext_lazy("编制人")),
        ("created_at", gettext_lazy("生成时间")),
    ]

    def base_queryset(self):
        return WhitePaper.objects.select_related("previous", "published_by").defer(
            "snapshot", "previous__snapshot"
        )

    def user_may_create(self) -> bool:
        return user_scope(self.request.user).writes_all


class WhitePaperDocumentMixin(ScopedMixin):
    model = WhitePaper

    def base_queryset(self):
        return WhitePaper.objects.select_related("previous", "published_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["document"] = whitepaper_document(self.object)
        return ctx


class WhitePaperDetailView(WhitePaperDocumentMixin, DetailView):
    """An edition on screen, with its print page and Word file."""

    template_name = "risks/whitepaper/whitepaper_detail.html"


class WhitePaperPrintView(WhitePaperDocumentMixin, DetailView):
    """The edition as a standalone A4 page, for the browser's print dialog."""

    template_name = "risks/whitepaper/whitepaper_print.html"


class WhitePaperDocxView(WhitePaperDocumentMixin, DetailView):
    """The edition as a Word file, 风险白皮书-<截止日期>.docx."""

    def render_to_response(self, context, **response_kwargs):
        response = HttpResponse(
            whitepaper_docx(context["document"]), content_type=DOCX_CONTENT_TYPE
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=docx_filename(self.object)
        )
        return response
