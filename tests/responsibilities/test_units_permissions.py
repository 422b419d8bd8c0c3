"""The permission matrix applied to units and grids."""

import pytest

from tests.permission_matrix import PermissionMatrix
from tests.responsibilities.factories import GridFactory

pytestmark = pytest.mark.django_db

NOTHING = {"own": set(), "other": set()}
VIEW_ALL_CHANGE_OWN = {"own": {"view", "change"}, "other": {"view"}}


class TestOrgUnitMatrix(PermissionMatrix):
    """Everyone signed in reads the unit directory; a unit's own staff, leaders and township
    staff change their own unit (contact details, see test_units.py); only the office and
    admins delete."""

    from responsibilities.models import OrgUnit as model

    detail_url_name = "responsibilities:unit-detail"
    edit_url_name = "responsibilities:unit-edit"
    api_basename = "orgunit"
    api_patch = {"phone": "0536-5550000"}
    member_rights = {
        "staff": VIEW_ALL_CHANGE_OWN,
        "leader": VIEW_ALL_CHANGE_OWN,
        "township": VIEW_ALL_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        return unit


class TestGridMatrix(PermissionMatrix):
    """A township's staff keep the grids of their township; bureaus do not see grids."""

    from responsibilities.models import Grid as model

    detail_url_name = "responsibilities:grid-detail"
    edit_url_name = "responsibilities:grid-edit"
    api_basename = "grid"
    api_patch = {"community": "东村社区"}
    member_rights = {
        "staff": NOTHING,
        "leader": NOTHING,
        "township": {"own": {"view", "change", "delete"}, "other": set()},
    }

    def make_object(self, cast, unit):
        township = unit if unit.is_township else cast.yangkou_unit
        return GridFactory(township=township)
