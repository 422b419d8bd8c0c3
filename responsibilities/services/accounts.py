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
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.handover import register_handover, run_handovers
from portal.permissions import GLOBAL_ROLES, ROLE_ADMIN, UserScope, forget_scope, user_scope

from ..choices import AccountRole, MembershipRole
from ..models import EnterpriseUserObjectPermission, GridOfficer, Membership, OrgUnit, Profile
from ..selectors import normalize_unit_name
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


# --- bulk import from Excel -----------------------------------------------------------------

IMPORT_COLUMNS = {
    "username": gettext_lazy("用户名"),
    "full_name": gettext_lazy("姓名"),
    "phone": gettext_lazy("手机号码"),
    "email": gettext_lazy("电子邮箱"),
    "unit": gettext_lazy("单位"),
    "role": gettext_lazy("角色"),
}
# Header texts are compared untranslated: the sheet is the office's Chinese template.
IMPORT_HEADERS = {
    "用户名": "username",
    "姓名": "full_name",
    "手机号码": "phone",
    "电子邮箱": "email",
    "单位": "unit",
    "角色": "role",
}
REQUIRED_HEADERS = ("用户名", "姓名", "单位", "角色")
ROLE_WORDS = {
    "填报员": AccountRole.STAFF,
    "staff": AccountRole.STAFF,
    "负责人": AccountRole.LEADER,
    "leader": AccountRole.LEADER,
    "安委办": AccountRole.OFFICE,
    "office": AccountRole.OFFICE,
    "审计": AccountRole.AUDITOR,
    "审计/考核": AccountRole.AUDITOR,
    "审计/考核（只读）": AccountRole.AUDITOR,
    "auditor": AccountRole.AUDITOR,
    "系统管理员": AccountRole.ADMIN,
    "admin": AccountRole.ADMIN,
}
IMPORT_MAX_ROWS = 2000


@dataclass
class AccountImportRow:
    number: int  # the row number in the sheet, as Excel shows it
    values: dict[str, str]
    unit: OrgUnit | None = None
    role: str = ""
    errors: list[str] = field(default_factory=list)
    password: str = ""

    @property
    def role_label(self) -> str:
        return AccountRole(self.role).label if self.role else self.values.get("role", "")

    def error(self, key: str, message: str) -> None:
        self.errors.append(
            _("第%(row)d行 %(field)s：%(message)s")
            % {"row": self.number, "field": IMPORT_COLUMNS[key], "message": message}
        )


