"""The enterprise roster's services: create, update, deactivate, supervisor routing, sharing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from portal.permissions import forget_scope, restrict
from responsibilities.choices import SupervisionKind
from responsibilities.models import Enterprise
from responsibilities.services.enterprises import (
    enterprise_create,
    enterprise_deactivate,
    enterprise_share,
    enterprise_shares,
    enterprise_unshare,
    enterprise_update,
)
from responsibilities.services.units import org_unit_ensure_group
from tests.responsibilities.factories import (
    EnterpriseFactory,
    GridFactory,
    GridOfficerFactory,
    IndustryFactory,
    OrgUnitFactory,
    SupervisionDutyFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


def _fields(cast, **extra):
    return {
        "name": "寿光市侯镇示例化工有限公司",
        "credit_code": make_credit_code(),
        "industry": IndustryFactory(name="危险化学品"),
        "township": cast.houzhen_unit,
        **extra,
    }


def _in_unit_group(user, unit):
    """What ``membership_add`` does for real members: the person joins the unit's group."""
    user.groups.add(org_unit_ensure_group(unit=unit))
    forget_scope(user)


def _visible(user, enterprise) -> bool:
    forget_scope(user)
    return restrict(Enterprise.objects.filter(pk=enterprise.pk), user, "view").exists()


# --- create and routing ------------------------------------------------------------------------


def test_office_creates_enterprise_with_history_and_the_township_as_territorial_supervisor(cast):
    enterprise = enterprise_create(actor=cast.office, **_fields(cast))

    assert enterprise.pk
    assert enterprise.territorial_supervisor == cast.houzhen_unit
    record = enterprise.history.get()
    assert record.history_type == "+"
    assert record.history_user == cast.office


def test_empty_supervisors_are_routed_from_the_supervision_duties(cast):
    chemicals = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=chemicals, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)
    fire = OrgUnitFactory(name="市消防救援大队")
    SupervisionDutyFactory(industry=chemicals, unit=fire, kind=SupervisionKind.PROFESSIONAL)

    enterprise = enterprise_create(actor=cast.office, **_fields(cast, industry=chemicals))

    assert enterprise.industry_supervisor == cast.yingji_unit
    assert enterprise.professional_supervisor == fire


def test_a_sub_industry_without_duties_inherits_its_parent_industrys_supervisor(cast):
    construction = IndustryFactory(name="建筑施工")
    SupervisionDutyFactory(
        industry=construction, unit=cast.zhujian_unit, kind=SupervisionKind.INDUSTRY
    )
    sites = IndustryFactory(name="房屋建筑工地", parent=construction)

    enterprise = enterprise_create(actor=cast.office, **_fields(cast, industry=sites))

    assert enterprise.industry_supervisor == cast.zhujian_unit
    assert enterprise.professional_supervisor is None


def test_supervisors_given_on_the_form_win_over_the_duties(cast):
    chemicals = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=chemicals, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)

    enterprise = enterprise_create(
        actor=cast.office,
        **_fields(cast, industry=chemicals, industry_supervisor=cast.zhujian_unit),
    )

    assert enterprise.industry_supervisor == cast.zhujian_unit


def test_invalid_credit_code_is_rejected_and_nothing_saved(cast):
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=cast.office, **_fields(cast, credit_code="91370783MA3C0000X0"))

    assert "credit_code" in exc.value.message_dict
    assert not Enterprise.objects.exists()


def test_credit_code_is_stored_normalised(cast):
    code = make_credit_code()
    enterprise = enterprise_create(
        actor=cast.office, **_fields(cast, credit_code=f" {code.lower()} ")
    )
    assert enterprise.credit_code == code


def test_coordinates_must_come_in_pairs(cast):
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=cast.office, **_fields(cast, latitude="36.880000"))
    assert "longitude" in exc.value.message_dict


def test_grid_must_lie_in_the_enterprises_township(cast):
    grid = GridFactory(township=cast.yangkou_unit)
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=cast.office, **_fields(cast, grid=grid))
    assert "grid" in exc.value.message_dict


def test_township_staff_add_enterprises_in_their_own_township(cast):
    enterprise = enterprise_create(actor=cast.houzhen, **_fields(cast))
    assert enterprise.township == cast.houzhen_unit


def test_township_staff_cannot_add_enterprises_in_another_township(cast):
    with pytest.raises(PermissionDenied):
        enterprise_create(actor=cast.houzhen, **_fields(cast, township=cast.yangkou_unit))
    assert not Enterprise.objects.exists()


def test_bureau_staff_and_auditors_cannot_add_enterprises(cast):
    for actor in (cast.zhujian, cast.auditor):
        with pytest.raises(PermissionDenied):
            enterprise_create(actor=actor, **_fields(cast))
    assert not Enterprise.objects.exists()


# --- update and deactivate ---------------------------------------------------------------------


