"""The permission matrix, written once: role × own unit's object × other unit's object × action.

A model's test module subclasses ``PermissionMatrix`` and says how to make an object that
belongs to a unit, where its pages and API live, and what each role may do. The matrix then
checks the gate (``restrict``/``can``), the pages and the API against that one table.

    class TestEnterpriseMatrix(PermissionMatrix):
        model = Enterprise
        detail_url_name = "responsibilities:enterprise-detail"
        edit_url_name = "responsibilities:enterprise-edit"
        api_basename = "enterprise"
        api_patch = {"phone": "0536-5550000"}
        member_rights = {"staff": ..., "leader": ..., "township": ...}

        def make_object(self, cast, unit): ...
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.permissions import can, forget_scope, restrict

ROLES = ("office", "admin", "auditor", "staff", "leader", "township")
TARGETS = ("own", "other")
ACTIONS = ("view", "change", "delete")

ACTORS = {
    "office": "office",
    "admin": "admin",
    "auditor": "auditor",
    "staff": "zhujian",
    "leader": "zhujian_lead",
    "township": "houzhen",
}
# Whose object is "own" and "other" for each role.
UNITS = {
    "staff": ("zhujian_unit", "yingji_unit"),
    "leader": ("zhujian_unit", "yingji_unit"),
    "township": ("houzhen_unit", "yangkou_unit"),
    "office": ("zhujian_unit", "yingji_unit"),
    "admin": ("zhujian_unit", "yingji_unit"),
    "auditor": ("houzhen_unit", "yangkou_unit"),
}
EVERYTHING = {"own": set(ACTIONS), "other": set(ACTIONS)}
READ_ALL = {"own": {"view"}, "other": {"view"}}


class PermissionMatrix:
    model = None
    detail_url_name: str | None = None
    edit_url_name: str | None = None
    api_basename: str | None = None
    api_patch: dict | None = None
    # What unit members may do, per role: {"staff": {"own": {...}, "other": {...}}, ...}
    member_rights: dict = {}
    global_rights = {"office": EVERYTHING, "admin": EVERYTHING, "auditor": READ_ALL}

    def make_object(self, cast, unit):
        raise NotImplementedError

    @classmethod
    def applies(cls, test_name: str) -> bool:
        """Whether a check applies to this model; tests/conftest.py deselects the others, so a
        model without an edit page has no edit-page cells instead of skipped ones."""
        return {
            "test_detail_page": bool(cls.detail_url_name),
            "test_edit_page": bool(cls.edit_url_name),
            "test_api_read": bool(cls.api_basename),
            "test_api_write": bool(cls.api_basename and cls.api_patch),
        }.get(test_name, True)

    # -- helpers -------------------------------------------------------------------------
    def allowed(self, role, target, action) -> bool:
        rights = self.global_rights.get(role) or self.member_rights.get(role, {})
        return action in rights.get(target, set())

    def setup_case(self, cast, role, target):
        actor = getattr(cast, ACTORS[role])
        forget_scope(actor)
        unit = getattr(cast, UNITS[role][0 if target == "own" else 1])
        return actor, self.make_object(cast, unit)

    # -- the gate ------------------------------------------------------------------------
    @pytest.mark.parametrize("action", ACTIONS)
    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("role", ROLES)
    def test_gate(self, cast, role, target, action):
        actor, obj = self.setup_case(cast, role, target)
        expected = self.allowed(role, target, action)
        in_queryset = restrict(
            self.model._default_manager.filter(pk=obj.pk), actor, action
        ).exists()
        assert in_queryset is expected, (
            f"restrict: {role} {action} {target} → {in_queryset}, expected {expected}"
        )
        assert can(actor, action, obj) is expected, f"can: {role} {action} {target}"

    # -- pages ---------------------------------------------------------------------------
    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("role", ROLES)
    def test_detail_page(self, cast, client, role, target):
        actor, obj = self.setup_case(cast, role, target)
        client.force_login(actor)
        response = client.get(reverse(self.detail_url_name, args=[obj.pk]))
        assert response.status_code == (200 if self.allowed(role, target, "view") else 404)

    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("role", ROLES)
    def test_edit_page(self, cast, client, role, target):
        actor, obj = self.setup_case(cast, role, target)
        client.force_login(actor)
        response = client.get(reverse(self.edit_url_name, args=[obj.pk]))
        if self.allowed(role, target, "change"):
            assert response.status_code == 200
        else:
            assert response.status_code in (403, 404)

    # -- API -----------------------------------------------------------------------------
    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("role", ROLES)
    def test_api_read(self, cast, role, target):
        actor, obj = self.setup_case(cast, role, target)
        api = APIClient()
        api.force_authenticate(actor)
        response = api.get(reverse(f"{self.api_basename}-detail", args=[obj.pk]))
        assert response.status_code == (200 if self.allowed(role, target, "view") else 404)

    @pytest.mark.parametrize("target", TARGETS)
    @pytest.mark.parametrize("role", ROLES)
    def test_api_write(self, cast, role, target):
        actor, obj = self.setup_case(cast, role, target)
        before = self.model._default_manager.filter(pk=obj.pk).values(*self.api_patch).get()
        api = APIClient()
        api.force_authenticate(actor)
        response = api.patch(
            reverse(f"{self.api_basename}-detail", args=[obj.pk]), self.api_patch, format="json"
        )
        after = self.model._default_manager.filter(pk=obj.pk).values(*self.api_patch).get()
        if self.allowed(role, target, "change"):
            assert response.status_code == 200, response.content
            assert after == self.api_patch
        else:
            assert response.status_code in (403, 404), response.content
            assert after == before
