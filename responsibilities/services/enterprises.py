"""Writes on the enterprise roster (生产经营单位): create, update, deactivate, share, import.

Every door — the pages, the API and the Excel import — goes through these functions, so the
supervisor routing (安全监管责任分工), validation and the permission check live only here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.permissions import can, require, restrict, user_scope

from ..choices import SupervisionKind
from ..models import (
    Enterprise,
    EnterpriseGroupObjectPermission,
    EnterpriseUserObjectPermission,
    Industry,
    OrgUnit,
    SupervisionDuty,
)
from .units import org_unit_ensure_group

# Fields a person may set through a form, the API or a sheet.
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "township",
    "grid",
    "address",
    "latitude",
    "longitude",
    "legal_representative",
    "safety_contact",
    "phone",
    "scale",
    "employees",
    "is_high_risk",
    "is_crowded_place",
    "territorial_supervisor",
    "industry_supervisor",
    "professional_supervisor",
    "is_active",
)

# What the office may grant on one enterprise; "change" implies "view".
SHARE_ACTIONS = ("view", "change")


# --- reads (the roster's selector) -----------------------------------------------------------

ENTERPRISE_RELATED = (
    "industry",
    "township",
    "grid",
    "territorial_supervisor",
    "industry_supervisor",
    "professional_supervisor",
)


def enterprise_list(*, user, action: str = "view") -> QuerySet[Enterprise]:
    """The enterprises ``user`` may ``action``, with what a row shows joined in, so a list,
    an export or an API page costs the same number of queries at any size."""
    return restrict(Enterprise.objects.select_related(*ENTERPRISE_RELATED), user, action)


# --- supervisor routing ----------------------------------------------------------------------


class DutyTable:
    """The division of supervision duties, loaded once: (industry, kind) → unit.

    An industry without a duty of its own inherits its parent industry's (a sub-sector is
    supervised by the unit that supervises the sector).
    """

    def __init__(self, duties: dict[tuple[int, str], int], parents: dict[int, int | None]):
        self.duties = duties
        self.parents = parents

    @classmethod
    def load(cls) -> DutyTable:
        duties = {
            (industry_id, kind): unit_id
            for industry_id, kind, unit_id in SupervisionDuty.objects.filter(
                unit__is_active=True
            ).values_list("industry_id", "kind", "unit_id")
        }
        parents = dict(Industry.objects.values_list("id", "parent_id"))
        return cls(duties, parents)

    def unit_id_for(self, industry_id: int | None, kind: str) -> int | None:
        seen = set()
        while industry_id is not None and industry_id not in seen:
            seen.add(industry_id)
            if (unit_id := self.duties.get((industry_id, kind))) is not None:
                return unit_id
            industry_id = self.parents.get(industry_id)
        return None


def route_supervisors(enterprise: Enterprise, *, duties: DutyTable | None = None) -> None:
    """Fill the supervisors the person left empty: 属地 is the township, 行业主管 and 专业监管
    come from the industry's supervision duties."""
    if enterprise.township_id and not enterprise.territorial_supervisor_id:
        enterprise.territorial_supervisor_id = enterprise.township_id
    if not enterprise.industry_id:
        return
    if enterprise.industry_supervisor_id and enterprise.professional_supervisor_id:
        return
    duties = duties or DutyTable.load()
    if not enterprise.industry_supervisor_id:
        enterprise.industry_supervisor_id = duties.unit_id_for(
            enterprise.industry_id, SupervisionKind.INDUSTRY
        )
    if not enterprise.professional_supervisor_id:
        enterprise.professional_supervisor_id = duties.unit_id_for(
            enterprise.industry_id, SupervisionKind.PROFESSIONAL
        )


# --- create, update, deactivate --------------------------------------------------------------


def _apply(enterprise: Enterprise, fields: dict) -> None:
    unknown = set(fields) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name == "credit_code" and isinstance(value, str):
            value = value.strip().upper().replace(" ", "")
        setattr(enterprise, name, value)