@dataclass
class AccountImport:
    rows: list[AccountImportRow]
    saved: bool = False

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    def raw_rows(self) -> list[dict]:
        """What the confirmation step sends back (plain data, fit for the session)."""
        return [{"number": row.number, **row.values} for row in self.rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def read_account_sheet(file) -> list[dict]:
    """The data rows of an uploaded .xlsx, keyed by field; a bad file is a ValidationError."""
    from openpyxl import load_workbook

    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    head = file.read(4)
    file.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError(_("文件不是 Excel（.xlsx）文件，请使用下载的模板填写。"))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 2))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。")) from exc
    if not rows:
        raise ValidationError(_("表格是空的：第1行应为表头。"))
    headers = [_cell_text(v).replace("*", "").replace(" ", "") for v in rows[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        raise ValidationError(
            _("第1行表头缺少列：%(missing)s。表头应为：%(expected)s。")
            % {"missing": "、".join(missing), "expected": "、".join(IMPORT_HEADERS)}
        )
    index = {IMPORT_HEADERS[h]: i for i, h in enumerate(headers) if h in IMPORT_HEADERS}
    data = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _cell_text(row[i]) if i < len(row) else "" for key, i in index.items()}
        if not any(values.values()):
            continue
        data.append({"number": number, **{k: values.get(k, "") for k in IMPORT_COLUMNS}})
    if len(data) > IMPORT_MAX_ROWS:
        raise ValidationError(_("一次最多导入 %d 个账号，请分批导入。") % IMPORT_MAX_ROWS)
    if not data:
        raise ValidationError(_("表格中没有数据行：请从第2行开始填写。"))
    return data


def _unit_index() -> dict[str, list[list[OrgUnit]]]:
    """Normalised name -> units by rank (full name, short name, alias), in one query."""
    index: dict[str, list[list[OrgUnit]]] = {}
    for unit in OrgUnit.objects.filter(is_active=True):
        for rank, names in enumerate(([unit.name], [unit.short_name], unit.aliases or [])):
            for name in names:
                key = normalize_unit_name(name)
                if key:
                    index.setdefault(key, [[], [], []])[rank].append(unit)
    return index


def _match_unit(index, text: str) -> tuple[OrgUnit | None, str]:
    ranks = index.get(normalize_unit_name(text))
    if ranks is None:
        return None, _("找不到单位“%s”（按单位全称、简称或别名匹配）。") % text
    for found in ranks:
        unique = {u.pk: u for u in found}
        if len(unique) == 1:
            return next(iter(unique.values())), ""
        if unique:
            names = "、".join(u.name for u in unique.values())
            return None, _("“%(text)s”可指多个单位（%(names)s），请填写全称。") % {
                "text": text,
                "names": names,
            }
    return None, _("找不到单位“%s”。") % text


def _validate_import(scope: UserScope, raw_rows: list[dict]) -> AccountImport:
    index = _unit_index()
    lowers = [(r.get("username") or "").strip().lower() for r in raw_rows]
    taken = set(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=[u for u in lowers if u])
        .values_list("lower", flat=True)
    )
    seen: dict[str, int] = {}
    username_field = User._meta.get_field("username")
    rows = []
    for raw in raw_rows:
        values = {key: str(raw.get(key) or "").strip() for key in IMPORT_COLUMNS}
        row = AccountImportRow(number=int(raw["number"]), values=values)
        username = values["username"]
        if not username:
            row.error("username", _("必填。"))
        else:
            try:
                username_field.run_validators(username)
            except ValidationError:
                row.error("username", _("只能包含字母、数字和 @/./+/-/_，且不超过150个字符。"))
            key = username.lower()
            if key in taken:
                row.error("username", _("“%s”已被现有账号使用。") % username)
            elif key in seen:
                row.error("username", _("与第%d行重复。") % seen[key])
            else:
                seen[key] = row.number
        if not values["full_name"]:
            row.error("full_name", _("必填。"))
        elif len(values["full_name"]) > 50:
            row.error("full_name", _("不超过50个字符。"))
        phone = values["phone"].replace(" ", "")
        if phone and not PHONE_RE.match(phone):
            row.error("phone", _("“%s”不是有效的手机号码。") % values["phone"])
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                row.error("email", _("“%s”不是有效的电子邮箱。") % values["email"])
        role = ROLE_WORDS.get(values["role"].replace(" ", ""), "")
        if not values["role"]:
            row.error("role", _("必填：填报员或负责人。"))
        elif not role:
            row.error("role", _("“%s”无效：应为填报员或负责人。") % values["role"])
        elif role not in UNIT_ROLES and not scope.is_admin:
            row.error("role", _("只有系统管理员可以分配“%s”角色。") % AccountRole(role).label)
        row.role = role
        if values["unit"]:
            row.unit, message = _match_unit(index, values["unit"])
            if message:
                row.error("unit", message)
        elif role in UNIT_ROLES or not values["role"]:
            row.error("unit", _("必填。"))
        rows.append(row)
    return AccountImport(rows=rows)


@transaction.atomic
def account_import(*, actor, rows: list[dict], dry_run: bool = False) -> AccountImport:
    """Open an account for every row, or, if any row is wrong, none at all.

    With ``dry_run`` nothing is saved: the result is the preview the office checks first.
    """
    scope = _require_manager(actor)
    result = _validate_import(scope, rows)
    if dry_run or not result.is_valid:
        return result
    for row in result.rows:
        values = row.values
        try:
            new = _create_account(
                actor=actor,
                username=values["username"],
                full_name=values["full_name"],
                phone=values["phone"],
                email=values["email"],
                unit=row.unit,
                role=row.role,
            )
        except ValidationError as exc:
            # A rule the preview could not see (a name taken meanwhile): roll everything back.
            transaction.set_rollback(True)
            for key, messages in exc.message_dict.items():
                for message in messages:
                    row.error(key if key in IMPORT_COLUMNS else "username", message)
            return result
        row.password = new.password
    result.saved = True
    return result


def account_import_preview(*, actor, file) -> AccountImport:
    """Read the uploaded sheet and check every row; saves nothing."""
    _require_manager(actor)
    return account_import(actor=actor, rows=read_account_sheet(file), dry_run=True)


def account_import_template() -> bytes:
    """The .xlsx the office fills in: the header row, and a sheet explaining each column."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append(list(IMPORT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (16, 10, 14, 24, 20, 10), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["用户名", "必填，登录用，字母、数字或 @ . + - _，不能与已有账号重复"])
    notes.append(["姓名", "必填"])
    notes.append(["手机号码", "选填，11位手机号"])
    notes.append(["电子邮箱", "选填，用于找回密码"])
    notes.append(["单位", "必填，单位全称、简称或别名，如“市住建局”“住建局”"])
    notes.append(["角色", "必填，填报员 或 负责人"])
    notes.append([])
    notes.append(["从第2行开始填写，每行一个账号；任何一行有误则整表不导入。"])
    notes.append(["导入后系统为每个账号生成初始密码，仅显示一次，首次登录须修改。"])
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 60
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
