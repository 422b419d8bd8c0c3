"""/reports/ — the auditor's pages: the ledgers hub, a record's history, the change log and the
registers as of a past date. Each view parses its input and calls one selector in
``portal.reports.audit``; nothing here writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from portal.permissions import user_scope
from responsibilities.models import OrgUnit

from .audit import (
    AS_OF_REGISTERS,
    as_of_page,
    change_log_page,
    ledger_links,
    model_choices,
    model_for,
    parse_as_of_date,
    parse_change_log_query,
    record_history,
)
from .audit import Cursor as ChangeLogCursor

DATE_WIDGET = {"type": "date", "class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class LedgerPeriodForm(forms.Form):
    """期间 and 范围 for the ledgers: dates inclusive, a unit and/or a township."""

    date_from = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(DATE_WIDGET)
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(DATE_WIDGET)
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(SELECT),
    )
    township = forms.ModelChoiceField(
        label=gettext_lazy("镇街区"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(SELECT),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        units = OrgUnit.objects.filter(is_active=True).exclude(kind=OrgUnit.Kind.TOWNSHIP)
        # A unit member cuts the ledgers by their own units; what they may see is decided by
        # the exporters' restrict() whatever they choose here.
        self.fields["unit"].queryset = (
            units if scope.sees_all else units.filter(pk__in=scope.unit_ids)
        )
        self.fields["township"].queryset = OrgUnit.objects.filter(
            is_active=True, kind=OrgUnit.Kind.TOWNSHIP
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


class ReportsIndexView(LoginRequiredMixin, TemplateView):
    """/reports/ — every ledger to Excel for a period and scope, and the way to the bulletin,
    the change log, the registers as of a date and one's export jobs."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = LedgerPeriodForm(self.request.GET or None, user=user)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        links = []
        if not form.is_bound or form.is_valid():
            links = ledger_links(
                user=user,
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                unit=data.get("unit"),
                township=data.get("township"),
            )
        for link in links:
            link.href = reverse("reports:export", args=[link.ledger.exporter])
        scope = user_scope(user)
        ctx.update(
            form=form,
            links=links,
            scope=scope,
            as_of_registers=list(AS_OF_REGISTERS.values()),
            bulletin_url=_url_or_none("reports:bulletin-list"),
            change_log_url=reverse("reports:change-log") if scope.sees_all else None,
        )
        return ctx


class RecordHistoryView(LoginRequiredMixin, TemplateView):
    """/reports/history/<app_label>.<model>/<pk>/ — every version of one record; a 404 for a
    record the user may not see."""

    template_name = "reports/record_history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = model_for(kwargs["label"])
        if model is None:
            raise Http404(_("没有这类登记记录。"))
        history = record_history(user=self.request.user, model=model, pk=kwargs["pk"])
        if history is None:
            raise Http404(_("没有这条记录，或无权查看。"))
        ctx.update(
            history=history,
            verbose_name=model._meta.verbose_name,
            detail_url=_detail_url(history.obj),
        )
        return ctx


def _detail_url(obj) -> str | None:
    """The record's own page, when it still exists and has one."""
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return None
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


class ChangeLogView(LoginRequiredMixin, TemplateView):
    """/reports/changes/?from=&to=&model=&user=&before= — the whole system's changes, newest
    first, a page at a time by keyset (see ``audit.change_log_page``); office and auditors."""

    template_name = "reports/change_log.html"
    page_size = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).sees_all:
            raise PermissionDenied(_("系统变更日志仅供安委办和审计人员查看。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET
        query, errors = parse_change_log_query(params)
        cursor = ChangeLogCursor.decode(params.get("before", "")) if params.get("before") else None
        page = None
        if not errors:
            page = change_log_page(
                user=self.request.user, query=query, cursor=cursor, size=self.page_size
            )
        filters = query.params()
        base = QueryDict(mutable=True)
        base.update(filters)
        next_query = None
        if page is not None and page.next_cursor is not None:
            next_params = base.copy()
            next_params["before"] = page.next_cursor.encode()
            next_query = next_params.urlencode()
        export_params = base.copy()
        export_params["format"] = "xlsx"
        ctx.update(
            page=page,
            errors=errors,
            values={key: params.get(key, "") for key in ("from", "to", "model", "user")},
            model_choices=model_choices(),
            next_query=next_query,
            is_first_page=cursor is None,
            first_query=base.urlencode(),
            export_href=f"{reverse('reports:export', args=['change-log'])}?"
            f"{export_params.urlencode()}",
        )
        return ctx


class AsOfView(LoginRequiredMixin, TemplateView):
    """/reports/as-of/<register>/?date=YYYY-MM-DD — the register as it stood at the end of that
    day, in the user's scope, with an Excel download of the same rows."""

    template_name = "reports/as_of.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        register = AS_OF_REGISTERS.get(kwargs["register"])
        if register is None:
            raise Http404(_("没有这个登记簿。"))
        raw = self.request.GET.get("date", "")
        error, page_obj, rows, day = "", None, [], None
        if raw:
            try:
                day = parse_as_of_date(raw)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        if day is not None:
            page_obj, rows = as_of_page(
                user=self.request.user,
                register=register,
                day=day,
                page=self.request.GET.get("page", 1),
            )
        ctx.update(
            register=register,
            registers=list(AS_OF_REGISTERS.values()),
            raw_date=raw,
            day=day,
            error=error,
            page_obj=page_obj,
            rows=rows,
            headers=[str(column.header) for column in register.columns],
            history_label=register.model._meta.label_lower,
            export_href=f"{reverse('reports:export', args=[f'as-of-{register.key}'])}"
            f"?date={day.isoformat()}&format=xlsx"
            if day
            else None,
            list_url=_url_or_none(register.list_url_name) if register.list_url_name else None,
        )
        return ctx
