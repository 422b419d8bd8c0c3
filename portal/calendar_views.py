"""节假日安排 pages: the office keeps the working-day calendar a 督办单's reply is counted in.

The year view (the calendar's source, twelve month grids, the table's rows and a working-day
calculator), one day's form, its deletion, and the bulk entry of a year's schedule pasted from
the State Council's notice. Auditors read, only the office and admins write, unit members get
403. Each view parses input and calls one service or selector from ``calendar_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import FormView, TemplateView

from . import calendar_services as services
from .calendar_forms import WorkdayCalculatorForm, WorkdayOverrideForm, WorkdayScheduleForm
from .models import WorkdayOverride
from .permissions import user_scope
from .views import ServiceFormView

MIN_YEAR, MAX_YEAR = 2000, 2100


def year_url(year: int) -> str:
    return reverse("calendar:year", args=[year])


class CalendarReaderMixin(LoginRequiredMixin):
    """The office, admins and auditors; anybody else signed in gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).sees_all:
            raise PermissionDenied(_("只有安委办、审计和系统管理员可以查看节假日安排。"))
        return super().dispatch(request, *args, **kwargs)


class CalendarWriterMixin(LoginRequiredMixin):
    """The office and admins; auditors and unit members get 403. A view on one row loads it
    (``pk`` in the URL) only once that is settled."""

    object = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_scope(request.user).writes_all:
            raise PermissionDenied(_("只有安委办或系统管理员可以修改节假日安排。"))
        if "pk" in kwargs:
            self.object = get_object_or_404(
                services.workday_overrides_for(user=request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)


class CalendarYearView(CalendarReaderMixin, TemplateView):
    template_name = "portal/calendar_year.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = kwargs.get("year") or today.year
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404(_("年份超出范围。"))
        calculator = WorkdayCalculatorForm(
            self.request.GET if "start" in self.request.GET else None,
            initial={"start": today},
        )
        result = None
        if calculator.is_bound and calculator.is_valid():
            result = services.workdays_add(
                start=calculator.cleaned_data["start"], days=calculator.cleaned_data["days"]
            )
        ctx.update(
            calendar=services.workday_calendar_year(user=self.request.user, year=year),
            year=year,
            years=sorted(
                {year, *range(max(MIN_YEAR, today.year - 2), min(MAX_YEAR, today.year + 3) + 1)}
            ),
            previous_year=year - 1 if year > MIN_YEAR else None,
            next_year=year + 1 if year < MAX_YEAR else None,
            can_edit=user_scope(self.request.user).writes_all,
            calculator=calculator,
            calculator_result=result,
            weekdays=[
                pgettext("weekday", "一"),
                pgettext("weekday", "二"),
                pgettext("weekday", "三"),
                pgettext("weekday", "四"),
                pgettext("weekday", "五"),
                pgettext("weekday", "六"),
                pgettext("weekday", "日"),
            ],
        )
        return ctx


class WorkdayOverrideFormView(CalendarWriterMixin, ServiceFormView):
    """新增 (no pk) or 编辑 (``object`` loaded by the mixin) one day of the table."""

    template_name = "portal/calendar_form.html"
    form_class = WorkdayOverrideForm
    model = WorkdayOverride
    success_message = gettext_lazy("节假日调整已保存。")

    def get_initial(self):
        row = self.object
        if row is not None:
            return {"date": row.date, "kind": row.kind, "name": row.name, "note": row.note}
        return {"date": self.request.GET.get("date")} if "date" in self.request.GET else {}

    def perform(self, form):
        return services.workday_override_save(
            actor=self.request.user, instance=self.object, **form.cleaned_data
        )

    def get_success_url(self):
        return year_url(self.object.date.year)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        back = self.object.date.year if self.object else self.request.GET.get("year", "")
        ctx["back_url"] = year_url(int(back)) if str(back).isdigit() else reverse("calendar:year")
        return ctx


class WorkdayOverrideDeleteView(CalendarWriterMixin, TemplateView):
    """GET asks to confirm; POST deletes and returns to the year."""

    template_name = "portal/calendar_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        year = self.object.date.year
        services.workday_override_delete(actor=request.user, override=self.object)
        messages.success(request, _("已删除：%(row)s") % {"row": self.object})
        return redirect(year_url(year))


class WorkdayScheduleBulkView(CalendarWriterMixin, FormView):
    """Paste the State Council's arrangement, see it day by day, then save all or nothing."""

    template_name = "portal/calendar_bulk.html"
    form_class = WorkdayScheduleForm

    def form_valid(self, form):
        text = form.cleaned_data["text"]
        if "save" not in self.request.POST:
            preview = services.workday_schedule_parse(text)
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        try:
            saved = services.workday_schedule_save(actor=self.request.user, text=text)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("text", message)
            return self.form_invalid(form)
        messages.success(self.request, _("已录入 %(n)d 天的节假日安排。") % {"n": len(saved)})
        return redirect(year_url(saved[0].date.year))
