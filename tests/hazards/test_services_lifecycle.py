"""The hazard's life through the services: reported → confirmed → rectifying → awaiting
acceptance → closed (销号), or rejected; 五落实, acceptance by the supervising unit only, and
extensions that never overwrite the original deadline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards import services
from hazards.choices import ExtensionState, HazardEventKind, HazardState, PhotoKind
from hazards.models import Hazard, HazardPhoto
from portal.models import YearCounter
from portal.notifications.models import Notification
from responsibilities.models import Membership
from tests.hazards.factories import (
    a_png,
    awaiting_hazard,
    closed_hazard,
    confirmed_hazard,
    plan_five,
    rectifying_hazard,
    reported_hazard,
)
from tests.responsibilities.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MAJOR = "major"


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- reporting ----------------------------------------------------------------------------------


def test_township_staff_report_a_hazard_numbered_by_year_with_before_photos(cast):
    hazard = reported_hazard(cast, photos=[a_png("现场.png")])

    assert hazard.state == HazardState.REPORTED
    assert hazard.code == f"YH-{hazard.found_on.year}-000001"
    assert hazard.reporting_unit == cast.houzhen_unit
    assert hazard.reported_by == cast.houzhen
    photo = hazard.photos.get()
    assert (photo.kind, photo.name, photo.content_type) == (
        PhotoKind.BEFORE,
        "现场.png",
        "image/png",
    )
    event = hazard.events.get()
    assert (event.kind, event.actor, event.unit, event.to_state) == (
        HazardEventKind.REPORT,
        cast.houzhen,
        cast.houzhen_unit,
        HazardState.REPORTED,
    )


def test_hazard_codes_are_never_reused_after_a_hazard_is_deleted(cast):
    first = reported_hazard(cast)
    second = reported_hazard(cast)
    second_code = second.code
    second.delete()

    third = reported_hazard(cast)

    assert third.code not in (first.code, second_code)
    assert third.code.endswith("000003")
    assert YearCounter.objects.get(name="hazard", year=TODAY.year).last == 3


def test_auditors_cannot_report_hazards(cast):
    with pytest.raises(PermissionDenied):
        reported_hazard(cast, actor=cast.auditor)
    assert not Hazard.objects.exists()


def test_a_bureau_cannot_report_in_the_name_of_another_unit(cast):
    with pytest.raises(PermissionDenied):
        reported_hazard(cast, actor=cast.zhujian, reporting_unit=cast.yingji_unit)


def test_a_hazard_must_be_placed_in_a_township(cast):
    with pytest.raises(ValidationError) as exc:
        reported_hazard(cast, township=cast.zhujian_unit)
    assert "township" in exc.value.message_dict
    assert not Hazard.objects.exists()


def test_a_hazard_cannot_be_found_in_the_future(cast):
    with pytest.raises(ValidationError) as exc:
        reported_hazard(cast, found_on=TODAY + datetime.timedelta(days=1))
    assert "found_on" in exc.value.message_dict


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_recorded(cast):
    program = SimpleUploadedFile("照片.png", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationError) as exc:
        reported_hazard(cast, photos=[program])
    assert "照片.png" in " ".join(exc.value.message_dict["photos"])
    assert not Hazard.objects.exists()
    assert not HazardPhoto.objects.exists()


def test_coordinates_out_of_range_are_refused(cast):
    with pytest.raises(ValidationError) as exc:
        reported_hazard(cast, latitude="95.1", longitude="118.7")
    assert "latitude" in exc.value.message_dict


# --- confirmation -------------------------------------------------------------------------------


def test_the_office_grades_and_assigns_a_reported_hazard(cast):
    hazard = reported_hazard(cast)
    deadline = TODAY + datetime.timedelta(days=20)

    hazard = services.hazard_confirm(
        actor=cast.office,
        hazard=hazard,
        grade=MAJOR,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=deadline,
        comment="请按重大隐患整改",
    )

    assert hazard.state == HazardState.CONFIRMED
    assert (hazard.grade, hazard.deadline, hazard.original_deadline) == (MAJOR, deadline, deadline)
    assert (hazard.responsible_unit, hazard.supervising_unit) == (
        cast.zhujian_unit,
        cast.yingji_unit,
    )
    event = hazard.events.get(kind=HazardEventKind.CONFIRM)
    assert (event.from_state, event.to_state, event.comment) == (
        HazardState.REPORTED,
        HazardState.CONFIRMED,
        "请按重大隐患整改",
    )
    told = set(Notification.objects.filter(category="hazards").values_list("recipient", flat=True))
    assert {cast.zhujian.pk, cast.zhujian_lead.pk, cast.yingji.pk} <= told


def test_a_township_confirms_a_general_hazard_in_its_territory(cast):
    hazard = reported_hazard(cast)
    hazard = services.hazard_confirm(
        actor=cast.houzhen,
        hazard=hazard,
        grade="general",
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=TODAY + datetime.timedelta(days=10),
    )
    assert hazard.state == HazardState.CONFIRMED


def test_a_township_cannot_confirm_a_major_hazard(cast):
    hazard = reported_hazard(cast)
    with pytest.raises(PermissionDenied):
        services.hazard_confirm(
            actor=cast.houzhen,
            hazard=hazard,
            grade=MAJOR,
            responsible_unit=cast.zhujian_unit,
            supervising_unit=cast.yingji_unit,
            deadline=TODAY + datetime.timedelta(days=10),
        )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REPORTED


def test_a_bureau_cannot_confirm_hazards(cast):
    hazard = reported_hazard(cast, actor=cast.zhujian, reporting_unit=cast.zhujian_unit)
    with pytest.raises(PermissionDenied):
        services.hazard_confirm(
            actor=cast.zhujian,
            hazard=hazard,
            grade="general",
            responsible_unit=cast.zhujian_unit,
            supervising_unit=cast.yingji_unit,
            deadline=TODAY + datetime.timedelta(days=10),
        )


def test_the_supervising_unit_cannot_be_the_responsible_unit(cast):
    hazard = reported_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_confirm(
            actor=cast.office,
            hazard=hazard,
            grade="general",
            responsible_unit=cast.zhujian_unit,
            supervising_unit=cast.zhujian_unit,
            deadline=TODAY + datetime.timedelta(days=10),
        )
    assert "supervising_unit" in exc.value.message_dict


def test_a_confirmed_hazard_cannot_be_confirmed_again(cast):
    hazard = confirmed_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_confirm(
            actor=cast.office,
            hazard=hazard,
            grade="general",
            responsible_unit=cast.yingji_unit,
            supervising_unit=cast.zhujian_unit,
            deadline=TODAY,
        )
    assert "已确认" in messages(exc)


def test_rejecting_a_reported_hazard_needs_a_reason(cast):
    hazard = reported_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_reject(actor=cast.office, hazard=hazard, reason="  ")
    assert "reason" in exc.value.message_dict

    hazard = services.hazard_reject(actor=cast.office, hazard=hazard, reason="与YH-1重复")

    assert (hazard.state, hazard.rejection_reason) == (HazardState.REJECTED, "与YH-1重复")
    assert hazard.events.filter(kind=HazardEventKind.REJECT, comment="与YH-1重复").exists()


# --- rectification ------------------------------------------------------------------------------


def test_a_major_hazard_without_the_five_cannot_start_and_is_told_which_are_missing(cast):
    hazard = confirmed_hazard(cast, grade=MAJOR)
    services.hazard_plan(
        actor=cast.zhujian,
        hazard=hazard,
        rectification_person="李四",
        rectification_measures="",
        rectification_funds=None,
        contingency_plan="",
    )

    with pytest.raises(ValidationError) as exc:
        services.hazard_start(actor=cast.zhujian, hazard=hazard)

    text = messages(exc)
    for missing in ("整改措施", "整改资金", "应急预案及防范措施"):
        assert missing in text
    assert "整改责任人" not in text
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CONFIRMED


def test_a_major_hazard_with_the_five_in_place_starts_rectifying(cast):
    hazard = plan_five(cast, confirmed_hazard(cast, grade=MAJOR))
    assert all(hazard.five_in_place().values())

    hazard = services.hazard_start(actor=cast.zhujian, hazard=hazard)

    assert hazard.state == HazardState.RECTIFYING


def test_a_general_hazard_starts_without_the_five(cast):
    hazard = services.hazard_start(actor=cast.zhujian, hazard=confirmed_hazard(cast))
    assert hazard.state == HazardState.RECTIFYING


def test_only_the_responsible_unit_plans_and_starts(cast):
    hazard = confirmed_hazard(cast)
    with pytest.raises(PermissionDenied):
        services.hazard_start(actor=cast.yingji, hazard=hazard)
    with pytest.raises(PermissionDenied):
        services.hazard_plan(
            actor=cast.houzhen,
            hazard=hazard,
            rectification_person="王五",
            rectification_measures="",
            rectification_funds=None,
            contingency_plan="",
        )


def test_funds_must_be_a_number(cast):
    hazard = confirmed_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_plan(
            actor=cast.zhujian,
            hazard=hazard,
            rectification_person="李四",
            rectification_measures="补设",
            rectification_funds="三万",
            contingency_plan="警戒",
        )
    assert "rectification_funds" in exc.value.message_dict


def test_submitting_for_acceptance_needs_an_after_photo(cast):
    hazard = rectifying_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_submit(
            actor=cast.zhujian, hazard=hazard, result="已整改", rectified_on=TODAY
        )
    assert "photos" in exc.value.message_dict

    hazard = services.hazard_submit(
        actor=cast.zhujian,
        hazard=hazard,
        result="已整改",
        rectified_on=TODAY,
        photos=[a_png("整改后.png")],
    )

    assert hazard.state == HazardState.AWAITING_ACCEPTANCE
    assert hazard.photos.filter(kind=PhotoKind.AFTER).count() == 1
    assert Notification.objects.filter(recipient=cast.yingji, category="hazards").exists()


def test_after_photos_added_earlier_count_for_submission(cast):
    hazard = rectifying_hazard(cast)
    services.hazard_add_photos(
        actor=cast.zhujian, hazard=hazard, kind=PhotoKind.AFTER, files=[a_png()]
    )
    hazard = services.hazard_submit(
        actor=cast.zhujian, hazard=hazard, result="已整改", rectified_on=TODAY
    )
    assert hazard.state == HazardState.AWAITING_ACCEPTANCE


def test_only_the_responsible_unit_adds_after_photos(cast):
    hazard = rectifying_hazard(cast)
    with pytest.raises(PermissionDenied):
        services.hazard_add_photos(
            actor=cast.houzhen, hazard=hazard, kind=PhotoKind.AFTER, files=[a_png()]
        )


# --- acceptance ---------------------------------------------------------------------------------


def test_the_unit_that_fixed_a_hazard_cannot_accept_it(cast):
    hazard = awaiting_hazard(cast)
    for person in (cast.zhujian, cast.zhujian_lead):
        with pytest.raises(PermissionDenied):
            services.hazard_accept(actor=person, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.state == HazardState.AWAITING_ACCEPTANCE


def test_a_person_in_both_the_fixing_and_the_supervising_unit_cannot_accept(cast):
    both = UserFactory(username="t-both")
    MembershipFactory(user=both, unit=cast.zhujian_unit)
    MembershipFactory(user=both, unit=cast.yingji_unit, role=Membership.Role.LEADER)
    hazard = awaiting_hazard(cast)

    with pytest.raises(PermissionDenied) as exc:
        services.hazard_accept(actor=both, hazard=hazard)

    assert "市住建局" in str(exc.value)
    hazard.refresh_from_db()
    assert hazard.state == HazardState.AWAITING_ACCEPTANCE


def test_an_uninvolved_unit_cannot_accept(cast):
    hazard = awaiting_hazard(cast)
    with pytest.raises(PermissionDenied):
        services.hazard_accept(actor=cast.houzhen, hazard=hazard)


def test_the_supervising_unit_accepts_and_closes_the_hazard(cast):
    hazard = services.hazard_accept(actor=cast.yingji, hazard=awaiting_hazard(cast), comment="合格")

    assert hazard.state == HazardState.CLOSED
    assert hazard.accepted_by == cast.yingji
    assert hazard.accepted_at is not None and hazard.closed_at == hazard.accepted_at
    assert hazard.acceptance_comment == "合格"
    event = hazard.events.get(kind=HazardEventKind.ACCEPT)
    assert (event.unit, event.from_state, event.to_state) == (
        cast.yingji_unit,
        HazardState.AWAITING_ACCEPTANCE,
        HazardState.CLOSED,
    )


@pytest.mark.parametrize("stage", [reported_hazard, confirmed_hazard, rectifying_hazard])
def test_a_hazard_is_never_closed_without_acceptance(cast, stage):
    hazard = stage(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_accept(actor=cast.yingji, hazard=hazard)
    assert "不能验收" in messages(exc)
    # and no service takes a state or closing fields from its caller
    with pytest.raises(ValidationError):
        services.hazard_update(actor=cast.office, hazard=hazard, state=HazardState.CLOSED)
    with pytest.raises(ValidationError):
        services.hazard_update(actor=cast.office, hazard=hazard, closed_at=timezone.now())
    hazard.refresh_from_db()
    assert hazard.state != HazardState.CLOSED and hazard.closed_at is None


def test_sending_back_returns_the_hazard_to_rectifying_with_a_comment(cast):
    hazard = awaiting_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_send_back(actor=cast.yingji, hazard=hazard, comment="")
    assert "comment" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.hazard_send_back(actor=cast.zhujian, hazard=hazard, comment="自己退回")

    hazard = services.hazard_send_back(actor=cast.yingji, hazard=hazard, comment="连墙件间距不足")

    assert hazard.state == HazardState.RECTIFYING
    assert Notification.objects.filter(
        recipient=cast.zhujian, title__contains="验收不通过"
    ).exists()


# --- editing ------------------------------------------------------------------------------------


def test_editing_a_closed_hazard_is_refused(cast):
    hazard = closed_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_update(actor=cast.office, hazard=hazard, description="改写")
    assert "已销号的隐患不能修改" in messages(exc)
    with pytest.raises(ValidationError):
        services.hazard_add_photos(
            actor=cast.office, hazard=hazard, kind=PhotoKind.BEFORE, files=[a_png()]
        )
    hazard.refresh_from_db()
    assert hazard.description != "改写"


def test_editing_a_rejected_hazard_is_refused(cast):
    hazard = services.hazard_reject(actor=cast.office, hazard=reported_hazard(cast), reason="重复")
    with pytest.raises(ValidationError):
        services.hazard_update(actor=cast.houzhen, hazard=hazard, address="别处")


def test_an_open_hazard_is_corrected_with_an_event_naming_the_fields(cast):
    hazard = confirmed_hazard(cast)
    hazard = services.hazard_update(
        actor=cast.zhujian, hazard=hazard, description="脚手架连墙件缺失三处", found_by="赵六"
    )
    assert hazard.description == "脚手架连墙件缺失三处"
    event = hazard.events.get(kind=HazardEventKind.EDIT)
    assert sorted(event.data["fields"]) == ["description", "found_by"]


def test_a_unit_with_nothing_to_do_with_a_hazard_cannot_edit_it(cast):
    hazard = reported_hazard(cast)
    with pytest.raises(PermissionDenied):
        services.hazard_update(actor=cast.yingji, hazard=hazard, description="改写")


def test_the_grade_is_not_edited_once_confirmed(cast):
    hazard = confirmed_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.hazard_update(actor=cast.office, hazard=hazard, grade=MAJOR)
    assert "grade" in exc.value.message_dict


# --- extensions ---------------------------------------------------------------------------------


def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(cast):
    original = TODAY + datetime.timedelta(days=10)
    later = TODAY + datetime.timedelta(days=40)
    hazard = rectifying_hazard(cast, deadline=original)

    extension = services.extension_request(
        actor=cast.zhujian, hazard=hazard, requested_deadline=later, reason="材料到货延迟"
    )
    assert extension.state == ExtensionState.PENDING
    services.extension_decide(actor=cast.yingji, extension=extension, approve=True, comment="同意")

    hazard.refresh_from_db()
    extension.refresh_from_db()
    assert (hazard.deadline, hazard.original_deadline) == (later, original)
    assert (extension.state, extension.previous_deadline) == (ExtensionState.APPROVED, original)
    assert hazard.events.filter(kind=HazardEventKind.EXTENSION_APPROVE).exists()


def test_a_refused_extension_needs_a_reason_and_leaves_the_deadline(cast):
    hazard = confirmed_hazard(cast)
    deadline = hazard.deadline
    extension = services.extension_request(
        actor=cast.zhujian,
        hazard=hazard,
        requested_deadline=deadline + datetime.timedelta(days=5),
        reason="人手不足",
    )
    with pytest.raises(ValidationError) as exc:
        services.extension_decide(actor=cast.yingji, extension=extension, approve=False, comment="")
    assert "comment" in exc.value.message_dict

    services.extension_decide(
        actor=cast.yingji, extension=extension, approve=False, comment="理由不充分"
    )

    hazard.refresh_from_db()
    assert hazard.deadline == deadline
    assert hazard.extensions.get().state == ExtensionState.REFUSED


def test_an_extension_must_ask_for_a_later_date(cast):
    hazard = confirmed_hazard(cast)
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            actor=cast.zhujian, hazard=hazard, requested_deadline=hazard.deadline, reason="x"
        )
    assert "requested_deadline" in exc.value.message_dict


def test_only_one_extension_may_be_pending(cast):
    hazard = confirmed_hazard(cast)
    ask = {"actor": cast.zhujian, "hazard": hazard, "reason": "雨季"}
    services.extension_request(
        **ask, requested_deadline=hazard.deadline + datetime.timedelta(days=5)
    )
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            **ask, requested_deadline=hazard.deadline + datetime.timedelta(days=9)
        )
    assert "待审批" in messages(exc)


def test_the_responsible_unit_cannot_decide_its_own_extension(cast):
    hazard = confirmed_hazard(cast)
    extension = services.extension_request(
        actor=cast.zhujian,
        hazard=hazard,
        requested_deadline=hazard.deadline + datetime.timedelta(days=5),
        reason="雨季",
    )
    with pytest.raises(PermissionDenied):
        services.extension_decide(
            actor=cast.zhujian_lead, extension=extension, approve=True, comment=""
        )
    with pytest.raises(PermissionDenied):
        services.extension_request(
            actor=cast.yingji,
            hazard=hazard,
            requested_deadline=hazard.deadline + datetime.timedelta(days=9),
            reason="代申请",
        )


# --- the record ---------------------------------------------------------------------------------


def test_every_step_of_a_major_hazards_life_is_recorded_as_an_event(cast):
    hazard = closed_hazard(cast, grade=MAJOR)

    steps = list(hazard.events.values_list("kind", "from_state", "to_state", "actor__username"))

    assert steps == [
        ("report", "", "reported", "t-houzhen"),
        ("confirm", "reported", "confirmed", "t-office"),
        ("plan", "confirmed", "confirmed", "t-zhujian"),
        ("start", "confirmed", "rectifying", "t-zhujian"),
        ("submit", "rectifying", "awaiting_acceptance", "t-zhujian"),
        ("accept", "awaiting_acceptance", "closed", "t-yingji"),
    ]
    assert hazard.history.count() >= 6


def test_the_actions_offered_follow_the_state_and_the_unit(cast):
    hazard = awaiting_hazard(cast)
    assert {"accept", "send_back"} <= services.hazard_actions(user=cast.yingji, hazard=hazard)
    assert "accept" not in services.hazard_actions(user=cast.zhujian, hazard=hazard)
    assert services.hazard_actions(user=cast.auditor, hazard=hazard) == set()