def test_bureau_staff_change_an_enterprise_they_supervise(cast):
    enterprise = EnterpriseFactory(
        township=cast.yangkou_unit, industry_supervisor=cast.zhujian_unit
    )

    enterprise_update(actor=cast.zhujian, enterprise=enterprise, phone="0536-5550000")

    enterprise.refresh_from_db()
    assert enterprise.phone == "0536-5550000"
    assert enterprise.history.latest().history_user == cast.zhujian


def test_bureau_staff_cannot_change_other_units_enterprise(cast):
    enterprise = EnterpriseFactory(township=cast.yangkou_unit, industry_supervisor=cast.yingji_unit)

    with pytest.raises(PermissionDenied):
        enterprise_update(actor=cast.zhujian, enterprise=enterprise, phone="0536-5550000")

    enterprise.refresh_from_db()
    assert enterprise.phone == ""


def test_moving_to_another_township_moves_the_territorial_supervisor(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)

    enterprise_update(actor=cast.office, enterprise=enterprise, township=cast.yangkou_unit)

    enterprise.refresh_from_db()
    assert enterprise.territorial_supervisor == cast.yangkou_unit


def test_only_the_office_deactivates_an_enterprise(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)

    with pytest.raises(PermissionDenied):
        enterprise_deactivate(actor=cast.houzhen, enterprise=enterprise)
    enterprise_deactivate(actor=cast.office, enterprise=enterprise, reason="已关停")

    enterprise.refresh_from_db()
    assert enterprise.is_active is False
    assert enterprise.history.latest().history_change_reason == "已关停"


# --- sharing -----------------------------------------------------------------------------------


def test_sharing_a_houzhen_enterprise_with_zhujian_lets_its_staff_see_it_until_unshared(cast):
    _in_unit_group(cast.zhujian, cast.zhujian_unit)
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    assert not _visible(cast.zhujian, enterprise)

    enterprise_share(actor=cast.office, enterprise=enterprise, unit=cast.zhujian_unit)

    assert _visible(cast.zhujian, enterprise)
    assert not restrict(Enterprise.objects.filter(pk=enterprise.pk), cast.zhujian, "change")
    assert not _visible(cast.yingji, enterprise)
    [share] = enterprise_shares(enterprise=enterprise)
    assert share.unit == cast.zhujian_unit and share.actions == ["view"]

    enterprise_unshare(actor=cast.office, enterprise=enterprise, unit=cast.zhujian_unit)

    assert not _visible(cast.zhujian, enterprise)
    assert enterprise_shares(enterprise=enterprise) == []
    reasons = list(enterprise.history.values_list("history_change_reason", flat=True))
    assert any("共享给市住建局" in (r or "") for r in reasons)


def test_a_shared_enterprise_shows_on_the_list_page_and_api_of_the_unit(cast, client):
    _in_unit_group(cast.zhujian, cast.zhujian_unit)
    enterprise = EnterpriseFactory(township=cast.houzhen_unit, name="侯镇共享测试企业")
    enterprise_share(actor=cast.office, enterprise=enterprise, unit=cast.zhujian_unit)
    forget_scope(cast.zhujian)

    client.force_login(cast.zhujian)
    assert "侯镇共享测试企业" in client.get(reverse("responsibilities:enterprise-list")).text
    api = APIClient()
    api.force_authenticate(cast.zhujian)
    assert api.get(reverse("enterprise-detail", args=[enterprise.pk])).status_code == 200


def test_sharing_change_with_a_delegate_lets_that_person_edit(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)

    enterprise_share(actor=cast.office, enterprise=enterprise, user=cast.yingji, actions=["change"])

    forget_scope(cast.yingji)
    enterprise_update(actor=cast.yingji, enterprise=enterprise, phone="0536-5551111")
    enterprise.refresh_from_db()
    assert enterprise.phone == "0536-5551111"
    [share] = enterprise_shares(enterprise=enterprise)
    assert share.user == cast.yingji and set(share.actions) == {"view", "change"}


