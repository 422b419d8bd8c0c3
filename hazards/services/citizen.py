"""群众举报 — citizens' reports from the public form, triaged by the office."""

from __future__ import annotations

import datetime
import os
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

from ..choices import CitizenReportState, HazardSource
from ..models import CitizenReport, Hazard
from .base import check_coordinates, clean_text, notify_users, office_user_ids, require_office
from .lifecycle import hazard_report

# Receipt codes are read aloud and typed on phones: no 0/O, 1/I/L.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8
# The public form's own limit per device, on top of whatever the web server enforces.
CITIZEN_REPORTS_PER_HOUR = 5

# --- citizens' reports --------------------------------------------------------------------------


@transaction.atomic
def citizen_report_submit(
    *,
    description: str,
    address: str,
    township: OrgUnit | None = None,
    latitude=None,
    longitude=None,
    photo=None,
    contact_name: str = "",
    contact_phone: str = "",
    fingerprint: str = "",
) -> CitizenReport:
    """A citizen's report from the public form (no login); answered with a receipt code the
    reporter uses to check the outcome."""
    fingerprint = (fingerprint or "")[:64]
    if fingerprint:
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = CitizenReport.objects.filter(client_fingerprint=fingerprint, created_at__gte=since)
        if recent.count() >= CITIZEN_REPORTS_PER_HOUR:
            raise ValidationError(_("提交过于频繁，请一小时后再试。"), code="throttled")
    report = CitizenReport(
        receipt_code=_new_receipt_code(),
        description=clean_text(description),
        address=clean_text(address),
        township=township,
        latitude=latitude,
        longitude=longitude,
        contact_name=clean_text(contact_name),
        contact_phone=clean_text(contact_phone),
        client_fingerprint=fingerprint,
        state=CitizenReportState.NEW,
    )
    errors = {}
    if township is not None and township.kind != OrgUnit.Kind.TOWNSHIP:
        errors["township"] = _("请选择镇街区。")
    phone = report.contact_phone
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        errors["contact_phone"] = _("联系电话只能包含数字、空格、“+”和“-”。")
    if errors:
        raise ValidationError(errors)
    check_coordinates(report)
    report.full_clean(exclude=["photo"])
    if photo:
        try:
            info = validate_upload(photo, kinds=("image",))
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        extension = os.path.splitext(info.name)[1].lower()
        report.photo.save(f"{uuid.uuid4().hex}{extension}", photo, save=False)
    report.save()
    notify_users(
        office_user_ids(),
        report,
        title=_("新的群众举报：%(code)s") % {"code": report.receipt_code},
        body=report.description[:100],
    )
    return report


@transaction.atomic
def citizen_report_triage(
    *,
    actor,
    report: CitizenReport,
    township: OrgUnit,
    grade: str,
    address: str | None = None,
    description: str | None = None,
) -> Hazard:
    """The office accepts a citizen's report: it becomes a hazard (source 群众举报, its photo
    as 整改前) linked to the report."""
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    require_office(actor, _("受理群众举报"))
    if report.state != CitizenReportState.NEW:
        raise ValidationError(
            _("该举报已处理（%(state)s）。") % {"state": report.get_state_display()}
        )
    photos = []
    if report.photo:
        with report.photo.open("rb") as stored:
            content = stored.read()
        photos.append(ContentFile(content, name=os.path.basename(report.photo.name)))
    hazard = hazard_report(
        actor=actor,
        township=township,
        address=report.address if address is None else address,
        description=report.description if description is None else description,
        found_on=timezone.localdate(report.created_at),
        grade=grade,
        source=HazardSource.CITIZEN,
        latitude=report.latitude,
        longitude=report.longitude,
        photos=photos,
    )
    report.state = CitizenReportState.ACCEPTED
    report.hazard = hazard
    report.township = township
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.public_reply = _("已受理，转为隐患%(code)s处理。") % {"code": hazard.code}
    report.full_clean()
    report.save()
    return hazard


@transaction.atomic
def citizen_report_dismiss(*, actor, report: CitizenReport, reason: str) -> CitizenReport:
    """The office dismisses a citizen's report with a reason (shown to the reporter)."""
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    require_office(actor, _("处理群众举报"))
    if report.state != CitizenReportState.NEW:
        raise ValidationError(
            _("该举报已处理（%(state)s）。") % {"state": report.get_state_display()}
        )
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的理由。")})
    report.state = CitizenReportState.DISMISSED
    report.dismissal_reason = reason
    report.public_reply = reason
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.full_clean()
    report.save()
    return report


def _new_receipt_code() -> str:
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
        if not CitizenReport.objects.filter(receipt_code=code).exists():
            return code
