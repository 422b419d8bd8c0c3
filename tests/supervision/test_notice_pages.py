"""督办单 pages: the list (scoped, open first, filtered, constant queries), the notice with its
reply and close forms, the A4 print page and the Word file."""

from __future__ import annotations

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.supervision.models import NoticeState, SupervisionNotice
from tests.querycount import assert_constant_queries
from tests.supervision.factories import SupervisionNoticeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST_URL = reverse("supervision:notice-list")


def numbers(response) -> list[str]:
    return [notice.number for notice in response.context["object_list"]]


@pytest.fixture
def notices(cast):
    """Two of 市住建局's (one closed), one of 市应急管理局's, one of 侯镇's (escalated)."""
    old = SupervisionNoticeFactory(
        unit=cast.zhujian_unit, issued_on=TODAY - datetime.timedelta(days=20)
    )
    new = SupervisionNoticeFactory(unit=cast.zhujian_unit)
    closed = SupervisionNoticeFactory(
        unit=cast.zhujian_unit,
        issued_on=TODAY - datetime.timedelta(days=40),
        state=NoticeState.CLOSED,
        closed_at=timezone.now(),
        close_comment="办结",
    )
    yingji = SupervisionNoticeFactory(unit=cast.yingji_unit)
    houzhen = SupervisionNoticeFactory(
        unit=cast.houzhen_unit,
        issued_on=TODAY - datetime.timedelta(days=30),
        interview_required=True,
        escalated_at=timezone.now(),
    )
    return {"old": old, "new": new, "closed": closed, "yingji": yingji, "houzhen": houzhen}


def test_the_office_sees_every_open_notice_oldest_first(cast, client, notices):
    client.force_login(cast.office)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    expected = [notices[k].number for k in ("houzhen", "old", "new", "yingji")]
    assert numbers(response)[:2] == expected[:2]
    assert set(numbers(response)) == set(expected)
    assert notices["closed"].number not in numbers(response)


def test_all_states_show_closed_ones_last(cast, client, notices):
    client.force_login(cast.office)
    response = client.get(LIST_URL, {"state": "all"})
    assert numbers(response)[-1] == notices["closed"].number
    assert len(numbers(response)) == 5


def test_a_unit_sees_only_its_own_notices(cast, client, notices):
    client.force_login(cast.zhujian)
    response = client.get(LIST_URL, {"state": "all"})
    assert set(numbers(response)) == {notices[k].number for k in ("old", "new", "closed")}


def test_the_auditor_sees_all(cast, client, notices):
    client.force_login(cast.auditor)
    assert len(numbers(client.get(LIST_URL, {"state": "all"}))) == 5


def test_the_list_shows_state_age_and_the_interview_flag(cast, client, notices):
    client.force_login(cast.office)
    html = client.get(LIST_URL).content.decode()
    assert "待反馈" in html
    assert 'data-testid="interview"' in html
    assert f'data-testid="age-days">{notices["old"].age_days()}<' in html
    assert reverse("reports:export", args=["supervision-notices"]) in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "closed"}, {"closed"}),
        ({"interview_required": "true"}, {"houzhen"}),
        (
            {"issued_after": (TODAY - datetime.timedelta(days=25)).isoformat()},
            {"old", "new", "yingji"},
        ),
        ({"issued_before": (TODAY - datetime.timedelta(days=25)).isoformat()}, {"houzhen"}),
        ({"q": "第"}, {"old", "new", "yingji", "houzhen"}),
    ],
)
def test_filters(cast, client, notices, params, expected):
    client.force_login(cast.office)
    response = client.get(LIST_URL, params)
    assert set(numbers(response)) == {notices[k].number for k in expected}


def test_unit_filter(cast, client, notices):
    client.force_login(cast.office)
    response = client.get(LIST_URL, {"unit": cast.yingji_unit.pk})
    assert numbers(response) == [notices["yingji"].number]


def test_response_overdue_filter(cast, client, notices):
    # Waiting for the reply after its 反馈期限: the two older ones, and one replied late is not.
    replied_late = SupervisionNoticeFactory(
        unit=cast.zhujian_unit,
        issued_on=TODAY - datetime.timedelta(days=12),
        state=NoticeState.REPLIED,
    )
    client.force_login(cast.office)
    late = numbers(client.get(LIST_URL, {"response_overdue": "true"}))
    assert set(late) == {notices["old"].number, notices["houzhen"].number}
    in_time = numbers(client.get(LIST_URL, {"response_overdue": "false"}))
    assert set(in_time) == {notices["new"].number, notices["yingji"].number, replied_late.number}


def test_a_bad_filter_value_does_not_fail(cast, client, notices):
    client.force_login(cast.office)
    response = client.get(LIST_URL, {"state": "nonsense", "issued_after": "2019-13-45"})
    assert response.status_code == 200


