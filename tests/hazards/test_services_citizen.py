"""群众举报 through the services: submitted without an account, answered with a receipt code,
triaged by the office into a hazard or dismissed with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hazards import services
from hazards.choices import CitizenReportState, HazardSource, HazardState, PhotoKind
from hazards.models import CitizenReport, Hazard
from portal.notifications.models import Notification
from tests.hazards.factories import CitizenReportFactory, a_png

pytestmark = pytest.mark.django_db


def submit(**fields):
    values = {"description": "小区门口广告牌松动", "address": "侯镇文化路12号"}
    values.update(fields)
    return services.citizen_report_submit(**values)


def test_a_citizen_submits_without_an_account_and_gets_a_receipt_code(cast):
    report = submit(
        township=cast.houzhen_unit,
        photo=a_png("广告牌.png"),
        contact_name="王先生",
        contact_phone="138 0000 0000",
        latitude="36.934",
        longitude="118.791",
    )

    assert report.state == CitizenReportState.NEW
    assert len(report.receipt_code) == 8
    assert set(report.receipt_code) <= set(services.RECEIPT_ALPHABET)
    assert not set(report.receipt_code) & set("0O1IL")
    assert report.photo.name.startswith(f"citizen-reports/{report.receipt_code}/")
    assert Notification.objects.filter(recipient=cast.office, category="hazards").exists()


def test_receipt_codes_differ(cast):
    codes = {submit().receipt_code for _ in range(5)}
    assert len(codes) == 5


@pytest.mark.parametrize("field", ["description", "address"])
def test_a_report_needs_a_description_and_a_place(cast, field):
    with pytest.raises(ValidationError) as exc:
        submit(**{field: "   "})
    assert field in exc.value.message_dict
    assert not CitizenReport.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        submit(photo=SimpleUploadedFile("图.jpg", b"%PDF-1.4 not a picture"))
    assert "photo" in exc.value.message_dict
    assert not CitizenReport.objects.exists()


def test_a_phone_number_with_letters_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        submit(contact_phone="call me")
    assert "contact_phone" in exc.value.message_dict


def test_one_device_may_not_flood_the_form(cast):
    for _ in range(services.CITIZEN_REPORTS_PER_HOUR):
        submit(fingerprint="device-a")
    with pytest.raises(ValidationError) as exc:
        submit(fingerprint="device-a")
    assert exc.value.code == "throttled"
    submit(fingerprint="device-b")  # another device is not held back
    assert CitizenReport.objects.count() == services.CITIZEN_REPORTS_PER_HOUR + 1


def test_the_office_triages_a_report_into_a_hazard_with_its_photo(cast):
    report = submit(photo=a_png("广告牌.png"), latitude="36.934", longitude="118.791")

    hazard = services.citizen_report_triage(
        actor=cast.office, report=report, township=cast.houzhen_unit, grade="general"
    )

    report.refresh_from_db()
    assert (report.state, report.hazard, report.triaged_by) == (
        CitizenReportState.ACCEPTED,
        hazard,
        cast.office,
    )
    assert hazard.code in report.public_reply
    assert (hazard.source, hazard.state, hazard.township) == (
        HazardSource.CITIZEN,
        HazardState.REPORTED,
        cast.houzhen_unit,
    )
    assert (hazard.description, hazard.address) == (report.description, report.address)
    assert hazard.latitude == report.latitude
    photo = hazard.photos.get()
    assert photo.kind == PhotoKind.BEFORE
    assert photo.file.read() == report.photo.open("rb").read()


def test_triage_may_correct_the_description_and_place(cast):
    report = submit()
    hazard = services.citizen_report_triage(
        actor=cast.office,
        report=report,
        township=cast.yangkou_unit,
        grade="major",
        address="羊口镇渔港路3号",
        description="广告牌立柱锈蚀严重",
    )
    assert (hazard.address, hazard.description, hazard.grade) == (
        "羊口镇渔港路3号",
        "广告牌立柱锈蚀严重",
        "major",
    )


def test_only_the_office_triages_or_dismisses(cast):
    report = CitizenReportFactory()
    for person in (cast.houzhen, cast.zhujian, cast.auditor):
        with pytest.raises(PermissionDenied):
            services.citizen_report_triage(
                actor=person, report=report, township=cast.houzhen_unit, grade="general"
            )
        with pytest.raises(PermissionDenied):
            services.citizen_report_dismiss(actor=person, report=report, reason="不属实")
    assert not Hazard.objects.exists()


def test_dismissing_needs_a_reason_shown_to_the_reporter(cast):
    report = CitizenReportFactory()
    with pytest.raises(ValidationError) as exc:
        services.citizen_report_dismiss(actor=cast.office, report=report, reason="")
    assert "reason" in exc.value.message_dict

    report = services.citizen_report_dismiss(
        actor=cast.office, report=report, reason="经核实，该广告牌已拆除"
    )

    assert report.state == CitizenReportState.DISMISSED
    assert report.dismissal_reason == report.public_reply == "经核实，该广告牌已拆除"


def test_a_report_is_handled_once(cast):
    report = CitizenReportFactory()
    services.citizen_report_dismiss(actor=cast.office, report=report, reason="重复举报")
    with pytest.raises(ValidationError):
        services.citizen_report_triage(
            actor=cast.office, report=report, township=cast.houzhen_unit, grade="general"
        )
    accepted = CitizenReportFactory()
    services.citizen_report_triage(
        actor=cast.office, report=accepted, township=cast.houzhen_unit, grade="general"
    )
    with pytest.raises(ValidationError):
        services.citizen_report_dismiss(actor=cast.office, report=accepted, reason="改判")
    assert Hazard.objects.count() == 1
