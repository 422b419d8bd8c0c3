"""Units, memberships, duties and grids: the services' rules and the selectors' answers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.permissions import user_scope
from responsibilities.choices import SupervisionKind, UnitGroupRule
from responsibilities.models import GridOfficer, Membership, OrgUnit, SupervisionDuty
from responsibilities.selectors import (
    expand_unit_group,
    normalize_unit_name,
    resolve_unit_name,
    supervisor_for,
)
from responsibilities.services.units import (
    grid_create,
    grid_officer_create,
    grid_officer_remove,
    grid_officer_update,
    grid_update,
    membership_add,
    membership_remove,
    org_unit_create,
    org_unit_ensure_group,
    org_unit_update,
    supervision_duty_set,
    unit_group_create,
)
from tests.responsibilities.factories import (
    GridFactory,
    GridOfficerFactory,
    IndustryFactory,
    OrgUnitFactory,
    TownshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- units ------------------------------------------------------------------------------------


def test_office_creates_unit_with_its_permission_group(cast):
    unit = org_unit_create(
        actor=cast.office,
        name="市交通运输局",
        short_name="交通局",
        aliases=[" 市交通局 ", "市交通局"],
        kind=OrgUnit.Kind.BUREAU,
        is_committee_member=True,
    )
    assert unit.group.name == f"unit:{unit.pk}"
    assert unit.aliases == ["市交通局"]
    assert unit.history.get().history_user == cast.office


def test_ensure_group_is_idempotent(cast):
    first = org_unit_ensure_group(unit=cast.zhujian_unit)
    second = org_unit_ensure_group(unit=cast.zhujian_unit)
    assert first == second
    assert first.name == f"unit:{cast.zhujian_unit.pk}"


@pytest.mark.parametrize("role", ["zhujian", "houzhen", "auditor"])
def test_only_office_and_admin_create_units(cast, role):
    with pytest.raises(PermissionDenied):
        org_unit_create(actor=getattr(cast, role), name="市新设局", kind=OrgUnit.Kind.BUREAU)
    assert not OrgUnit.objects.filter(name="市新设局").exists()


def test_unit_name_must_be_unique_and_kind_known(cast):
    with pytest.raises(ValidationError) as exc:
        org_unit_create(actor=cast.office, name="市住建局", kind="planet")
    assert {"name", "kind"} <= set(exc.value.message_dict)


def test_alias_used_by_another_unit_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        org_unit_create(
            actor=cast.office, name="市住房局", kind=OrgUnit.Kind.BUREAU, aliases=["住建局"]
        )
    assert "市住建局" in exc.value.message_dict["aliases"][0]


def test_unit_cannot_be_its_own_ancestor(cast):
    village = OrgUnitFactory(name="东村", kind=OrgUnit.Kind.VILLAGE, parent=cast.houzhen_unit)
    with pytest.raises(ValidationError) as exc:
        org_unit_update(actor=cast.office, unit=cast.houzhen_unit, parent=village)
    assert "parent" in exc.value.message_dict
    cast.houzhen_unit.refresh_from_db()
    assert cast.houzhen_unit.parent is None


def test_staff_change_their_own_units_contact(cast):
    org_unit_update(actor=cast.zhujian, unit=cast.zhujian_unit, phone="0536-5221234")
    cast.zhujian_unit.refresh_from_db()
    assert cast.zhujian_unit.phone == "0536-5221234"
    assert cast.zhujian_unit.history.first().history_user == cast.zhujian


def test_staff_cannot_rename_their_own_unit(cast):
    with pytest.raises(PermissionDenied):
        org_unit_update(actor=cast.zhujian_lead, unit=cast.zhujian_unit, name="市住建委")
    assert OrgUnit.objects.get(pk=cast.zhujian_unit.pk).name == "市住建局"


def test_staff_cannot_change_another_units_contact(cast):
    with pytest.raises(PermissionDenied):
        org_unit_update(actor=cast.zhujian, unit=cast.yingji_unit, phone="110")
    assert OrgUnit.objects.get(pk=cast.yingji_unit.pk).phone == ""


def test_township_staff_change_their_township_contact_only(cast):
    org_unit_update(actor=cast.houzhen, unit=cast.houzhen_unit, contact_person="王主任")
    with pytest.raises(PermissionDenied):
        org_unit_update(actor=cast.houzhen, unit=cast.yangkou_unit, contact_person="王主任")


def test_auditor_changes_nothing(cast):
    with pytest.raises(PermissionDenied):
        org_unit_update(actor=cast.auditor, unit=cast.houzhen_unit, phone="1")


def test_office_renames_a_unit(cast):
    org_unit_update(actor=cast.office, unit=cast.zhujian_unit, name="市住房和城乡建设局")
    assert OrgUnit.objects.get(pk=cast.zhujian_unit.pk).name == "市住房和城乡建设局"


# --- memberships ------------------------------------------------------------------------------


def test_membership_add_puts_user_in_unit_group_and_scope(cast):
    user = UserFactory(username="t-new")
    assert user_scope(user).unit_ids == frozenset()
    membership = membership_add(
        actor=cast.office, user=user, unit=cast.yingji_unit, role=Membership.Role.LEADER
    )
    assert user.groups.filter(name=f"unit:{cast.yingji_unit.pk}").exists()
    assert user_scope(user).leader_unit_ids == {cast.yingji_unit.pk}
    membership_remove(actor=cast.office, membership=membership)
    assert not user.groups.filter(name=f"unit:{cast.yingji_unit.pk}").exists()
    assert user_scope(user).unit_ids == frozenset()


def test_membership_is_unique_per_user_and_unit(cast):
    with pytest.raises(ValidationError):
        membership_add(actor=cast.office, user=cast.zhujian, unit=cast.zhujian_unit, role="leader")


def test_unit_leader_cannot_add_members(cast):
    with pytest.raises(PermissionDenied):
        membership_add(
            actor=cast.zhujian_lead,
            user=UserFactory(username="t-friend"),
            unit=cast.zhujian_unit,
            role=Membership.Role.STAFF,
        )


def test_staff_cannot_remove_a_colleague(cast):
    membership = cast.zhujian_lead.memberships.get()
    with pytest.raises(PermissionDenied):
        membership_remove(actor=cast.zhujian, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- supervision duties -----------------------------------------------------------------------


def test_office_sets_and_replaces_a_supervision_duty(cast):
    industry = IndustryFactory(name="建筑施工")
    supervision_duty_set(
        actor=cast.office, industry=industry, kind=SupervisionKind.INDUSTRY, unit=cast.zhujian_unit
    )
    supervision_duty_set(
        actor=cast.office,
        industry=industry,
        kind=SupervisionKind.INDUSTRY,
        unit=cast.yingji_unit,
        scope_note="临时",
    )
    duty = SupervisionDuty.objects.get(industry=industry)
    assert duty.unit == cast.yingji_unit
    assert duty.history.count() == 2
    supervision_duty_set(
        actor=cast.office, industry=industry, kind=SupervisionKind.INDUSTRY, unit=None
    )
    assert not SupervisionDuty.objects.filter(industry=industry).exists()


def test_bureau_staff_cannot_set_supervision_duties(cast):
    industry = IndustryFactory(name="燃气")
    with pytest.raises(PermissionDenied):
        supervision_duty_set(
            actor=cast.zhujian, industry=industry, kind="industry", unit=cast.zhujian_unit
        )


def test_supervisor_for_follows_the_division_and_falls_back_to_parent_industry(cast):
    parent = IndustryFactory(name="危险化学品")
    child = IndustryFactory(name="危化品经营", parent=parent)
    supervision_duty_set(
        actor=cast.office, industry=parent, kind="professional", unit=cast.yingji_unit
    )
    assert supervisor_for(child, "professional") == cast.yingji_unit
    assert supervisor_for(child, "industry") is None
    assert supervisor_for(None, "industry") is None


# --- unit groups and name resolution ----------------------------------------------------------


def test_townships_group_expands_to_active_townships(cast):
    TownshipFactory(name="纪台镇", is_active=False)
    group = unit_group_create(actor=cast.office, name="各镇街区", rule=UnitGroupRule.TOWNSHIPS)
    assert set(expand_unit_group(group)) == {cast.houzhen_unit, cast.yangkou_unit}


def test_committee_group_expands_to_committee_members(cast):
    group = unit_group_create(
        actor=cast.office, name="安委会成员单位", rule=UnitGroupRule.COMMITTEE
    )
    assert set(expand_unit_group(group)) == set(OrgUnit.objects.filter(is_committee_member=True))
    assert cast.zhujian_unit in expand_unit_group(group)
    assert cast.houzhen_unit not in expand_unit_group(group)


def test_explicit_group_expands_to_its_members(cast):
    group = unit_group_create(
        actor=cast.office,
        name="有关部门",
        rule=UnitGroupRule.EXPLICIT,
        members=[cast.zhujian_unit, cast.yingji_unit],
    )
    assert set(expand_unit_group(group)) == {cast.zhujian_unit, cast.yingji_unit}


@pytest.mark.parametrize(
    "text",
    [
        "市住建局",
        "住建局",
        "市住房和城乡建设局",
        " 市住房和城乡 建设局 ",
        "市住房和城乡建设局\u3000",
    ],
)
def test_resolve_unit_name_by_name_short_name_or_alias(cast, text):
    org_unit_update(actor=cast.office, unit=cast.zhujian_unit, aliases=["市住房和城乡建设局"])
    assert resolve_unit_name(text) == cast.zhujian_unit


def test_resolve_unit_name_folds_full_width():
    unit = OrgUnitFactory(name="市12345热线", short_name="ABC中心")
    assert resolve_unit_name("市１２３４５热线") == unit
    assert resolve_unit_name("ＡＢＣ中心") == unit


def test_resolve_unit_name_unknown_or_ambiguous_is_none():
    OrgUnitFactory(name="甲局", short_name="同名局")
    OrgUnitFactory(name="乙局", short_name="同名局")
    assert resolve_unit_name("同名局") is None
    assert resolve_unit_name("不存在局") is None
    assert resolve_unit_name("") is None


def test_normalize_unit_name_strips_every_kind_of_space():
    assert normalize_unit_name(" 市 住建\u3000局\n") == "市住建局"


# --- grids and grid officers ------------------------------------------------------------------


def test_township_staff_create_grids_in_their_township(cast):
    grid = grid_create(
        actor=cast.houzhen, name="侯镇一网格", code="HZ001", township=cast.houzhen_unit
    )
    assert grid.history.get().history_user == cast.houzhen


def test_township_staff_cannot_create_grids_elsewhere(cast):
    with pytest.raises(PermissionDenied):
        grid_create(actor=cast.houzhen, name="羊口一网格", code="YK001", township=cast.yangkou_unit)


def test_township_staff_cannot_move_a_grid_to_another_township(cast):
    grid = GridFactory(township=cast.houzhen_unit)
    with pytest.raises(PermissionDenied):
        grid_update(actor=cast.houzhen, grid=grid, township=cast.yangkou_unit)
    grid.refresh_from_db()
    assert grid.township == cast.houzhen_unit


def test_grid_must_lie_in_a_township(cast):
    with pytest.raises(ValidationError) as exc:
        grid_create(actor=cast.office, name="错网格", code="X1", township=cast.zhujian_unit)
    assert "township" in exc.value.message_dict


def test_bureau_staff_cannot_create_grids(cast):
    with pytest.raises(PermissionDenied):
        grid_create(actor=cast.zhujian, name="网格", code="Z1", township=cast.houzhen_unit)


def test_township_staff_keep_their_grid_officers(cast):
    grid = GridFactory(township=cast.houzhen_unit)
    officer = grid_officer_create(
        actor=cast.houzhen, grid=grid, name="李网格", role="chief", phone="13800000000"
    )
    grid_officer_update(actor=cast.houzhen, officer=officer, phone="13900000000")
    assert GridOfficer.objects.get(pk=officer.pk).phone == "13900000000"
    grid_officer_remove(actor=cast.houzhen, officer=officer)
    assert not GridOfficer.objects.filter(pk=officer.pk).exists()


def test_township_staff_cannot_touch_other_townships_officers(cast):
    officer = GridOfficerFactory(grid=GridFactory(township=cast.yangkou_unit))
    with pytest.raises(PermissionDenied):
        grid_officer_update(actor=cast.houzhen, officer=officer, phone="1")
    with pytest.raises(PermissionDenied):
        grid_officer_remove(actor=cast.houzhen, officer=officer)
    with pytest.raises(PermissionDenied):
        grid_officer_create(actor=cast.houzhen, grid=officer.grid, name="张三")


def test_grid_officer_role_must_be_known(cast):
    grid = GridFactory(township=cast.houzhen_unit)
    with pytest.raises(ValidationError) as exc:
        grid_officer_create(actor=cast.office, grid=grid, name="张三", role="boss")
    assert "role" in exc.value.message_dict


def test_contact_update_is_not_blocked_by_an_old_alias_clash(cast):
    # Data loaded before the rule existed may share a name; a phone change still goes through.
    OrgUnit.objects.filter(pk=cast.yingji_unit.pk).update(aliases=["住建局"])
    org_unit_update(actor=cast.zhujian, unit=cast.zhujian_unit, phone="0536-1")
    assert OrgUnit.objects.get(pk=cast.zhujian_unit.pk).phone == "0536-1"
