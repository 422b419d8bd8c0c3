"""The demo seed: accounts for every role, grids, sample enterprises; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from portal.permissions import restrict, user_scope
from responsibilities import demo
from responsibilities.demo import register_demo_step, seed_demo
from responsibilities.models import (
    Enterprise,
    Grid,
    GridOfficer,
    Membership,
    OrgUnit,
    Profile,
)
from responsibilities.validators import validate_credit_code

pytestmark = pytest.mark.django_db

DEMO_MODELS = (OrgUnit, Membership, Profile, Grid, GridOfficer, Enterprise)


def _snapshot() -> dict[str, int]:
    counts = {"users": get_user_model().objects.count()}
    for model in DEMO_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


@pytest.fixture
def seeded(db):
    seed_demo()


def test_seed_demo_twice_changes_nothing(db):
    seed_demo()
    after_first = _snapshot()
    second = seed_demo()

    assert _snapshot() == after_first
    assert second["created"] == 0 and second["updated"] == 0


def test_seed_demo_command_accepts_scale_options_and_says_how_many_steps_ran(db):
    out = StringIO()
    call_command("seed_demo", "--hazards", "5", "--risks", "3", stdout=out)
    assert f"共运行 {len(demo.demo_steps())} 个演示步骤" in out.getvalue()
    assert "单位 52 个" in out.getvalue()  # the reference data came first


def test_registered_demo_steps_receive_the_options(db, monkeypatch):
    monkeypatch.setattr(demo, "_registered_steps", {})
    received = []
    register_demo_step("hazards", lambda run: received.append(run.option("hazards", 40)))

    counts = seed_demo(hazards=7)
    seed_demo()

    assert received == [7, 40]
    assert counts["steps"] == len(demo.BUILTIN_STEPS) + 1


DEMO_ACCOUNTS = {
    # username: (unit, membership role, global-role flag of the scope)
    "office": ("市安委办", Membership.Role.STAFF, "is_office"),
    "auditor": (None, None, "is_auditor"),
    "zhujian": ("市住建局", Membership.Role.STAFF, None),
    "zhujian-lead": ("市住建局", Membership.Role.LEADER, None),
    "yingji": ("市应急管理局", Membership.Role.STAFF, None),
    "houzhen": ("侯镇", Membership.Role.STAFF, None),
    "admin": (None, None, "is_admin"),
}


def test_demo_accounts_sign_in_with_the_demo_password_in_their_unit_and_role(seeded):
    for username, (unit, role, scope_flag) in DEMO_ACCOUNTS.items():
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=settings.DEMO_PASSWORD)

        assert user is not None and user.username == username, username
        assert user.profile.full_name and user.profile.phone, username
        assert user.profile.must_change_password is False, username
        memberships = {(m.unit.name, m.role) for m in user.memberships.select_related("unit")}
        assert memberships == ({(unit, role)} if unit else set()), username
        if unit:
            assert user.groups.filter(pk=OrgUnit.objects.get(name=unit).group_id).exists()
        if scope_flag:
            assert getattr(user_scope(user), scope_flag), username


def test_admin_is_a_superuser(seeded):
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name="admin").exists()


def test_a_changed_demo_password_is_reset_by_the_next_seed(seeded):
    user = get_user_model().objects.get(username="zhujian")
    user.set_password("something-else-1")
    user.save()

    seed_demo()

    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)


def test_every_township_has_grids_with_a_chief_and_officers(seeded):
    for township in OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP):
        grids = Grid.objects.filter(township=township)
        assert grids.count() >= 3, township.name
        for grid in grids:
            roles = list(grid.officers.values_list("role", flat=True))
            assert roles.count("chief") == 1 and roles.count("officer") >= 1


def test_sample_enterprises_cover_every_township_with_valid_codes_and_history(seeded):
    enterprises = Enterprise.objects.select_related("township")
    assert enterprises.count() >= 60
    assert set(enterprises.values_list("township__name", flat=True)) == set(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP).values_list("name", flat=True)
    )
    for enterprise in enterprises:
        validate_credit_code(enterprise.credit_code)
        assert "示例" in enterprise.name
        assert enterprise.territorial_supervisor_id == enterprise.township_id
        assert enterprise.history.count() == 1


def test_chemical_park_enterprises_are_high_risk_and_routed_to_their_supervisors(seeded):
    for township in ("侯镇", "羊口镇"):
        hazchem = Enterprise.objects.filter(
            township__name=township, industry__name="危险化学品", is_high_risk=True
        )
        assert hazchem.count() >= 3, township
        for enterprise in hazchem:
            assert enterprise.industry_supervisor.name == "市工信局"
            assert enterprise.professional_supervisor.name == "市应急管理局"


def test_demo_staff_see_their_own_enterprises(seeded):
    users = get_user_model().objects
    zhujian_sees = restrict(Enterprise.objects.all(), users.get(username="zhujian"))
    houzhen_sees = restrict(Enterprise.objects.all(), users.get(username="houzhen"))
    yingji_sees = restrict(Enterprise.objects.all(), users.get(username="yingji"))

    assert set(zhujian_sees.values_list("industry__name", flat=True)) >= {"建筑施工", "城镇燃气"}
    assert set(houzhen_sees.values_list("township__name", flat=True)) == {"侯镇"}
    assert (
        yingji_sees.filter(industry__name="危险化学品").count()
        == Enterprise.objects.filter(industry__name="危险化学品").count()
    )