def _save(enterprise: Enterprise, *, actor, reason: str | None = None) -> None:
    enterprise._history_user = actor
    if reason:
        enterprise._change_reason = reason
    enterprise.save()


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    """Put an enterprise on the roster; empty supervisors are routed from the duties."""
    enterprise = Enterprise()
    _apply(enterprise, fields)
    route_supervisors(enterprise)
    enterprise.full_clean()
    require(actor, "add", enterprise)
    _save(enterprise, actor=actor)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **fields) -> Enterprise:
    """Change an enterprise the actor may change; re-route supervisors left empty."""
    require(actor, "change", enterprise)
    old_township_id = Enterprise.objects.filter(pk=enterprise.pk).values_list(
        "township_id", flat=True
    )[0]
    _apply(enterprise, fields)
    if (
        "territorial_supervisor" not in fields
        and enterprise.township_id != old_township_id
        and enterprise.territorial_supervisor_id == old_township_id
    ):
        # The territorial supervisor followed the old township; it follows the new one.
        enterprise.territorial_supervisor_id = enterprise.township_id
    route_supervisors(enterprise)
    enterprise.full_clean()
    if enterprise.township_id != old_township_id and not can(actor, "add", enterprise):
        # Moving an enterprise into a township is the office's or that township's call.
        raise PermissionDenied(
            _("无权将生产经营单位划入“%(township)s”。") % {"township": enterprise.township}
        )
    _save(enterprise, actor=actor)
    return enterprise


@transaction.atomic
def enterprise_deactivate(*, actor, enterprise: Enterprise, reason: str = "") -> Enterprise:
    """Take an enterprise off the active roster (closed, moved away); its record stays.

    Only the office removes enterprises, so this is checked as a delete.
    """
    require(actor, "delete", enterprise)
    enterprise.is_active = False
    enterprise.full_clean()
    _save(enterprise, actor=actor, reason=reason or _("停用"))
    return enterprise


# --- sharing one record with another unit or a delegate -------------------------------------


def _unit_group(unit: OrgUnit) -> Group:
    """The unit's auth group, which its members belong to (``membership_add`` puts them in)."""
    return org_unit_ensure_group(unit=unit)


def _share_target(unit, user):
    if (unit is None) == (user is None):
        raise ValidationError(_("请选择共享的单位或个人（二选一）。"))
    return unit, user


def _check_share(actor, enterprise: Enterprise) -> None:
    require(actor, "change", enterprise)
    if not user_scope(actor).writes_all:
        raise PermissionDenied(_("只有安委办可以共享生产经营单位。"))


def _describe(unit, user) -> str:
    return str(unit) if unit is not None else user.get_username()


@transaction.atomic
def enterprise_share(
    *,
    actor,
    enterprise: Enterprise,
    unit: OrgUnit | None = None,
    user=None,
    actions: tuple[str, ...] | list[str] = ("view",),
) -> None:
    """Grant one enterprise to another unit (through its group) or to a delegate person."""
    _share_target(unit, user)
    actions = tuple(actions)
    if not actions or set(actions) - set(SHARE_ACTIONS):
        raise ValidationError(_("共享权限只能是“查看”或“修改”。"))
    _check_share(actor, enterprise)
    if "change" in actions and "view" not in actions:
        actions = ("view", *actions)
    owner = _unit_group(unit) if unit is not None else user
    for action in actions:
        assign_perm(f"{action}_enterprise", owner, enterprise)
    labels = "、".join(SHARE_LABELS[a] for a in actions)
    _save(
        enterprise,
        actor=actor,
        reason=_("共享给%(who)s（%(what)s）") % {"who": _describe(unit, user), "what": labels},
    )


@transaction.atomic
def enterprise_unshare(
    *,
    actor,
    enterprise: Enterprise,
    unit: OrgUnit | None = None,
    user=None,
    actions: tuple[str, ...] | list[str] = SHARE_ACTIONS,
) -> None:
    """Withdraw grants made by ``enterprise_share``; by default all of them."""
    _share_target(unit, user)
    _check_share(actor, enterprise)
    actions = tuple(actions)
    if "view" in actions:
        actions = tuple(SHARE_ACTIONS)  # no change right without the view right
    owner = _unit_group(unit) if unit is not None else user
    for action in actions:
        remove_perm(f"{action}_enterprise", owner, enterprise)
    _save(
        enterprise,
        actor=actor,
        reason=_("取消共享：%(who)s") % {"who": _describe(unit, user)},
    )


