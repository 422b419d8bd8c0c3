"""The hazard ledger's pages: the list in scope with its filters and a constant query count,
recording a hazard on the phone form with photos, editing, and a hazard's page and photos."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.choices import HazardGrade, HazardState, PhotoKind
from hazards.models import Hazard, HazardPhoto
from tests.hazards.factories import CampaignFactory, HazardFactory, a_png
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("hazards:hazard-list")
CREATE = reverse("hazards:hazard-create")


def codes(response) -> set[str]:
    return {hazard.code for hazard in response.context["object_list"]}


def test_township_sees_the_hazards_in_its_territory_only(client, cast):
    own = HazardFactory(township=cast.houzhen_unit)
    other = HazardFactory(township=cast.yangkou_unit)
    client.force_login(cast.houzhen)
    response = client.get(LIST)
    assert response.status_code == 200
    assert codes(response) == {own.code}
    assert other.code not in response.content.decode()


def test_bureau_sees_hazards_it_rectifies_or_supervises(client, cast):
    rectifies = HazardFactory(
        township=cast.yangkou_unit, responsible_unit=cast.zhujian_unit, state="confirmed"
    )
    supervises = HazardFactory(
        township=cast.yangkou_unit,
        responsible_unit=cast.yingji_unit,
        supervising_unit=cast.zhujian_unit,
        state="confirmed",
    )
    HazardFactory(township=cast.yangkou_unit)
    client.force_login(cast.zhujian)
    assert codes(client.get(LIST)) == {rectifies.code, supervises.code}


def test_list_filters_by_grade_state_township_campaign_and_words(client, cast):
    campaign = CampaignFactory()
    major = HazardFactory(
        township=cast.houzhen_unit, grade=HazardGrade.MAJOR, description="配电箱无漏电保护"
    )
    in_campaign = HazardFactory(township=cast.yangkou_unit, campaign=campaign)
    closed = HazardFactory(township=cast.yangkou_unit, state=HazardState.CLOSED)
    client.force_login(cast.office)
    assert codes(client.get(LIST, {"grade": "major"})) == {major.code}
    assert codes(client.get(LIST, {"state": "closed"})) == {closed.code}
    assert codes(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {major.code}
    assert codes(client.get(LIST, {"campaign": campaign.pk})) == {in_campaign.code}
    assert codes(client.get(LIST, {"q": "漏电"})) == {major.code}
    assert codes(client.get(LIST, {"q": major.code})) == {major.code}


def test_overdue_filter_and_the_deadline_in_red(client, cast):
    today = timezone.localdate()
    late = HazardFactory(
        township=cast.houzhen_unit,
        state=HazardState.RECTIFYING,
        responsible_unit=cast.zhujian_unit,
        deadline=today - datetime.timedelta(days=3),
    )
    HazardFactory(  # closed after its deadline: not overdue any more
        township=cast.houzhen_unit,
        state=HazardState.CLOSED,
        deadline=today - datetime.timedelta(days=3),
    )
    on_time = HazardFactory(
        township=cast.houzhen_unit,
        state=HazardState.RECTIFYING,
        deadline=today + datetime.timedelta(days=3),
    )
    client.force_login(cast.office)
    response = client.get(LIST, {"overdue": "true"})
    assert codes(response) == {late.code}
    assert 'data-testid="deadline-overdue"' in response.content.decode()
    assert on_time.code in codes(client.get(LIST, {"overdue": "false"}))


def test_found_date_range_filter(client, cast):
    today = timezone.localdate()
    old = HazardFactory(township=cast.houzhen_unit, found_on=today - datetime.timedelta(days=40))
    new = HazardFactory(township=cast.houzhen_unit, found_on=today)
    client.force_login(cast.office)
    since = (today - datetime.timedelta(days=7)).isoformat()
    assert codes(client.get(LIST, {"found_from": since})) == {new.code}
    assert codes(client.get(LIST, {"found_to": since})) == {old.code}


def test_invalid_filter_value_is_not_a_500(client, cast):
    HazardFactory(township=cast.houzhen_unit)
    client.force_login(cast.office)
    response = client.get(LIST, {"township": "abc", "found_from": "not-a-date"})
    assert response.status_code == 200


def test_list_has_export_import_and_create_for_the_office(client, cast):
    client.force_login(cast.office)
    body = client.get(LIST).content.decode()
    assert reverse("reports:export", args=["hazards"]) in body
    assert f'href="{CREATE}"' in body


def test_auditor_reads_the_ledger_but_cannot_record(client, cast):
    HazardFactory(township=cast.houzhen_unit)
    client.force_login(cast.auditor)
    response = client.get(LIST)
    assert len(codes(response)) == 1
    assert f'href="{CREATE}"' not in response.content.decode()
    assert client.get(CREATE).status_code == 403


def test_list_query_count_is_the_same_for_10_and_60_hazards(client, cast):
    client.force_login(cast.zhujian)
    client.get(LIST)  # warm the session and scope

    def grow(n):
        missing = n - Hazard.objects.count()
        for _ in range(missing):
            HazardFactory(
                township=cast.houzhen_unit,
                responsible_unit=cast.zhujian_unit,
                supervising_unit=cast.yingji_unit,
                state=HazardState.RECTIFYING,
                deadline=timezone.localdate(),
            )

    def fetch():
        response = client.get(LIST, {"page_size": 100})
        assert response.status_code == 200
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 60))


# --- recording and editing ----------------------------------------------------------------


def test_create_form_is_made_for_a_phone(client, cast):
    client.force_login(cast.houzhen)
    response = client.get(CREATE)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in body
    assert 'capture="environment"' in body
    assert 'accept="image/*"' in body
    assert "multiple" in body
    assert "data-point-locate" in body  # 使用当前位置
    assert response.context["form"].initial["township"] == cast.houzhen_unit.pk


def test_township_records_a_hazard_with_photos_and_a_point(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE,
        {
            "township": cast.houzhen_unit.pk,
            "address": "侯镇政府驻地北500米",
            "location_lat": "37.051234",
            "location_lon": "118.912345",
            "description": "厂房消防通道堆放杂物",
            "grade": "general",
            "source": "inspection",
            "found_on": timezone.localdate().isoformat(),
            "found_by": "李四",
            "photos": [a_png("一.png"), a_png("二.png")],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == hazard.get_absolute_url()
    assert hazard.code.startswith(f"YH-{timezone.localdate().year}-")
    assert hazard.state == HazardState.REPORTED
    assert str(hazard.latitude) == "37.051234"
    assert hazard.reporting_unit == cast.houzhen_unit
    assert hazard.photos.filter(kind=PhotoKind.BEFORE).count() == 2


def test_a_file_that_is_not_an_image_is_refused_on_the_form(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.houzhen)
    response = client.post(
        CREATE,
        {
            "township": cast.houzhen_unit.pk,
            "address": "侯镇",
            "description": "配电箱破损",
            "grade": "general",
            "source": "inspection",
            "found_on": timezone.localdate().isoformat(),
            "photos": [SimpleUploadedFile("照片.png", b"MZ not an image")],
        },
    )
    assert response.status_code == 200
    assert "照片.png" in response.content.decode()
    assert not Hazard.objects.exists()


def test_missing_fields_are_named_and_nothing_is_saved(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, {"township": cast.houzhen_unit.pk, "location_lat": "37"})
    assert response.status_code == 200
    form = response.context["form"]
    assert {"address", "description", "location"} <= set(form.errors)
    assert not Hazard.objects.exists()


def test_edit_changes_the_description_and_a_closed_hazard_cannot_be_edited(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    url = reverse("hazards:hazard-edit", args=[hazard.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "location"}
    data.update(description="改：消防通道堆放杂物", found_on=hazard.found_on.isoformat())
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    hazard.refresh_from_db()
    assert hazard.description == "改：消防通道堆放杂物"

    Hazard.objects.filter(pk=hazard.pk).update(state=HazardState.CLOSED)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已销号的隐患不能修改" in response.content.decode()
    assert 'data-testid="edit"' not in client.get(hazard.get_absolute_url()).content.decode()


def test_other_township_cannot_open_or_edit_a_hazard(client, cast):
    hazard = HazardFactory(township=cast.yangkou_unit)
    client.force_login(cast.houzhen)
    assert client.get(hazard.get_absolute_url()).status_code == 404
    assert client.get(reverse("hazards:hazard-edit", args=[hazard.pk])).status_code == 404


# --- a hazard's page ----------------------------------------------------------------------


def test_detail_shows_five_photos_timeline_and_history(client, cast):
    from hazards.services import hazard_report

    hazard = hazard_report(
        actor=cast.houzhen,
        township=cast.houzhen_unit,
        address="侯镇",
        description="厂房消防通道堆放杂物",
        found_on=timezone.localdate(),
        photos=[a_png()],
    )
    client.force_login(cast.office)
    response = client.get(hazard.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="five"' in body and "预案落实" in body
    assert body.count('data-testid="photo"') == 1
    assert 'data-kind="report"' in body
    assert 'data-testid="history"' in body


def test_photo_is_served_to_those_who_see_the_hazard_only(client, cast):
    from hazards.services import hazard_report

    hazard = hazard_report(
        actor=cast.houzhen,
        township=cast.houzhen_unit,
        address="侯镇",
        description="厂房消防通道堆放杂物",
        found_on=timezone.localdate(),
        photos=[a_png()],
    )
    photo = HazardPhoto.objects.get(hazard=hazard)
    url = reverse("hazards:hazard-photo", args=[photo.pk])
    client.force_login(cast.houzhen)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(cast.zhujian)
    assert client.get(url).status_code == 404


def test_filter_change_with_htmx_answers_the_rows_only(client, cast):
    HazardFactory(township=cast.houzhen_unit, grade=HazardGrade.MAJOR)
    client.force_login(cast.office)
    response = client.get(LIST, {"grade": "major"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="hazard-row"' in body
    assert 'data-testid="filters"' not in body
    assert 'hx-swap-oob="true"' in body and "grade=major" in body  # the export link follows


def test_hazard_page_query_count_does_not_grow_with_its_events_and_photos(client, cast):
    from hazards.services import hazard_add_photos, hazard_report
    from tests.querycount import count_queries

    hazard = hazard_report(
        actor=cast.houzhen,
        township=cast.houzhen_unit,
        address="侯镇",
        description="厂房消防通道堆放杂物",
        found_on=timezone.localdate(),
        photos=[a_png()],
    )
    client.force_login(cast.office)
    client.get(hazard.get_absolute_url())
    few, _, _ = count_queries(lambda: client.get(hazard.get_absolute_url()))
    for _ in range(3):
        hazard_add_photos(actor=cast.houzhen, hazard=hazard, kind=PhotoKind.BEFORE, files=[a_png()])
    many, response, _ = count_queries(lambda: client.get(hazard.get_absolute_url()))
    assert response.content.decode().count('data-testid="photo"') == 4
    assert len(response.context["events"]) >= 4
    assert many == few