def test_list_query_count_is_constant_for_10_and_60_notices(cast, client):
    client.force_login(cast.office)
    units = [cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit]

    def grow(n):
        while SupervisionNotice.objects.count() < n:
            SupervisionNoticeFactory(unit=units[SupervisionNotice.objects.count() % 3])

    def fetch():
        response = client.get(LIST_URL, {"page_size": 100})
        assert response.status_code == 200
        return response

    grow(10)
    fetch()  # warm-up: per-process caches
    assert_constant_queries(grow, fetch, sizes=(10, 60))


# --- one notice ----------------------------------------------------------------------------


def test_the_leader_sees_the_reply_form_staff_and_auditor_do_not(cast, client, notices):
    url = notices["new"].get_absolute_url()
    for user, expected in ((cast.zhujian_lead, True), (cast.zhujian, False), (cast.auditor, False)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert ('data-testid="reply-box"' in html) is expected, user
        assert 'data-testid="close-box"' not in html


def test_the_leader_replies_on_the_page(cast, client, notices):
    notice = notices["new"]
    client.force_login(cast.zhujian_lead)
    committed = (TODAY + datetime.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("supervision:notice-reply", args=[notice.pk]),
        {"reason": "资金未到位", "measures": "已申请专项资金", "committed_on": committed},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.REPLIED
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "资金未到位" in html and "修改反馈" in html


def test_a_past_committed_date_comes_back_on_the_form(cast, client, notices):
    notice = notices["new"]
    client.force_login(cast.zhujian_lead)
    response = client.post(
        reverse("supervision:notice-reply", args=[notice.pk]),
        {"reason": "资金未到位", "measures": "申请资金", "committed_on": "2019-01-01"},
    )
    assert response.status_code == 200
    assert "承诺完成日期不能早于今天" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.ISSUED


def test_staff_posting_a_reply_is_refused(cast, client, notices):
    client.force_login(cast.zhujian)
    response = client.post(
        reverse("supervision:notice-reply", args=[notices["new"].pk]),
        {"reason": "x", "measures": "y", "committed_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert SupervisionNotice.objects.get(pk=notices["new"].pk).state == NoticeState.ISSUED


def test_the_office_closes_on_the_page_and_an_empty_comment_is_refused(cast, client, notices):
    notice = notices["old"]
    client.force_login(cast.office)
    url = reverse("supervision:notice-close", args=[notice.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200
    assert 'data-testid="error-comment"' in response.content.decode()
    response = client.post(url, {"comment": "同意办结"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    html = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-testid="close-box"' not in html and "同意办结" in html


def test_closing_a_closed_notice_is_a_message_not_an_error(cast, client, notices):
    client.force_login(cast.office)
    response = client.post(
        reverse("supervision:notice-close", args=[notices["closed"].pk]),
        {"comment": "再次办结"},
        follow=True,
    )
    assert response.status_code == 200
    assert "已办结" in response.content.decode()


def test_another_units_notice_is_not_found(cast, client, notices):
    client.force_login(cast.zhujian_lead)
    for name in ("notice-detail", "notice-print", "notice-docx"):
        assert (
            client.get(reverse(f"supervision:{name}", args=[notices["yingji"].pk])).status_code
            == 404
        )


# --- print and Word ------------------------------------------------------------------------


def test_the_print_page_is_an_a4_document(cast, client, notices):
    notice = notices["old"]
    client.force_login(cast.zhujian)
    response = client.get(reverse("supervision:notice-print", args=[notice.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "size: A4" in html and "margin: 2.5cm 2.6cm" in html
    assert "市安委办" in html  # the issuer: the office unit's name
    assert notice.number in html
    assert "市住建局：" in html
    issued = notice.issued_on
    assert f"{issued.year}年{issued.month}月{issued.day}日" in html
    assert "抄送：安委办" in html
    assert "配合单位" in html


def test_the_issuer_falls_back_without_an_office_unit(cast, client, notices):
    cast.office_unit.is_active = False
    cast.office_unit.save()
    client.force_login(cast.office)
    html = client.get(
        reverse("supervision:notice-print", args=[notices["new"].pk])
    ).content.decode()
    assert "安委会办公室" in html


def test_the_word_file_downloads_and_holds_the_notice(cast, client, notices):
    from docx import Document

    notice = notices["new"]
    client.force_login(cast.zhujian_lead)
    from portal.supervision.services import notice_reply

    notice_reply(
        actor=cast.zhujian_lead,
        notice=notice,
        reason="资金未到位",
        measures="申请专项资金",
        committed_on=TODAY,
    )
    response = client.get(reverse("supervision:notice-docx", args=[notice.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert unquote(disposition.split("filename*=utf-8''")[1]) == f"督办单-{notice.number}.docx"
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.top_margin.cm, 1), round(section.left_margin.cm, 1)) == (2.5, 2.6)
    text = "\n".join(p.text for p in document.paragraphs)
    assert notice.number in text
    assert "督 办 单" in text
    assert "资金未到位" in text
    assert "抄送：安委办" in text


# --- export and workbench ------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    import csv

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_export_follows_the_scope_and_the_lists_default(cast, client, notices):
    export = reverse("reports:export", args=["supervision-notices"])
    client.force_login(cast.zhujian)
    rows = csv_rows(client.get(export, {"format": "csv"}))
    assert rows[0][:3] == ["督办单编号", "督办事项", "责任单位"]
    assert [row[0] for row in rows[1:]] == [notices["old"].number, notices["new"].number]
    everything = csv_rows(client.get(export, {"format": "csv", "state": "all"}))
    assert len(everything) == 4  # the header and 市住建局's three
    assert everything[-1][7] == "已办结"


def test_the_unit_workbench_shows_its_open_notices(cast, client, notices):
    client.force_login(cast.zhujian_lead)
    html = client.get(reverse("workbench")).content.decode()
    assert 'data-testid="panel-unit-notices"' in html
    assert notices["new"].number in html and notices["yingji"].number not in html
    assert notices["closed"].number not in html


def test_the_office_workbench_counts_open_notices_by_state(cast, client, notices):
    from portal.supervision.services import notice_reply

    notice_reply(
        actor=cast.office, notice=notices["new"], reason="原因", measures="措施", committed_on=TODAY
    )
    client.force_login(cast.office)
    response = client.get(reverse("workbench"))
    panel = next(p for p in response.context["panels"] if p.template.endswith("office.html"))
    assert panel.context["counts"] == {"issued": 3, "replied": 1, "escalated": 1}
    assert 'data-testid="panel-office-notices"' in response.content.decode()


def test_the_auditor_has_no_notice_panel(cast, client, notices):
    client.force_login(cast.auditor)
    html = client.get(reverse("workbench")).content.decode()
    assert "panel-office-notices" not in html and "panel-unit-notices" not in html


def test_a_notice_the_engine_issued_is_listed_replied_and_printed(cast, client):
    from portal.deadlines import sweep
    from portal.supervision.services import notice_reply
    from tests.tasks.factories import MilestoneFactory, make_task

    due = TODAY - datetime.timedelta(days=1)
    MilestoneFactory(task=make_task(lead=cast.zhujian_unit, co=[cast.yingji_unit]), due_on=due)
    sweep(now=timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9))))
    notice = SupervisionNotice.objects.get()
    client.force_login(cast.zhujian_lead)
    assert numbers(client.get(LIST_URL)) == [notice.number]
    notice_reply(
        actor=cast.zhujian_lead, notice=notice, reason="原因", measures="措施", committed_on=TODAY
    )
    html = client.get(reverse("supervision:notice-print", args=[notice.pk])).content.decode()
    assert notice.number in html and "市应急管理局" in html  # the co-unit


def test_the_reply_date_on_the_document_is_the_local_date(cast):
    from portal.supervision.documents import notice_document

    notice = SupervisionNoticeFactory(
        unit=cast.zhujian_unit,
        replied_at=datetime.datetime(2019, 7, 1, 17, 0, tzinfo=datetime.UTC),  # 01:00 in Shouguang
        reply_reason="原因",
    )
    assert notice_document(notice).replied_on == "2019年7月2日"


def test_filtering_with_htmx_returns_only_the_rows(cast, client, notices):
    client.force_login(cast.office)
    response = client.get(LIST_URL, {"state": "closed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="list-table"' in html
    assert notices["closed"].number in html and 'hx-swap-oob="true"' in html


def test_api_list_query_count_is_constant_for_10_and_60_notices(cast):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cast.zhujian)

    def grow(n):
        while SupervisionNotice.objects.count() < n:
            SupervisionNoticeFactory(unit=cast.zhujian_unit)

    def fetch():
        response = api.get(reverse("supervisionnotice-list"), {"page_size": 100})
        assert response.status_code == 200
        return response

    grow(10)
    fetch()
    assert_constant_queries(grow, fetch, sizes=(10, 60))


@pytest.mark.parametrize(
    "model", ["supervision_supervisionnotice", "supervision_deadlineevent", "portal_yearcounter"]
)
def test_admin_lists_open(cast, client, notices, model):
    client.force_login(cast.admin)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_admin_notice_page_opens_with_engine_fields_read_only(cast, client, notices):
    client.force_login(cast.admin)
    url = reverse("admin:supervision_supervisionnotice_change", args=[notices["new"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="state"' not in response.content.decode()