def test_only_the_office_shares(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    with pytest.raises(PermissionDenied):
        enterprise_share(actor=cast.houzhen, enterprise=enterprise, unit=cast.zhujian_unit)
    assert enterprise_shares(enterprise=enterprise) == []


def test_share_needs_exactly_one_of_unit_or_person(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    with pytest.raises(ValidationError):
        enterprise_share(actor=cast.office, enterprise=enterprise)
    with pytest.raises(ValidationError):
        enterprise_share(
            actor=cast.office, enterprise=enterprise, unit=cast.zhujian_unit, user=cast.yingji
        )
    with pytest.raises(ValidationError):
        enterprise_share(
            actor=cast.office, enterprise=enterprise, unit=cast.zhujian_unit, actions=["delete"]
        )


# --- pages and API -----------------------------------------------------------------------------


def test_detail_page_shows_supervisors_grid_officers_location_and_shares_to_the_office(
    cast, client
):
    grid = GridFactory(township=cast.houzhen_unit, name="侯镇第一网格")
    GridOfficerFactory(grid=grid, name="王网格")
    enterprise = EnterpriseFactory(
        township=cast.houzhen_unit,
        grid=grid,
        industry_supervisor=cast.zhujian_unit,
        latitude="36.880000",
        longitude="118.790000",
    )
    enterprise_share(actor=cast.office, enterprise=enterprise, unit=cast.yingji_unit)

    client.force_login(cast.office)
    page = client.get(enterprise.get_absolute_url()).text

    assert "市住建局" in page and "王网格" in page and "enterprise-map" in page
    assert 'data-testid="shares"' in page and "市应急管理局" in page


def test_detail_page_hides_shares_from_unit_members(cast, client):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    page = client.get(enterprise.get_absolute_url()).text
    assert 'data-testid="shares"' not in page


def test_share_page_is_the_offices_only(cast, client):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    assert (
        client.get(reverse("responsibilities:enterprise-share", args=[enterprise.pk])).status_code
        == 403
    )
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:enterprise-share", args=[enterprise.pk]),
        {"op": "share", "unit": cast.zhujian_unit.pk, "actions": ["view"]},
    )
    assert response.status_code == 302
    assert [s.unit for s in enterprise_shares(enterprise=enterprise)] == [cast.zhujian_unit]


def test_create_page_saves_through_the_service_and_routes_supervisors(cast, client):
    chemicals = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=chemicals, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)
    code = make_credit_code()
    client.force_login(cast.houzhen)

    response = client.post(
        reverse("responsibilities:enterprise-create"),
        {
            "name": "侯镇新建企业",
            "credit_code": code,
            "industry": chemicals.pk,
            "township": cast.houzhen_unit.pk,
            "location_lat": "36.88",
            "location_lon": "118.79",
        },
    )

    assert response.status_code == 302, response.content.decode()
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.industry_supervisor == cast.yingji_unit
    assert enterprise.territorial_supervisor == cast.houzhen_unit
    assert (str(enterprise.latitude), str(enterprise.longitude)) == ("36.880000", "118.790000")
    assert response["Location"] == enterprise.get_absolute_url()


def test_create_page_names_a_half_given_location(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:enterprise-create"),
        {
            "name": "只有纬度的企业",
            "credit_code": make_credit_code(),
            "industry": IndustryFactory().pk,
            "township": cast.houzhen_unit.pk,
            "location_lat": "36.88",
        },
    )
    assert response.status_code == 200
    assert 'data-field-error="location"' in response.text
    assert not Enterprise.objects.exists()


def test_create_page_shows_a_bad_credit_code_on_its_field(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:enterprise-create"),
        {
            "name": "坏代码企业",
            "credit_code": "12345",
            "industry": IndustryFactory().pk,
            "township": cast.houzhen_unit.pk,
        },
    )
    assert response.status_code == 200
    assert 'data-field-error="credit_code"' in response.text
    assert not Enterprise.objects.exists()


def test_list_filters_by_township_supervisor_and_search(cast, client):
    a = EnterpriseFactory(township=cast.houzhen_unit, name="甲化工", is_high_risk=True)
    b = EnterpriseFactory(
        township=cast.yangkou_unit, name="乙商场", industry_supervisor=cast.zhujian_unit
    )
    client.force_login(cast.office)
    url = reverse("responsibilities:enterprise-list")

    def names(**params):
        return {o.name for o in client.get(url, params).context["object_list"]}

    assert names(township=cast.houzhen_unit.pk) == {a.name}
    assert names(supervisor=cast.zhujian_unit.pk) == {b.name}
    assert names(industry_supervisor=cast.zhujian_unit.pk) == {b.name}
    assert names(is_high_risk="true") == {a.name}
    assert names(q="乙") == {b.name}
    assert names(q=b.credit_code.lower()) == {b.name}


