"""The one permission gate: ``restrict(queryset, user, action)``.

Scope follows structure. The office and admins act on everything, auditors read everything
and write nothing, unit members act on what each model's ``scope_q`` grants their units, and
django-guardian object grants (direct foreign-key tables, granted to a unit's group or a
person) add single records on top. Lists, details, form choices, exports, the API and
dashboard figures all call this, and services call ``require`` inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

ACTIONS = ("view", "add", "change", "delete")

# Global roles are Django groups with these names.
ROLE_OFFICE = "office"
ROLE_AUDITOR = "auditor"
ROLE_ADMIN = "admin"
GLOBAL_ROLES = (ROLE_OFFICE, ROLE_AUDITOR, ROLE_ADMIN)


@dataclass(frozen=True)
class UserScope:
    """What one user's structural position allows: global roles and unit memberships."""

    user_id: int | None = None
    is_authenticated: bool = False
    is_admin: bool = False
    is_office: bool = False
    is_auditor: bool = False
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    leader_unit_ids: frozenset[int] = field(default_factory=frozenset)
    township_ids: frozenset[int] = field(default_factory=frozenset)
    group_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_all(self) -> bool:
        return self.is_admin or self.is_office or self.is_auditor

    @property
    def writes_all(self) -> bool:
        return self.is_admin or self.is_office

    @property
    def read_only(self) -> bool:
        return self.is_auditor and not self.writes_all

    @property
    def is_unit_member(self) -> bool:
        return bool(self.unit_ids)


ANONYMOUS = UserScope()
_CACHE_ATTR = "_chengan_scope"


def user_scope(user) -> UserScope:
    """The user's scope, computed once per user object (two queries)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from responsibilities.models import Membership, OrgUnit

    groups = dict(user.groups.values_list("id", "name"))
    names = set(groups.values())
    unit_ids, leader_ids, township_ids = set(), set(), set()
    for unit_id, role, kind in Membership.objects.filter(
        user=user, unit__is_active=True
    ).values_list("unit_id", "role", "unit__kind"):
        unit_ids.add(unit_id)
        if role == Membership.Role.LEADER:
            leader_ids.add(unit_id)
        if kind == OrgUnit.Kind.TOWNSHIP:
            township_ids.add(unit_id)
    scope = UserScope(
        user_id=user.pk,
        is_authenticated=True,
        is_admin=user.is_superuser or ROLE_ADMIN in names,
        is_office=ROLE_OFFICE in names,
        is_auditor=ROLE_AUDITOR in names,
        unit_ids=frozenset(unit_ids),
        leader_unit_ids=frozenset(leader_ids),
        township_ids=frozenset(township_ids),
        group_ids=frozenset(groups),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after memberships or groups change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _grant_q(model, scope: UserScope, action: str) -> Q:
    """Rows granted to this user or one of their groups through guardian's object tables."""
    codename = f"{action}_{model._meta.model_name}"
    q = Q(pk__in=[])
    for perm_model, owner in (
        (get_user_obj_perms_model(model), Q(user_id=scope.user_id)),
        (get_group_obj_perms_model(model), Q(group_id__in=scope.group_ids)),
    ):
        if perm_model.objects.is_generic():
            # Models without direct tables have no grants to honour here: direct
            # foreign-key tables are how Chengan grants (guardian's generic table joins
            # on a text column and does not scale).
            continue
        rows = perm_model.objects.filter(owner, permission__codename=codename)
        q |= Q(pk__in=rows.values("content_object_id"))
    return q


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may ``action`` (view, add, change, delete)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    model = queryset.model
    scope = user_scope(user)
    if not scope.is_authenticated:
        return queryset.none()
    if scope.writes_all or (action == "view" and scope.sees_all):
        return queryset
    if scope.read_only:
        return queryset.none()
    q = model.scope_q(scope, action) if scope.is_unit_member else None
    if q is not None and not q:
        # Q() means every row; Q() | grants would drop it and leave only the grants.
        return queryset
    grants = _grant_q(model, scope, action)
    return queryset.filter(grants if q is None else (q | grants))


def can(user, action: str, obj) -> bool:
    """May ``user`` ``action`` this object? For ``add``, ``obj`` is the unsaved instance."""
    scope = user_scope(user)
    if not scope.is_authenticated or (scope.read_only and action != "view"):
        return False
    if scope.writes_all:
        return True
    if action == "add" or obj.pk is None:
        return scope.is_unit_member and obj.scope_allows_add(scope)
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``; services call this."""
    if not can(user, action, obj):
        raise PermissionDenied(f"不允许{ACTION_LABELS.get(action, action)}：{obj}")


ACTION_LABELS = {"view": "查看", "add": "新增", "change": "修改", "delete": "删除"}
