"""``manage.py import_directive``: the JSON contract, refusals of bad input, and what it saves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from responsibilities.models import OrgUnit
from tasks.models import Assignment, Directive, Milestone, Section, Task
from tests.celery_worker import database_url_for
from tests.tasks.parser_support import REPO, SHOUGUANG, golden
from tests.tasks.test_directive_import import SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    call_command("load_reference", stdout=StringIO())


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_directive", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    no_tasks = tmp_path / "notice.txt"
    no_tasks.write_text("关于做好安全生产工作的通知\n各单位:请认真做好安全生产工作。\n", "utf-8")
    return {
        "empty": empty,
        "binary": binary,
        "no numbered tasks": no_tasks,
        "missing": tmp_path / "missing.txt",
    }


def test_dry_run_json_on_shouguang_equals_the_golden_file(reference):
    out, _err = run(str(SHOUGUANG), "--dry-run", "--json")
    document = json.loads(out)
    assert document == golden()
    assert len(document["tasks"]) == 34
    assert Directive.objects.count() == 0


def test_dry_run_without_json_summarises_and_saves_nothing(reference):
    out, _err = run(str(SHOUGUANG), "--dry-run")
    assert "34项任务" in out
    assert "试运行" in out
    assert Directive.objects.count() == Task.objects.count() == 0


def test_save_with_json_keeps_stdout_exactly_the_contract(reference):
    out, err = run(str(SHOUGUANG), "--json")
    assert json.loads(out) == golden()
    directive = Directive.objects.get()
    assert f"编号 {directive.pk}" in err


@pytest.mark.parametrize("case", ["empty", "binary", "no numbered tasks", "missing"])
def test_bad_input_fails_with_a_one_line_reason_and_saves_nothing(reference, bad_inputs, case):
    with pytest.raises(CommandError) as raised:
        run(str(bad_inputs[case]), "--dry-run", "--json")
    message = str(raised.value)
    assert message and "\n" not in message
    assert Directive.objects.count() == 0


@pytest.mark.parametrize("case", ["empty", "binary", "no numbered tasks"])
def test_bad_input_exits_non_zero_from_the_shell(db, bad_inputs, case):
    # The command runs in its own process against this test's (migrated) database.
    env = {
        **os.environ,
        "CHENGAN_VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": database_url_for(connection.settings_dict),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "import_directive", str(bad_inputs[case]), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    reason = [line for line in done.stderr.splitlines() if line.startswith("CommandError")]
    assert len(reason) == 1, done.stderr


def test_saving_twice_creates_one_directive(reference):
    run(str(SHOUGUANG))
    counts = (Directive.objects.count(), Task.objects.count(), Assignment.objects.count())
    out, _err = run(str(SHOUGUANG))
    assert "未重复导入" in out
    assert (Directive.objects.count(), Task.objects.count(), Assignment.objects.count()) == counts
    assert counts[:2] == (1, 34)


def test_saved_directive_has_its_parts_tasks_and_header(reference):
    run(str(SHOUGUANG))
    directive = Directive.objects.get()
    assert directive.title == "关于推进全市城市安全发展的实施意见"
    assert directive.issued_on == date(2019, 4, 26)
    assert directive.imported_by is None and not directive.is_demo
    assert [doc["doc_number"] for doc in directive.implements] == [
        "中办发〔2018〕1号",
        "鲁办发〔2018〕50号",
        "潍办发〔2019〕2号",
    ]
    assert list(Section.objects.values_list("number", flat=True)) == list("一二三四五六七八九")
    assert Task.objects.filter(directive=directive).count() == 34
    assert directive.history.count() == 1  # saved with history


def test_shouguang_task_18_is_led_by_emergency_management_with_housing_as_co_unit(reference):
    run(str(SHOUGUANG))
    task = Task.objects.get(number="18")
    assert task.lead_unit.name == "市应急管理局"
    roles = {a.unit.name: a.role for a in task.assignments.select_related("unit")}
    assert roles["市应急管理局"] == Assignment.Role.LEAD
    assert roles["市住建局"] == Assignment.Role.CO
    assert task.assignments.first().unit.name == "市应急管理局"  # the lead comes first
    milestone = task.milestones.get()
    assert milestone.due_on == date(2019, 8, 31)
    assert (milestone.target_value, milestone.target_unit) == (470, "个")
    assert milestone.target_subject == "居民小区电动车停车棚"
    assert milestone.target_comparator == Milestone.Comparator.AT_LEAST


def test_task_given_to_every_township_has_one_assignment_per_township(reference):
    run(str(SHOUGUANG))
    task = Task.objects.get(number="25")
    townships = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)
    via_townships = task.assignments.filter(via_group__name="各镇街区")
    assert sorted(via_townships.values_list("unit__name", flat=True)) == sorted(
        townships.values_list("name", flat=True)
    )
    assert via_townships.count() == 16
    assert not task.assignments.filter(role=Assignment.Role.LEAD).exists()
    assert task.lead_unit is None  # 安委会成员单位 leads as a group, not one unit
    committee = OrgUnit.objects.filter(is_committee_member=True, is_active=True)
    assert task.assignments.filter(via_group__name="安委会成员单位").count() == committee.count()


def test_due_dates_are_saved_as_written(reference):
    run(str(SHOUGUANG))
    assert Milestone.objects.filter(task__number="1").get().due_on == date(2019, 12, 31)
    assert Milestone.objects.get(task__number="8").due_on == date(2019, 6, 30)  # 20196月底前
    twice_a_year = Milestone.objects.get(task__number="15")
    assert twice_a_year.recurrence_months == [4, 11]
    assert twice_a_year.due_on == date(2019, 4, 30)


def test_a_unit_unknown_to_the_directory_blocks_saving_with_a_one_line_reason(reference, tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(SMALL, encoding="utf-8")
    out, _err = run(str(path), "--dry-run")
    assert "待处理：任务1：单位“市星际管理局”不在单位名录中" in out
    with pytest.raises(CommandError) as raised:
        run(str(path))
    assert "市星际管理局" in str(raised.value) and "市星际局" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert Directive.objects.count() == 0


def test_an_unmigrated_database_is_a_one_line_reason_not_a_traceback(bad_inputs, tmp_path):
    env = {
        **os.environ,
        "CHENGAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "import_directive", str(SHOUGUANG), "--dry-run", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    reason = [line for line in done.stderr.splitlines() if line.startswith("CommandError")]
    assert len(reason) == 1 and "migrate" in reason[0], done.stderr
