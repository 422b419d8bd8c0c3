"""Accounts: who may sign in, with which unit role or global role, and the handover when
someone leaves.

Only the office (安委办) and admins manage accounts (``user_scope(actor).writes_all``); global
roles (安委办, 审计, 系统管理员) are given and taken by admins only, and accounts that hold one
are managed by admins only. Accounts are deactivated, never deleted: their history stays.
Unit roles go through ``services.units.membership_*`` so the unit's permission group and the
cached scope follow.
"""

from __future__ import annotations

import re
import secrets
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.handover import register_handover, run_handovers
from portal.permissions import GLOBAL_ROLES, ROLE_ADMIN, UserScope, forget_scope, user_scope

from ..choices import AccountRole, MembershipRole
from ..models import EnterpriseUserObjectPermission, GridOfficer, Membership, OrgUnit, Profile
from .units import membership_add, membership_remove, org_unit_ensure_group

User = get_user_model()

UNIT_ROLES = (AccountRole.STAFF, AccountRole.LEADER)
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# No 0/O, 1/l/I: the initial password is read off a screen and typed in by hand.
_PASSWORD_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_PASSWORD_DIGITS = "23456789"


class NewAccount(NamedTuple):
    user: object
    password: str  # shown once to the office, never stored in clear


# --- the gate -------------------------------------------------------------------------------


def _require_manager(actor) -> UserScope:
    scope = user_scope(actor)
    if not scope.writes_all:
        raise PermissionDenied(_("只有安委办或系统管理员可以管理账号。"))
    return scope


def holds_global_role(user) -> bool:
    if user.is_superuser:
        return True
    return any(group.name in GLOBAL_ROLES for group in user.groups.all())


def _require_may_manage(actor, user) -> UserScope:
    """The office manages unit accounts; accounts with a global role are the admins'."""
    scope = _require_manager(actor)
    if not scope.is_admin and holds_global_role(user):
        raise PermissionDenied(_("安委办、审计和系统管理员账号只能由系统管理员管理。"))
    return scope


def may_manage_account(actor, user) -> bool:
    try:
        _require_may_manage(actor, user)
    except PermissionDenied:
        return False
    return True


def _stamp(obj, actor) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor


# --- reads (selectors) ----------------------------------------------------------------------


def account_list(*, actor) -> QuerySet:
    """Every account, with what the list shows, for the office and admins only."""
    _require_manager(actor)
    return (
        User.objects.select_related("profile")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("unit").order_by(
                    "unit__sort_order", "unit__name"
                ),
            ),
            "groups",
        )
        .order_by("-is_active", "username")
    )


def account_get(*, actor, pk) -> object:
    return account_list(actor=actor).get(pk=pk)


def account_global_role(user) -> str:
    """The account's global role ('' if none); an admin outranks the other two."""
    names = {group.name for group in user.groups.all()}
    if user.is_superuser or ROLE_ADMIN in names:
        return AccountRole.ADMIN
    for role in (AccountRole.OFFICE, AccountRole.AUDITOR):
        if role in names:
            return role
    return ""


# --- helpers --------------------------------------------------------------------------------


def generate_initial_password(length: int = 12) -> str:
    """A random password that meets the policy (letters and digits, at least 10)."""
    alphabet = _PASSWORD_LETTERS + _PASSWORD_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _i in range(length))
        if any(c.isalpha() for c in password) and any(c.isdigit() for c in password):
            return password


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        raise ValidationError(
            {"phone": _("手机号码格式不正确：应为11位手机号（如 13805361234）或带区号的固话。")}
        )
    return phone


def _profile(user) -> Profile:
    """The user's profile; accounts made elsewhere (createsuperuser) may not have one yet."""
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"must_change_password": False, "full_name": ""}
    )
    return profile


def _set_global_role(user, role: str) -> None:
    """Give ``user`` exactly ``role`` ('' for none) among the global roles.

    Admins are Django superusers with staff status, so /admin/ opens for them.
    """
    user.groups.remove(*Group.objects.filter(name__in=GLOBAL_ROLES))
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    is_admin = role == AccountRole.ADMIN
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_superuser = user.is_staff = is_admin
        user.save(update_fields=["is_superuser", "is_staff"])
    forget_scope(user)