SHARE_LABELS = {"view": _("查看"), "change": _("修改")}


@dataclass
class EnterpriseShare:
    """One grant on an enterprise: to a unit (through its group) or to a person."""

    unit: OrgUnit | None
    user: object | None
    group: Group | None = None  # a grant to a group that is not a unit's (made in the admin)
    actions: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.group is not None:
            return self.group.name
        return _describe(self.unit, self.user)

    @property
    def action_labels(self) -> str:
        return "、".join(str(SHARE_LABELS[a]) for a in SHARE_ACTIONS if a in self.actions)


def enterprise_shares(*, enterprise: Enterprise) -> list[EnterpriseShare]:
    """Who this enterprise is shared with (for the office's detail page)."""
    shares: dict[tuple[str, int], EnterpriseShare] = {}
    model = enterprise._meta.model_name
    for row in EnterpriseGroupObjectPermission.objects.filter(
        content_object=enterprise
    ).select_related("group__org_unit", "permission"):
        unit = getattr(row.group, "org_unit", None)
        share = shares.setdefault(
            ("group", row.group_id),
            EnterpriseShare(unit=unit, user=None, group=None if unit else row.group),
        )
        share.actions.append(row.permission.codename.removesuffix(f"_{model}"))
    for row in EnterpriseUserObjectPermission.objects.filter(
        content_object=enterprise
    ).select_related("user", "permission"):
        share = shares.setdefault(("user", row.user_id), EnterpriseShare(unit=None, user=row.user))
        share.actions.append(row.permission.codename.removesuffix(f"_{model}"))
    return list(shares.values())


# --- import from Excel -----------------------------------------------------------------------


@dataclass
class ImportRow:
    """One data row of the sheet as the preview shows it."""

    number: int  # the row number Excel shows (the header is row 1)
    status: str  # "new", "update" or "error"
    name: str = ""
    credit_code: str = ""
    township: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[ImportRow]
    dry_run: bool
    saved: bool = False
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.status == "error" for row in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def update_count(self) -> int:
        return self.count("update")

    @property
    def error_count(self) -> int:
        return self.count("error")


def read_import_file(file) -> bytes:
    """The upload's bytes, after checking its name, size and that it really is a workbook."""
    name = getattr(file, "name", "") or ""
    limit = settings.UPLOAD_MAX_BYTES
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(
            {
                "file": _("请上传Excel工作簿（.xlsx）文件；“%(name)s”不是.xlsx文件。")
                % {"name": name}
            }
        )
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"file": _("文件过大（上限%(mb)d MB）。") % {"mb": limit // (1024 * 1024)}}
        )
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read()
    if len(content) > limit:
        raise ValidationError(
            {"file": _("文件过大（上限%(mb)d MB）。") % {"mb": limit // (1024 * 1024)}}
        )
    if not content.startswith(b"PK\x03\x04"):
        raise ValidationError(
            {
                "file": _("“%(name)s”不是有效的Excel工作簿（.xlsx），请用Excel另存为.xlsx后重试。")
                % {"name": name}
            }
        )
    return content


@transaction.atomic
def enterprises_import(*, actor, file, dry_run: bool) -> ImportResult:
    """Import the roster from an .xlsx sheet, all or nothing.

    Rows are keyed by 统一社会信用代码: a code already on the roster updates that enterprise.
    With ``dry_run`` (the preview) or when any row is invalid, nothing is saved; each row says
    whether it is new, an update, or what is wrong with it (row number and column).
    """
    from ..resources import EnterpriseResource

    if user_scope(actor).read_only or not user_scope(actor).is_authenticated:
        raise PermissionDenied(_("只读账号不能导入。"))
    content = read_import_file(file)
    resource = EnterpriseResource(actor=actor)
    dataset, row_numbers, ignored = resource.load_workbook(content)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    rows = resource.preview_rows(result, row_numbers)
    outcome = ImportResult(rows=rows, dry_run=dry_run, ignored_columns=ignored)
    if outcome.has_errors or result.has_errors() or result.has_validation_errors():
        transaction.set_rollback(True)
    else:
        outcome.saved = not dry_run
    return outcome
