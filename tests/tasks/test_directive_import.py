"""The directive import service: preview, the office's corrections, idempotence, permissions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from responsibilities.models import OrgUnit
from tasks.models import Assignment, Directive, Milestone, Section, Task
from tasks.services.directives import (
    DirectiveCorrections,
    directive_import,
    directive_preview,
    directive_source_hash,
    directive_text_from_upload,
    unit_directory,
)
from tests.tasks.parser_support import SHOUGUANG, reference_directory

pytestmark = pytest.mark.django_db

# Two tasks; 星际管理局 and 星际局 are not units of the city.
SMALL = """关于推进全市城市安全发展的实施意见
一、总体要求
坚持安全发展。
二、加强城市基础设施安全管理
1.加强消防设施建设。2019年底前,补建848个市政消火栓。(责任单位:市住建局、星际管理局、各镇街区等部门、单位)
2.强化安全执法。严格执法,长期坚持。(责任单位:市星际局、应急管理局)
"""


@pytest.fixture
def reference(db):
    call_command("load_reference", stdout=StringIO())


@pytest.fixture
def office(cast, reference):
    return cast.office


def fixed() -> DirectiveCorrections:
    """Both unknown units dropped."""
    return DirectiveCorrections(units={("1", "市星际管理局"): None, ("2", "市星际局"): None})


def test_unit_directory_from_the_database_reads_like_the_reference_files(reference):
    directory = unit_directory()
    files = reference_directory()
    assert sorted(directory.names) == sorted(files.names)
    for spelling in (
        "住建局",
        "市住房和城乡建设局",
        "各镇(街区)",
        "市安委会成员单位",
        "市场监管局",
    ):
        assert directory.match(spelling) == files.match(spelling)
    assert directory.is_group("各镇街区") and not directory.is_group("市住建局")


def test_source_hash_ignores_line_endings_and_blank_space():
    text = "标题\n\n1.任务一。 \n"
    assert directive_source_hash(text) == directive_source_hash("\ufeff标题\r\n1.任务一。\r\n\r\n")
    assert directive_source_hash(text) != directive_source_hash("标题\n1.任务二。\n")


def test_preview_shows_matched_and_unmatched_units_with_suggestions(office):
    preview = directive_preview(actor=office, text=SMALL, filename="small.txt")
    first = preview.tasks[0]
    assert [u.written for u in first.matched_units] == ["市住建局", "各镇街区"]
    assert first.units[2].is_group and first.units[2].group_size == 16
    [unknown] = first.unmatched_units
    assert unknown.written == "市星际管理局" and "市应急管理局" in unknown.suggestions
    assert first.milestones[0].due == date(2019, 12, 31)
    assert first.milestones[0].target.value == 848
    assert len(preview.blockers) == 2 and "任务1" in preview.blockers[0]
    assert not preview.exists
    assert Directive.objects.count() == 0


def test_an_unmatched_unit_neither_mapped_nor_dropped_blocks_the_import(office):
    with pytest.raises(ValidationError) as raised:
        directive_import(actor=office, text=SMALL)
    assert "任务1" in raised.value.messages[0] and "市星际管理局" in raised.value.messages[0]
    assert Directive.objects.count() == Task.objects.count() == 0


def test_office_maps_an_unknown_unit_drops_another_and_edits_a_title_and_a_date(office):
    corrections = DirectiveCorrections(
        titles={"1": "加强市政消防设施建设"},
        units={("1", "市星际管理局"): "应急管理局", ("2", "市星际局"): None},
        dues={("1", 0): date(2020, 6, 30)},
        target_values={("1", 0): Decimal("900")},
    )
    directive = directive_import(actor=office, text=SMALL, corrections=corrections)
    first = Task.objects.get(directive=directive, number="1")
    assert first.title == "加强市政消防设施建设"
    assert first.lead_unit.name == "市住建局"
    named = list(first.assignments.filter(via_group=None).values_list("unit__name", "role"))
    assert named == [("市住建局", "lead"), ("市应急管理局", "co")]
    milestone = first.milestones.get()
    assert (milestone.due_on, milestone.target_value) == (date(2020, 6, 30), 900)
    second = Task.objects.get(directive=directive, number="2")
    # 市星际局 was written first and dropped: the next unit written leads.
    assert second.lead_unit.name == "市应急管理局"
    assert list(second.assignments.values_list("unit__name", "role")) == [("市应急管理局", "lead")]
    assert directive.imported_by == office
    assert first.history.first().history_user == office


def test_mapping_to_a_name_that_is_no_unit_is_refused(office):
    corrections = fixed()
    corrections.units[("1", "市星际管理局")] = "火星局"
    with pytest.raises(ValidationError) as raised:
        directive_import(actor=office, text=SMALL, corrections=corrections)
    assert "火星局" in " ".join(raised.value.messages)
    assert Directive.objects.count() == 0


def test_group_expansion_skips_a_unit_already_named(office):
    houzhen = OrgUnit.objects.get(name="侯镇")
    corrections = fixed()
    corrections.units[("1", "市星际管理局")] = "侯镇"
    directive = directive_import(actor=office, text=SMALL, corrections=corrections)
    task = directive.tasks.get(number="1")
    assert task.assignments.filter(unit=houzhen).count() == 1
    assert task.assignments.get(unit=houzhen).via_group is None
    assert task.assignments.exclude(via_group=None).count() == 15


def test_reimport_of_the_same_text_returns_the_existing_directive_and_creates_nothing(office):
    first = directive_import(actor=office, text=SMALL, corrections=fixed())
    counts = (Task.objects.count(), Assignment.objects.count(), Milestone.objects.count())
    again = directive_import(actor=office, text=SMALL.replace("\n", "\r\n") + "\n\n")
    assert again == first
    assert Directive.objects.count() == 1
    assert (Task.objects.count(), Assignment.objects.count(), Milestone.objects.count()) == counts
    assert directive_preview(actor=office, text=SMALL).existing == first


def test_shift_days_moves_the_issue_date_and_every_due_date(reference):
    text = SHOUGUANG.read_text("utf-8")
    directive = directive_import(actor=None, text=text, is_demo=True, shift_days=100)
    assert directive.is_demo
    assert directive.issued_on == date(2019, 4, 26) + timedelta(days=100)
    due = Milestone.objects.get(task__directive=directive, task__number="18").due_on
    assert due == date(2019, 8, 31) + timedelta(days=100)


@pytest.mark.parametrize("role", ["zhujian", "zhujian_lead", "houzhen", "auditor"])
def test_only_the_office_and_admins_preview_or_import(cast, reference, role):
    user = getattr(cast, role)
    with pytest.raises(PermissionDenied):
        directive_preview(actor=user, text=SMALL)
    with pytest.raises(PermissionDenied):
        directive_import(actor=user, text=SMALL, corrections=fixed())
    assert Directive.objects.count() == 0


def test_admin_imports(cast, reference):
    assert directive_import(actor=cast.admin, text=SMALL, corrections=fixed()).pk


def test_an_unreadable_text_is_a_one_line_validation_error(office):
    with pytest.raises(ValidationError) as raised:
        directive_preview(actor=office, text="只有一句话。")
    assert "没有找到编号的任务" in raised.value.messages[0]
    assert Section.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("意见.pdf", b"%PDF-1.4", ".txt 或 .docx"),
        ("意见.txt", b"", "文件为空"),
        ("意见.txt", b"\x00\x01\x02" * 100, "二进制"),
        ("意见.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "图片"),
        ("意见.docx", "不是压缩包".encode(), ".docx"),
    ],
)
def test_uploads_are_checked_by_content_not_by_name(name, content, reason):
    with pytest.raises(ValidationError) as raised:
        directive_text_from_upload(SimpleUploadedFile(name, content))
    assert reason in raised.value.message_dict["file"][0]


def test_an_uploaded_text_in_gb18030_is_read():
    upload = SimpleUploadedFile("寿光.txt", SMALL.encode("gb18030"))
    assert directive_text_from_upload(upload).startswith("关于推进全市城市安全发展的实施意见")


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as raised:
        directive_text_from_upload(SimpleUploadedFile("意见.txt", SMALL.encode()))
    assert "文件过大" in raised.value.message_dict["file"][0]