def _check_role(scope: UserScope, role: str, unit) -> None:
    if role not in AccountRole.values:
        raise ValidationError({"role": _("角色无效。")})
    if role in UNIT_ROLES and unit is None:
        raise ValidationError({"unit": _("填报员和负责人须选择所在单位。")})
    if role not in UNIT_ROLES and not scope.is_admin:
        raise PermissionDenied(_("只有系统管理员可以分配安委办、审计或系统管理员角色。"))
    if unit is not None and not unit.is_active:
        raise ValidationError({"unit": _("%s已停用。") % unit})


def _create_account(
    *, actor, username: str, full_name: str, phone: str, email: str, unit, role: str
) -> NewAccount:
    user = User(username=(username or "").strip(), email=(email or "").strip())
    password = generate_initial_password()
    user.set_password(password)
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if user.username and User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [_("用户名“%s”已被使用。") % user.username]
    if not (full_name or "").strip():
        errors["full_name"] = [_("请填写姓名。")]
    try:
        phone = _clean_phone(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    user.save()
    profile = Profile(
        user=user, full_name=full_name.strip(), phone=phone, must_change_password=True
    )
    profile.full_clean()
    _stamp(profile, actor)
    profile.save()
    if role in UNIT_ROLES:
        membership_add(actor=actor, user=user, unit=unit, role=role)
    else:
        _set_global_role(user, role)
        if unit is not None:  # e.g. an office account that also belongs to 市安委办
            membership_add(actor=actor, user=user, unit=unit, role=MembershipRole.STAFF)
    return NewAccount(user=user, password=password)


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    actor,
    username: str,
    full_name: str,
    role: str,
    unit: OrgUnit | None = None,
    phone: str = "",
    email: str = "",
) -> NewAccount:
    """Open an account with a generated initial password it must change at first login."""
    scope = _require_manager(actor)
    _check_role(scope, role, unit)
    return _create_account(
        actor=actor,
        username=username,
        full_name=full_name,
        phone=phone,
        email=email,
        unit=unit,
        role=role,
    )


@transaction.atomic
def account_update(
    *,
    actor,
    user,
    full_name: str,
    phone: str = "",
    email: str = "",
    global_role: str | None = None,
) -> object:
    """Change a person's name and contacts; ``global_role`` (admins only) when not None."""
    scope = _require_may_manage(actor, user)
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = [_("请填写姓名。")]
    try:
        phone = _clean_phone(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("电子邮箱格式不正确。")]
    if errors:
        raise ValidationError(errors)
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    profile = _profile(user)
    profile.full_name, profile.phone = full_name.strip(), phone
    profile.full_clean()
    _stamp(profile, actor)
    profile.save()
    if global_role is not None and global_role != account_global_role(user):
        if not scope.is_admin:
            raise PermissionDenied(_("只有系统管理员可以分配安委办、审计或系统管理员角色。"))
        if global_role and global_role in UNIT_ROLES:
            raise ValidationError({"global_role": _("全局角色无效。")})
        if user.pk == actor.pk and global_role != AccountRole.ADMIN:
            raise ValidationError({"global_role": _("不能撤销自己的系统管理员角色。")})
        _set_global_role(user, global_role)
    return user


