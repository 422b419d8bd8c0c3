"""The office imports a directive in the browser: upload → preview → fix → commit."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tasks.models import Directive, Task
from tests.tasks.parser_support import SHOUGUANG
from tests.tasks.test_directive_import import SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, cast):
    call_command("load_reference", stdout=StringIO())
    client.force_login(cast.office)
    return client


def upload(client, content: bytes, name: str = "实施意见.txt"):
    return client.post(reverse("tasks:import"), {"file": SimpleUploadedFile(name, content)})


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def commit_url(preview: str) -> str:
    return preview + "commit/"


def test_upload_shows_a_preview_with_matched_and_unmatched_units(office_client):
    url = preview_url(upload(office_client, SMALL.encode()))
    page = office_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["preview"].tasks[0].title == "加强消防设施建设"
    assert html.count('data-testid="preview-task"') == 2
    assert html.count('data-testid="unit-unmatched"') == 2
    assert "市星际管理局" in html and "市应急管理局" in html  # the unknown name and a suggestion
    assert 'name="unit:1:市星际管理局"' in html
    assert 'value="2019-12-31"' in html
    assert Directive.objects.count() == 0


def test_office_maps_an_unknown_unit_and_commits(office_client):
    url = preview_url(upload(office_client, SMALL.encode()))
    response = office_client.post(
        commit_url(url),
        {
            "title:1": "加强市政消防设施建设",
            "unit:1:市星际管理局": "市应急管理局",
            "unit:2:市星际局": "__drop__",
            "due:1:0": "2020-06-30",
            "target:1:0": "850",
        },
    )
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == directive.get_absolute_url()
    task = Task.objects.get(directive=directive, number="1")
    assert task.title == "加强市政消防设施建设"
    assert "市应急管理局" in task.assignments.values_list("unit__name", flat=True)
    milestone = task.milestones.get()
    assert (milestone.due_on, milestone.target_value) == (date(2020, 6, 30), 850)
    assert Task.objects.get(directive=directive, number="2").lead_unit.name == "市应急管理局"
    landed = office_client.get(response["Location"])
    assert "已导入" in landed.content.decode()


def test_commit_with_an_unknown_unit_left_undecided_returns_to_the_preview(office_client):
    url = preview_url(upload(office_client, SMALL.encode()))
    response = office_client.post(commit_url(url), {"unit:2:市星际局": "__drop__"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "任务1：单位“市星际管理局”不在单位名录中" in html
    # What the office chose is kept on the page.
    assert '<option value="__drop__" selected>' in html
    assert Directive.objects.count() == 0


def test_a_bad_date_is_named_and_nothing_is_saved(office_client):
    url = preview_url(upload(office_client, SMALL.encode()))
    response = office_client.post(
        commit_url(url),
        {"unit:1:市星际管理局": "__drop__", "unit:2:市星际局": "__drop__", "due:1:0": "2020-13-40"},
    )
    assert response.status_code == 400
    assert "任务1第1个节点：日期“2020-13-40”无效" in response.content.decode()
    assert Directive.objects.count() == 0


def test_shouguang_preview_lists_all_34_tasks_and_nine_parts(office_client):
    url = preview_url(upload(office_client, SHOUGUANG.read_bytes(), "寿光.txt"))
    html = office_client.get(url).content.decode()
    assert html.count('data-testid="preview-task"') == 34
    assert html.count('data-testid="preview-section"') == 9
    assert 'data-testid="unit-unmatched"' not in html
    assert "标题后缺少句号" in html  # task 5's warning is shown


def test_reimporting_the_same_directive_says_it_exists_and_does_not_duplicate(office_client):
    url = preview_url(upload(office_client, SHOUGUANG.read_bytes(), "寿光.txt"))
    first = office_client.post(commit_url(url))
    directive = Directive.objects.get()
    assert first["Location"] == directive.get_absolute_url()

    again = preview_url(upload(office_client, SHOUGUANG.read_bytes().replace(b"\n", b"\r\n")))
    html = office_client.get(again).content.decode()
    assert 'data-testid="already-imported"' in html
    assert directive.get_absolute_url() in html
    assert 'data-testid="commit"' not in html
    office_client.post(commit_url(again))
    assert Directive.objects.count() == 1
    assert Task.objects.count() == 34


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("意见.txt", bytes(range(256)) * 20, "二进制"),
        ("意见.txt", b"", "文件为空"),
        ("照片.png", b"\x89PNG\r\n\x1a\n", ".txt 或 .docx"),
        ("通知.txt", "请各单位做好安全生产工作。".encode(), "没有找到编号的任务"),
    ],
)
def test_an_unreadable_upload_gets_a_clear_message(office_client, name, content, reason):
    response = upload(office_client, content, name)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert response.context["form"].errors["file"]
    assert "directive_import" not in office_client.session


@pytest.mark.parametrize("role", ["zhujian", "zhujian_lead", "houzhen", "yingji", "auditor"])
def test_only_the_office_may_open_or_use_the_import(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("tasks:import")).status_code == 403
    assert upload(client, SMALL.encode()).status_code == 403
    token = "0" * 32
    assert client.get(reverse("tasks:import-preview", args=[token])).status_code == 403
    assert client.post(reverse("tasks:import-commit", args=[token])).status_code == 403
    assert Directive.objects.count() == 0


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("tasks:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_sessions_token_is_refused(office_client, client, cast):
    url = preview_url(upload(office_client, SMALL.encode()))
    from django.test import Client

    other = Client()
    other.force_login(cast.admin)
    response = other.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("tasks:import")
    other.post(commit_url(url), {"unit:1:市星际管理局": "__drop__", "unit:2:市星际局": "__drop__"})
    assert Directive.objects.count() == 0


def test_the_directive_list_links_to_the_import_for_the_office(office_client):
    html = office_client.get(reverse("tasks:directive-list")).content.decode()
    assert f'href="{reverse("tasks:import")}"' in html
