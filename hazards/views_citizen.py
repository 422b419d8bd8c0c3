"""群众举报 — citizens' reports.

Public pages (no login, phone first): the report form, its receipt, and the status lookup by
receipt code, which shows public words only. Office pages: the triage list and one report
with the reporter's contact (the office alone, never auditors), where the office makes a
hazard of it or dismisses it with a reason. Each page makes one service or selector call.
"""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass
from datetime import date
from hashlib import sha256

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.permissions import restrict, user_scope
from portal.views import PortalDetailView, PortalListView

from . import services
from .choices import CitizenReportState, HazardState
from .forms_citizen import (
    CitizenReportDismissForm,
    CitizenReportFilterSet,
    CitizenReportForm,
    CitizenReportTriageForm,
    ReceiptLookupForm,
)
from .models import CitizenReport

# Per client address and hour; constants on purpose (no setting to loosen by mistake). The
# report limit is the service's own (it refuses with code "throttled").
REPORTS_PER_HOUR = services.CITIZEN_REPORTS_PER_HOUR
LOOKUPS_PER_HOUR = 30
SESSION_RECEIPTS = "hazards_citizen_receipts"

# What the reporter reads about the hazard their report became: public words, no internals.
PUBLIC_HAZARD_STATES = {
    HazardState.REPORTED: gettext_lazy("已立案，正在核实"),
    HazardState.CONFIRMED: gettext_lazy("已交办责任单位"),
    HazardState.RECTIFYING: gettext_lazy("整改中"),
    HazardState.AWAITING_ACCEPTANCE: gettext_lazy("已整改，待验收"),
    HazardState.CLOSED: gettext_lazy("已整改销号"),
    HazardState.REJECTED: gettext_lazy("经核实不属于安全隐患"),
}


# --- the client's fingerprint and the rate limits --------------------------------------------


def fingerprint_of(address: str) -> str:
    """sha256 of the address and the secret key: counts reports without keeping the address."""
    return sha256(f"{address}|{settings.SECRET_KEY}".encode()).hexdigest()


def client_fingerprint(request) -> str:
    # The same address django-axes uses, so a proxy in front is handled alike.
    return fingerprint_of(get_client_ip_address(request) or "")


def lookup_allowed(fingerprint: str) -> bool:
    """Count one status lookup in the cache's current hour; False past the limit."""
    key = f"hazards:citizen-lookup:{fingerprint}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= LOOKUPS_PER_HOUR


def _limited(request, message_list):
    """429 with the reason in Chinese; nothing was saved."""
    return render(
        request, "hazards/citizen/limited.html", {"message_list": message_list}, status=429
    )


def _add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- public pages ---------------------------------------------------------------------------


