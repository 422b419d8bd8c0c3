"""Unit, grid and duty pages, the units API, the admin, and their query budgets."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from responsibilities.models import GridOfficer, Membership, OrgUnit, SupervisionDuty
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import (
    GridFactory,
    GridOfficerFactory,
    IndustryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _grow_units(n):
    """Bring the number of units up to ``n`` (history is not what these tests measure)."""
    missing = n - OrgUnit.objects.count()
    OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"市批量局{OrgUnit.objects.count() + i}",
            kind=OrgUnit.Kind.BUREAU,
            aliases=[f"批量{i}"],
        )
        for i in range(max(missing, 0))
    )


# --- unit list ------------------------------------------------------------------------------


def test_unit_list_shows_columns_and_filters_by_kind(cast, client):
    client.force_login(cast.zhujian)
    response = client.get(reverse("responsibilities:unit-list"), {"kind": "township"})
    assert response.status_code == 200
    body = response.content.decode()
    for header in ("名称", "简称", "类别", "安委会成员单位", "联系人", "电话"):
        assert f'<th scope="col">{header}</th>' in body
    assert "侯镇" in body and "羊口镇" in body
    assert "市住建局" not in body.split('data-testid="list-table"')[1]


def test_unit_list_searches_aliases(cast, client):
    cast.zhujian_unit.aliases = ["市住房和城乡建设局"]
    cast.zhujian_unit.save()
    client.force_login(cast.auditor)
    response = client.get(reverse("responsibilities:unit-list"), {"q": "城乡建设"})
    assert [u.name for u in response.context["object_list"]] == ["市住建局"]


def test_unit_list_filters_committee_members(cast, client):
    client.force_login(cast.office)
    response = client.get(reverse("responsibilities:unit-list"), {"is_committee_member": "false"})
    names = {u.name for u in response.context["object_list"]}
    assert names == {"侯镇", "羊口镇"}


def test_unit_list_offers_create_to_the_office_only(cast, client):
    client.force_login(cast.office)
    assert 'data-testid="create"' in client.get("/units/").content.decode()
    client.force_login(cast.zhujian)
    assert 'data-testid="create"' not in client.get("/units/").content.decode()


@pytest.mark.slow
def test_unit_list_page_runs_constant_queries(cast, client):
    client.force_login(cast.zhujian)

    def fetch():
        response = client.get(reverse("responsibilities:unit-list"), {"q": "局"})
        assert response.status_code == 200
        expected = min(25, OrgUnit.objects.filter(name__contains="局").count())
        assert len(response.context["object_list"]) == expected

    assert_constant_queries(_grow_units, fetch)


# --- unit detail, create, edit, members -----------------------------------------------------


def test_unit_detail_shows_members_duties_and_enterprise_counts(cast, client):
    industry = IndustryFactory(name="建筑施工")
    SupervisionDuty.objects.create(industry=industry, kind="industry", unit=cast.zhujian_unit)
    client.force_login(cast.zhujian)
    response = client.get(cast.zhujian_unit.get_absolute_url())
    body = response.content.decode()
    assert "t-zhujian-lead" in body
    assert "建筑施工" in body
    assert 'data-testid="unit-enterprises"' in body
    assert 'data-testid="member-add"' not in body  # only the office manages members


def test_office_creates_a_unit_on_the_page(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:unit-create"),
        {
            "name": "市城管局",
            "short_name": "城管局",
            "aliases": "综合行政执法局、市综合行政执法局",
            "kind": "bureau",
            "is_committee_member": "on",
            "sort_order": "100",
            "is_active": "on",
        },
    )
    unit = OrgUnit.objects.get(name="市城管局")
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    assert unit.aliases == ["综合行政执法局", "市综合行政执法局"]
    assert unit.group.name == f"unit:{unit.pk}"


def test_unit_create_page_is_forbidden_to_bureau_staff(cast, client):
    client.force_login(cast.zhujian)
    assert client.get(reverse("responsibilities:unit-create")).status_code == 403


def test_duplicate_alias_on_the_page_names_the_field(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:unit-create"),
        {"name": "市另一局", "aliases": "住建局", "kind": "bureau", "sort_order": "1"},
    )
    assert response.status_code == 200
    assert "市住建局" in " ".join(response.context["form"].errors["aliases"])
    assert not OrgUnit.objects.filter(name="市另一局").exists()


def test_staff_edit_form_has_only_contact_fields(cast, client):
    client.force_login(cast.zhujian)
    url = reverse("responsibilities:unit-edit", args=[cast.zhujian_unit.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"contact_person", "phone", "email", "address"}
    response = client.post(url, {"phone": "0536-5201234", "name": "改名"})
    assert response.status_code == 302
    cast.zhujian_unit.refresh_from_db()
    assert cast.zhujian_unit.phone == "0536-5201234"
    assert cast.zhujian_unit.name == "市住建局"


def test_office_adds_and_removes_a_member_with_htmx(cast, client):
    newcomer = UserFactory(username="t-newcomer")
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:membership-add", args=[cast.yingji_unit.pk]),
        {"user": newcomer.pk, "role": "leader", "title": "副局长"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "t-newcomer" in response.content.decode()
    membership = Membership.objects.get(user=newcomer, unit=cast.yingji_unit)
    response = client.post(
        reverse("responsibilities:membership-remove", args=[cast.yingji_unit.pk, membership.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_staff_cannot_add_members(cast, client):
    client.force_login(cast.zhujian_lead)
    response = client.post(
        reverse("responsibilities:membership-add", args=[cast.zhujian_unit.pk]),
        {"user": UserFactory(username="t-x").pk, "role": "staff"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="t-x").exists()


# --- grids ------------------------------------------------------------------------------------


def test_township_staff_list_only_their_grids(cast, client):
    own = GridFactory(township=cast.houzhen_unit, name="侯镇一网格")
    GridFactory(township=cast.yangkou_unit, name="羊口一网格")
    GridOfficerFactory(grid=own)
    client.force_login(cast.houzhen)
    response = client.get(reverse("responsibilities:grid-list"))
    assert [g.name for g in response.context["object_list"]] == ["侯镇一网格"]
    assert response.context["object_list"][0].officer_count == 1


def test_township_staff_create_a_grid_and_add_an_officer(cast, client):
    client.force_login(cast.houzhen)
    response = client.post(
        reverse("responsibilities:grid-create"),
        {"name": "侯镇二网格", "code": "HZ002", "township": cast.houzhen_unit.pk},
    )
    assert response.status_code == 302
    grid = cast.houzhen_unit.grids.get(code="HZ002")
    response = client.post(
        reverse("responsibilities:gridofficer-add", args=[grid.pk]),
        {"name": "李四", "role": "chief", "phone": "13800000001"},
        HTTP_HX_REQUEST="true",
    )
    assert "李四" in response.content.decode()
    officer = GridOfficer.objects.get(grid=grid)
    client.post(
        reverse("responsibilities:gridofficer-remove", args=[officer.pk]), HTTP_HX_REQUEST="true"
    )
    assert not GridOfficer.objects.filter(pk=officer.pk).exists()


def test_grid_form_offers_township_staff_only_their_township(cast, client):
    client.force_login(cast.houzhen)
    form = client.get(reverse("responsibilities:grid-create")).context["form"]
    assert list(form.fields["township"].queryset) == [cast.houzhen_unit]


@pytest.mark.slow
def test_grid_list_page_runs_constant_queries(cast, client):
    client.force_login(cast.office)

    def grow(n):
        for i in range(GridOfficer.objects.count(), n):
            GridOfficerFactory(grid=GridFactory(township=cast.houzhen_unit), name=f"员{i}")

    def fetch():
        assert client.get(reverse("responsibilities:grid-list")).status_code == 200

    assert_constant_queries(grow, fetch, sizes=(10, 60))


# --- the division of supervision duties -------------------------------------------------------


def test_duty_table_shows_industry_by_kind(cast, client):
    industry = IndustryFactory(name="燃气")
    SupervisionDuty.objects.create(industry=industry, kind="industry", unit=cast.zhujian_unit)
    client.force_login(cast.zhujian)
    response = client.get(reverse("responsibilities:duty-list"))
    body = response.content.decode()
    assert "燃气" in body and "市住建局" in body
    assert 'data-testid="duty-edit"' not in body


def test_office_sets_a_duty_on_the_page(cast, client):
    industry = IndustryFactory(name="危险化学品")
    client.force_login(cast.office)
    url = reverse("responsibilities:duty-edit", args=[industry.pk, "professional"])
    response = client.post(url, {"unit": cast.yingji_unit.pk, "scope_note": "安全生产"})
    assert response.status_code == 302
    assert SupervisionDuty.objects.get(industry=industry, kind="professional").unit == (
        cast.yingji_unit
    )


def test_bureau_staff_cannot_open_duty_edit(cast, client):
    industry = IndustryFactory(name="特种设备")
    client.force_login(cast.zhujian)
    url = reverse("responsibilities:duty-edit", args=[industry.pk, "industry"])
    assert client.post(url, {"unit": cast.zhujian_unit.pk}).status_code == 403
    assert not SupervisionDuty.objects.filter(industry=industry).exists()


# --- API --------------------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.slow
def test_units_api_runs_constant_queries(cast):
    def fetch():
        # A fresh user object each time: the scope is cached per object.
        api = _api(type(cast.zhujian).objects.get(pk=cast.zhujian.pk))
        response = api.get("/api/units/", {"page_size": 50})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(50, OrgUnit.objects.count())

    assert_constant_queries(_grow_units, fetch)


def test_api_staff_patching_their_units_name_is_refused(cast):
    response = _api(cast.zhujian).patch(
        f"/api/units/{cast.zhujian_unit.pk}/", {"name": "改名局"}, format="json"
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=cast.zhujian_unit.pk).name == "市住建局"


def test_api_office_creates_unit_and_membership(cast):
    api = _api(cast.office)
    response = api.post(
        "/api/units/", {"name": "市水利局", "kind": "bureau", "aliases": ["水利局"]}, format="json"
    )
    assert response.status_code == 201, response.content
    unit = OrgUnit.objects.get(name="市水利局")
    assert unit.group is not None
    user = UserFactory(username="t-shuili")
    response = api.post(
        "/api/memberships/", {"user": user.pk, "unit": unit.pk, "role": "staff"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert user.groups.filter(pk=unit.group_id).exists()


def test_api_bad_unit_kind_names_the_field(cast):
    response = _api(cast.office).post("/api/units/", {"name": "市某局", "kind": "x"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_api_supervision_duty_set_replaces_the_unit(cast):
    industry = IndustryFactory(name="道路运输")
    api = _api(cast.office)
    data = {"industry": industry.pk, "kind": "industry", "unit": cast.zhujian_unit.pk}
    assert api.post("/api/supervision-duties/", data, format="json").status_code == 201
    data["unit"] = cast.yingji_unit.pk
    assert api.post("/api/supervision-duties/", data, format="json").status_code == 201
    assert SupervisionDuty.objects.get(industry=industry).unit == cast.yingji_unit


def test_api_schema_lists_unit_endpoints(cast, client):
    client.force_login(cast.office)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/units/",
        "/api/units/{id}/",
        "/api/unit-groups/",
        "/api/memberships/",
        "/api/industries/",
        "/api/supervision-duties/",
        "/api/grids/",
        "/api/grid-officers/",
    ):
        assert path in paths, path


# --- admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "orgunit",
        "unitgroup",
        "membership",
        "industry",
        "supervisionduty",
        "grid",
        "gridofficer",
        "enterprise",
        "profile",
    ],
)
def test_admin_changelists_open(cast, client, model):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    assert client.get(f"/admin/responsibilities/{model}/").status_code == 200


def test_admin_edits_a_unit_through_the_service(cast, client):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    url = f"/admin/responsibilities/orgunit/{cast.zhujian_unit.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "市住建局",
            "short_name": "住建局",
            "aliases": "市住房和城乡建设局",
            "kind": "bureau",
            "is_committee_member": "on",
            "sort_order": "100",
            "is_active": "on",
            "phone": "0536-1234567",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cast.zhujian_unit.refresh_from_db()
    assert cast.zhujian_unit.aliases == ["市住房和城乡建设局"]
    assert cast.zhujian_unit.history.first().history_user == cast.admin


def test_admin_shows_enterprise_object_permissions(cast, client):
    from tests.responsibilities.factories import EnterpriseFactory

    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    client.force_login(cast.admin)
    url = f"/admin/responsibilities/enterprise/{enterprise.pk}/permissions/"
    assert client.get(url).status_code == 200


# --- exports ----------------------------------------------------------------------------------


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_unit_export_follows_the_list_filters(cast, client):
    cast.houzhen_unit.phone = "=1+2"
    cast.houzhen_unit.save()
    client.force_login(cast.zhujian)
    list_page = client.get(reverse("responsibilities:unit-list"), {"kind": "township"})
    assert list_page.context["export_href"] == "/reports/export/units/?kind=township"
    response = client.get("/reports/export/units/", {"kind": "township", "format": "csv"})
    lines = _csv(response).splitlines()
    assert lines[0].startswith("单位名称,简称,别名,类别")
    assert {line.split(",")[0] for line in lines[1:]} == {"侯镇", "羊口镇"}
    assert "'=1+2" in _csv(client.get("/reports/export/units/", {"q": "侯镇", "format": "csv"}))


def test_grid_export_lists_officers_and_respects_scope(cast, client):
    own = GridFactory(township=cast.houzhen_unit, code="HZ01")
    GridOfficerFactory(grid=own, name="王网格长", role="chief", phone="13800000000")
    GridOfficerFactory(grid=own, name="赵网格员", role="officer")
    GridFactory(township=cast.yangkou_unit, code="YK01")
    client.force_login(cast.houzhen)
    text = _csv(client.get("/reports/export/grids/", {"format": "csv"}))
    assert "HZ01" in text and "YK01" not in text
    assert "王网格长（13800000000）" in text and "赵网格员" in text


def test_grid_export_as_xlsx_opens(cast, client):
    from io import BytesIO

    from openpyxl import load_workbook

    GridFactory(township=cast.houzhen_unit, code="HZ09")
    client.force_login(cast.office)
    response = client.get("/reports/export/grids/")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "网格编码" and rows[1][0] == "HZ09"


def test_township_detail_counts_its_enterprises_and_grids(cast, client):
    from tests.responsibilities.factories import EnterpriseFactory

    EnterpriseFactory(township=cast.houzhen_unit)
    EnterpriseFactory(township=cast.houzhen_unit, is_active=False)
    GridFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.get(cast.houzhen_unit.get_absolute_url())
    counts = {row["label"]: row for row in response.context["enterprise_counts"]}
    assert counts["属地监管"]["count"] == 1
    assert f"territorial_supervisor={cast.houzhen_unit.pk}" in counts["属地监管"]["url"]
    assert response.context["grid_count"] == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "endpoint", ["memberships", "unit-groups", "supervision-duties", "grids", "grid-officers"]
)
def test_other_unit_endpoints_run_constant_queries(cast, endpoint):
    from responsibilities.models import UnitGroup

    def grow(n):
        for i in range(GridOfficer.objects.count(), n):
            unit = OrgUnit.objects.create(name=f"市增长局{i}", kind="bureau")
            township = OrgUnit.objects.create(name=f"增长镇{i}", kind="township")
            user = UserFactory(username=f"t-grow{i}")
            Membership.objects.create(user=user, unit=unit)
            group = UnitGroup.objects.create(name=f"组{i}", rule="explicit")
            group.members.add(unit, township)
            industry = IndustryFactory(name=f"增长行业{i}")
            SupervisionDuty.objects.create(industry=industry, kind="industry", unit=unit)
            GridOfficerFactory(grid=GridFactory(township=township))

    def fetch():
        api = _api(type(cast.office).objects.get(pk=cast.office.pk))
        response = api.get(f"/api/{endpoint}/")
        assert response.status_code == 200
        assert response.json()["count"] >= 10

    assert_constant_queries(grow, fetch, sizes=(10, 60))