def test_api_creates_through_the_service_and_filters_like_the_page(cast):
    chemicals = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=chemicals, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)
    api = APIClient()
    api.force_authenticate(cast.office)

    response = api.post(
        reverse("enterprise-list"),
        {
            "name": "接口新建企业",
            "credit_code": make_credit_code(),
            "industry": chemicals.pk,
            "township": cast.houzhen_unit.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["industry_supervisor_name"] == "市应急管理局"
    listed = api.get(reverse("enterprise-list"), {"supervisor": cast.yingji_unit.pk}).json()
    assert [row["name"] for row in listed["results"]] == ["接口新建企业"]


def test_api_rejects_an_invalid_credit_code_naming_the_field(cast):
    api = APIClient()
    api.force_authenticate(cast.office)
    response = api.post(
        reverse("enterprise-list"),
        {
            "name": "坏代码",
            "credit_code": "91370783MA3C0000X0",
            "industry": IndustryFactory().pk,
            "township": cast.houzhen_unit.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()


def test_api_delete_deactivates_and_is_the_offices_only(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    api = APIClient()
    api.force_authenticate(cast.houzhen)
    assert api.delete(reverse("enterprise-detail", args=[enterprise.pk])).status_code in (403, 404)
    api.force_authenticate(cast.office)
    assert api.delete(reverse("enterprise-detail", args=[enterprise.pk])).status_code == 204
    enterprise.refresh_from_db()
    assert enterprise.is_active is False


# --- export ------------------------------------------------------------------------------------


def _export(client, **params):
    from io import BytesIO

    import openpyxl

    response = client.get(reverse("reports:export", args=["enterprises"]), params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return content, list(openpyxl.load_workbook(BytesIO(content)).active.values)


def test_export_follows_the_list_filters_and_the_users_scope(cast, client):
    EnterpriseFactory(township=cast.houzhen_unit, name="侯镇高危企业", is_high_risk=True)
    EnterpriseFactory(township=cast.houzhen_unit, name="侯镇普通企业")
    EnterpriseFactory(township=cast.yangkou_unit, name="羊口高危企业", is_high_risk=True)

    client.force_login(cast.office)
    page = client.get(reverse("responsibilities:enterprise-list"), {"is_high_risk": "true"})
    assert page.context["export_href"] == "/reports/export/enterprises/?is_high_risk=true"
    _content, rows = _export(client, is_high_risk="true")
    assert rows[0][:4] == ("单位名称", "统一社会信用代码", "行业", "所属镇街区")
    assert {r[0] for r in rows[1:]} == {"侯镇高危企业", "羊口高危企业"}

    client.force_login(cast.houzhen)
    _content, rows = _export(client)
    assert {r[0] for r in rows[1:]} == {"侯镇高危企业", "侯镇普通企业"}


def test_an_exported_sheet_imports_again_as_updates(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from responsibilities.services.enterprises import enterprises_import

    grid = GridFactory(township=cast.houzhen_unit, code="HZ-RT-01")
    EnterpriseFactory(
        township=cast.houzhen_unit,
        grid=grid,
        scale="small",
        is_high_risk=True,
        latitude="36.880000",
        longitude="118.790000",
        industry_supervisor=cast.zhujian_unit,
    )
    client.force_login(cast.office)
    content, _rows = _export(client)

    result = enterprises_import(
        actor=cast.office, file=SimpleUploadedFile("export.xlsx", content), dry_run=False
    )

    assert result.saved, result.errors
    assert result.update_count == 1 and result.new_count == 0
    assert "在营" in result.ignored_columns


def test_form_offers_township_staff_only_their_township(cast, client):
    client.force_login(cast.houzhen)
    form = client.get(reverse("responsibilities:enterprise-create")).context["form"]
    assert list(form.fields["township"].queryset) == [cast.houzhen_unit]


def test_edit_form_keeps_the_current_township_for_a_supervising_bureau(cast, client):
    enterprise = EnterpriseFactory(
        township=cast.yangkou_unit, industry_supervisor=cast.zhujian_unit
    )
    client.force_login(cast.zhujian)
    form = client.get(reverse("responsibilities:enterprise-edit", args=[enterprise.pk])).context[
        "form"
    ]
    assert list(form.fields["township"].queryset) == [cast.yangkou_unit]


def test_bureau_staff_get_no_create_page(cast, client):
    client.force_login(cast.zhujian)
    assert client.get(reverse("responsibilities:enterprise-create")).status_code == 403
    assert client.get(reverse("responsibilities:enterprise-import")).status_code == 403


def test_a_supervising_bureau_cannot_move_an_enterprise_to_another_township(cast):
    enterprise = EnterpriseFactory(
        township=cast.yangkou_unit, industry_supervisor=cast.zhujian_unit
    )

    with pytest.raises(PermissionDenied):
        enterprise_update(actor=cast.zhujian, enterprise=enterprise, township=cast.houzhen_unit)

    enterprise.refresh_from_db()
    assert enterprise.township == cast.yangkou_unit


def test_share_page_lists_and_withdraws_grants(cast, client):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    enterprise_share(actor=cast.office, enterprise=enterprise, user=cast.yingji)
    assign_perm("view_enterprise", Group.objects.create(name="专项检查组"), enterprise)
    client.force_login(cast.office)
    url = reverse("responsibilities:enterprise-share", args=[enterprise.pk])

    page = client.get(url).text
    assert "t-yingji" in page and "专项检查组" in page

    response = client.post(url, {"op": "unshare", "user": cast.yingji.pk})
    assert response.status_code == 302
    assert [s.label for s in enterprise_shares(enterprise=enterprise)] == ["专项检查组"]