class CitizenReportFormView(FormView):
    """/hazards/report/ — the public form; over the hourly limit a 429 and nothing saved."""

    form_class = CitizenReportForm
    template_name = "hazards/citizen/form.html"

    def post(self, request, *args, **kwargs):
        self.fingerprint = client_fingerprint(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.citizen_report_submit(
                description=data["description"],
                address=data["address"],
                township=data["township"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photo=data["photo"] or None,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                fingerprint=self.fingerprint,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "throttled":
                return _limited(self.request, exc.messages)
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        receipts = self.request.session.get(SESSION_RECEIPTS, [])
        self.request.session[SESSION_RECEIPTS] = [*receipts[-9:], report.receipt_code]
        return redirect("hazards:citizen-report-receipt")


class CitizenReportReceiptView(TemplateView):
    """The receipt just after sending: the code, kept in this browser's session only."""

    template_name = "hazards/citizen/receipt.html"

    def get(self, request, *args, **kwargs):
        receipts = request.session.get(SESSION_RECEIPTS)
        if not receipts:
            return redirect("hazards:citizen-report-form")
        return self.render_to_response(self.get_context_data(receipt_code=receipts[-1]))


@dataclass(frozen=True)
class PublicStatus:
    """All the status page may show: public words, never the contact or internal data."""

    receipt_code: str
    submitted_on: date
    state: str
    state_label: str
    progress: str
    decided_on: date | None
    dismissal_reason: str
    public_reply: str


def public_status(code: str) -> PublicStatus | None:
    """The selector of the status page: a report by its receipt code, in public words."""
    report = (
        CitizenReport.objects.select_related("hazard")
        .only(
            "receipt_code",
            "state",
            "created_at",
            "triaged_at",
            "dismissal_reason",
            "public_reply",
            "hazard__state",
        )
        .filter(receipt_code=code)
        .first()
    )
    if report is None:
        return None
    progress = ""
    if report.state == CitizenReportState.ACCEPTED and report.hazard is not None:
        progress = str(PUBLIC_HAZARD_STATES.get(report.hazard.state, ""))
    local = timezone.localtime
    return PublicStatus(
        receipt_code=report.receipt_code,
        submitted_on=local(report.created_at).date(),
        state=report.state,
        state_label=report.get_state_display(),
        progress=progress,
        decided_on=local(report.triaged_at).date() if report.triaged_at else None,
        dismissal_reason=report.dismissal_reason
        if report.state == CitizenReportState.DISMISSED
        else "",
        public_reply=report.public_reply,
    )


class CitizenReportStatusView(TemplateView):
    """/hazards/report/status/?code=… — the outcome by receipt code; lookups rate-limited."""

    template_name = "hazards/citizen/status.html"

    def get(self, request, *args, **kwargs):
        if "code" not in request.GET:
            return self.render_to_response(self.get_context_data(form=ReceiptLookupForm()))
        form = ReceiptLookupForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if not lookup_allowed(client_fingerprint(request)):
            return _limited(request, [_("查询过于频繁，请一小时后再试。")])
        status = public_status(form.cleaned_data["code"])
        return self.render_to_response(
            self.get_context_data(form=form, status=status, looked_up=True)
        )


# --- office pages ---------------------------------------------------------------------------


class ReadersOnlyMixin(LoginRequiredMixin):
    """The office, auditors and admins; a unit member gets 403, not an empty page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).sees_all:
            raise PermissionDenied(_("群众举报由安委办处理。"))
        return super().dispatch(request, *args, **kwargs)


def citizen_report_queryset():
    """The selector's queryset before scoping: 待处理 first, the newest first."""
    return (
        CitizenReport.objects.select_related("township", "hazard")
        .annotate(
            handled=Case(
                When(state=CitizenReportState.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("handled", "-created_at", "-pk")
    )


class CitizenReportListView(ReadersOnlyMixin, PortalListView):
    model = CitizenReport
    filterset_class = CitizenReportFilterSet
    template_name = "hazards/citizen/list.html"
    rows_template_name = "hazards/citizen/list_rows.html"

    def base_queryset(self):
        return citizen_report_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class CitizenReportDetailView(ReadersOnlyMixin, PortalDetailView):
    """One report; the contact and the two decisions for the office only."""

    model = CitizenReport
    template_name = "hazards/citizen/detail.html"
    # The history card would show who changed what; the contact is not in it, but the
    # reporter's row is anonymous anyway, so the card is kept short.
    history_limit = 10

    def base_queryset(self):
        return citizen_report_queryset()

    def get_context_data(self, **kwargs):
        report = self.object
        scope = user_scope(self.request.user)
        can_act = scope.writes_all and report.state == CitizenReportState.NEW
        if can_act:
            kwargs.setdefault(
                "triage_form",
                CitizenReportTriageForm(
                    initial={
                        "township": report.township_id,
                        "address": report.address,
                        "description": report.description,
                    }
                ),
            )
            kwargs.setdefault("dismiss_form", CitizenReportDismissForm())
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            show_contact=scope.writes_all,
            can_act=can_act,
            hazard_url=_hazard_url(report.hazard) if report.hazard_id else None,
        )
        return ctx


def _hazard_url(hazard) -> str | None:
    try:
        return hazard.get_absolute_url()
    except NoReverseMatch:  # the ledger's pages not installed
        return None


class CitizenReportActionView(CitizenReportDetailView):
    """A decision posted from the report page; its errors come back on that page."""

    http_method_names = ["post"]
    form_class = None
    form_key = ""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能处理举报。"))
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                return self.perform(form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # about the report, not a field
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect(self.object.get_absolute_url())
                _add_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(**{self.form_key: form}))

    def perform(self, data):
        raise NotImplementedError


class CitizenReportTriageView(CitizenReportActionView):
    """转为隐患 → the hazard's page."""

    form_class = CitizenReportTriageForm
    form_key = "triage_form"

    def perform(self, data):
        hazard = services.citizen_report_triage(
            actor=self.request.user,
            report=self.object,
            township=data["township"],
            grade=data["grade"],
            address=data["address"],
            description=data["description"],
        )
        messages.success(
            self.request,
            _("已转为隐患%(code)s，举报人可凭回执码查询办理进展。") % {"code": hazard.code},
        )
        return redirect(_hazard_url(hazard) or self.object.get_absolute_url())


class CitizenReportDismissView(CitizenReportActionView):
    """不予受理, with the reason the reporter will read."""

    form_class = CitizenReportDismissForm
    form_key = "dismiss_form"

    def perform(self, data):
        services.citizen_report_dismiss(
            actor=self.request.user, report=self.object, reason=data["reason"]
        )
        messages.success(self.request, _("已不予受理，举报人可凭回执码看到理由。"))
        return redirect(self.object.get_absolute_url())


class CitizenReportPhotoView(ReadersOnlyMixin, View):
    """The report's photo, inline, to those who may read reports; never a public media URL."""

    def get(self, request, pk):
        report = get_object_or_404(
            restrict(CitizenReport.objects.all(), request.user, "view"), pk=pk
        )
        if not report.photo:
            raise Http404(_("该举报没有照片。"))
        try:
            handle = report.photo.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("文件已不存在。")) from exc
        content_type = mimetypes.guess_type(report.photo.name)[0] or "application/octet-stream"
        if not content_type.startswith("image/"):
            content_type = "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
