"""The permission matrix applied to the enterprise roster: gate, pages and API agree."""

import pytest

from responsibilities.models import Enterprise
from tests.permission_matrix import PermissionMatrix
from tests.responsibilities.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

OWN_VIEW_CHANGE = {"own": {"view", "change"}, "other": set()}


class TestEnterpriseMatrix(PermissionMatrix):
    model = Enterprise
    detail_url_name = "responsibilities:enterprise-detail"
    edit_url_name = "responsibilities:enterprise-edit"
    api_basename = "enterprise"
    api_patch = {"phone": "0536-5550000"}
    # Members act on enterprises in their township or under their supervision; only the
    # office and admins delete (deactivate).
    member_rights = {
        "staff": OWN_VIEW_CHANGE,
        "leader": OWN_VIEW_CHANGE,
        "township": OWN_VIEW_CHANGE,
    }

    def make_object(self, cast, unit):
        if unit.is_township:
            return EnterpriseFactory(township=unit)
        other_township = cast.yangkou_unit if unit != cast.yangkou_unit else cast.houzhen_unit
        return EnterpriseFactory(township=other_township, industry_supervisor=unit)