@transaction.atomic
def account_deactivate(*, actor, user) -> object:
    """停用: the person can no longer sign in; their records and history stay."""
    _require_may_manage(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    forget_scope(user)
    return user


@transaction.atomic
def account_reactivate(*, actor, user) -> object:
    _require_may_manage(actor, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    forget_scope(user)
    return user


@transaction.atomic
def account_reset_password(*, actor, user) -> str:
    """A new initial password for someone who forgot theirs; they must change it again."""
    _require_may_manage(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("请通过“修改密码”更改自己的密码。"))
    password = generate_initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = True
    _stamp(profile, actor)
    profile.save()
    return password


@transaction.atomic
def account_membership_add(*, actor, user, unit: OrgUnit, role: str) -> Membership:
    """Add a unit role to an account (or change the role it already has there)."""
    _require_may_manage(actor, user)
    if role not in UNIT_ROLES:
        raise ValidationError({"role": _("单位角色只能是填报员或负责人。")})
    if not unit.is_active:
        raise ValidationError({"unit": _("%s已停用。") % unit})
    existing = Membership.objects.filter(user=user, unit=unit).first()
    if existing is not None:
        if existing.role != role:
            existing.role = role
            existing.full_clean()
            _stamp(existing, actor)
            existing.save()
        forget_scope(user)
        return existing
    return membership_add(actor=actor, user=user, unit=unit, role=role)


@transaction.atomic
def account_membership_remove(*, actor, membership: Membership) -> None:
    _require_may_manage(actor, membership.user)
    membership_remove(actor=actor, membership=membership)


@transaction.atomic
def password_changed(*, user) -> None:
    """The person has set their own password: the first-login change is no longer due."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is not None and profile.must_change_password:
        profile.must_change_password = False
        _stamp(profile, user)
        profile.save()


# --- handover (工作交接) ----------------------------------------------------------------------


@transaction.atomic
def account_handover(*, actor, from_user, to_user) -> dict[str, int]:
    """Hand every open item of a departing person to a colleague, then deactivate them.

    Each app's part is registered in ``portal.handover``; they all run in this transaction.
    """
    _require_may_manage(actor, from_user)
    if from_user.pk == to_user.pk:
        raise ValidationError({"to_user": _("接手人不能是本人。")})
    if not to_user.is_active:
        raise ValidationError({"to_user": _("接手人的账号已停用。")})
    if from_user.pk == actor.pk:
        raise ValidationError(_("不能交接并停用自己的账号。"))
    moved = run_handovers(from_user, to_user)
    if from_user.is_active:
        from_user.is_active = False
        from_user.save(update_fields=["is_active"])
    forget_scope(from_user)
    forget_scope(to_user)
    return moved


@register_handover(label=gettext_lazy("单位角色"))
def hand_over_memberships(from_user, to_user) -> int:
    """The colleague takes the same role in each unit (a leader's role is never lowered)."""
    moved = 0
    for membership in Membership.objects.filter(user=from_user).select_related("unit"):
        mine = Membership.objects.filter(user=to_user, unit=membership.unit).first()
        if mine is None:
            mine = Membership(
                user=to_user, unit=membership.unit, role=membership.role, title=membership.title
            )
        elif membership.role == MembershipRole.LEADER:
            mine.role = MembershipRole.LEADER
        mine.full_clean()
        mine.save()
        to_user.groups.add(org_unit_ensure_group(unit=membership.unit))
        membership.delete()
        if membership.unit.group_id:
            from_user.groups.remove(membership.unit.group_id)
        moved += 1
    forget_scope(from_user)
    forget_scope(to_user)
    return moved


@register_handover(label=gettext_lazy("生产经营单位个人授权"))
def hand_over_enterprise_grants(from_user, to_user) -> int:
    moved = 0
    for grant in EnterpriseUserObjectPermission.objects.filter(user=from_user):
        EnterpriseUserObjectPermission.objects.get_or_create(
            user=to_user,
            permission_id=grant.permission_id,
            content_object_id=grant.content_object_id,
        )
        grant.delete()
        moved += 1
    return moved


@register_handover(label=gettext_lazy("网格员岗位"))
def hand_over_grid_posts(from_user, to_user) -> int:
    """实名制: the post now names the colleague, with their name and phone."""
    profile = Profile.objects.filter(user=to_user).first()
    moved = 0
    for post in GridOfficer.objects.filter(user=from_user):
        post.user = to_user
        if profile is not None and profile.full_name:
            post.name = profile.full_name
            post.phone = profile.phone or post.phone
        post.full_clean()
        post.save()
        moved += 1
    return moved
