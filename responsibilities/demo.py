"""演示数据 — the demo a fresh ``make run`` shows, idempotent at any scale.

``seed_demo`` loads the reference data first, then runs the demo steps: the built-in ones here
(demo accounts, grids with their named officers, the sample enterprises in
``fixtures/demo/``) and those other apps register::

    from responsibilities.demo import register_demo_step

    def seed_demo_hazards(run):  # run: DemoRun
        count = run.option("hazards", 40)   # --hazards N, None when not given
        ...

    register_demo_step("hazards", seed_demo_hazards)

(call it from the app's ``AppConfig.ready``). Steps run in one transaction, after the
built-in ones, by ``order`` (default 100) and then in registration order; each must leave the data unchanged when run a second time.
``DemoRun`` offers ``read``/``rows`` for JSON files in ``fixtures/demo/``, ``upsert`` (saves
only on a change, so history stays clean), ``count`` and ``say``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal.permissions import GLOBAL_ROLES, ROLE_ADMIN, ROLE_AUDITOR, ROLE_OFFICE

from .choices import MembershipRole, SupervisionKind
from .models import Enterprise, Grid, GridOfficer, Industry, Membership, OrgUnit, Profile
from .reference import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ReferenceDataError,
    ReferenceLoad,
    validation_text,
)
from .reference import load_reference as load_reference_data
from .selectors import supervisor_for
from .services.units import org_unit_ensure_group

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD_SALT = "chengandemoaccounts2026"


@dataclass
class DemoRun(ReferenceLoad):
    """One run of ``seed_demo``: the command's options and the reference-loading helpers."""

    directory: Path = DEMO_DIR
    options: dict[str, Any] = field(default_factory=dict)

    def option(self, name: str, default=None):
        """An option of the command (``--hazards N`` → ``option("hazards")``), else ``default``."""
        value = self.options.get(name)
        return default if value is None else value


DemoStep = Callable[[DemoRun], None]
_registered_steps: dict[str, tuple[int, DemoStep]] = {}


def register_demo_step(name: str, func: DemoStep, *, order: int = 100) -> None:
    """Add (or replace) a named step that ``seed_demo`` runs after the built-in ones, by
    ``order`` and then in registration order (a step that needs every register's data, such
    as the deadline sweeps, registers with a high order)."""
    _registered_steps[name] = (order, func)


def demo_steps() -> list[tuple[str, DemoStep]]:
    ordered = sorted(_registered_steps.items(), key=lambda item: item[1][0])  # stable
    return [*BUILTIN_STEPS, *((name, func) for name, (_order, func) in ordered)]


@transaction.atomic
def seed_demo(*, stdout: TextIO | None = None, **options) -> dict[str, int]:
    """Load the reference data, then run every demo step; return the counts."""
    load_reference_data(stdout=stdout)
    run = DemoRun(stdout=stdout, options=options)
    steps = demo_steps()
    for _name, step in steps:
        step(run)
    run.counts["steps"] = len(steps)
    for key in (CREATED, UPDATED, UNCHANGED):
        run.counts.setdefault(key, 0)
    run.say(
        _(
            "演示数据：账号 %(accounts)d 个、网格 %(grids)d 个（网格员 %(grid_officers)d 名）、"
            "生产经营单位 %(enterprises)d 家；新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d；"
            "共运行 %(steps)d 个演示步骤（%(names)s）。"
        )
        % {
            **{
                key: run.counts[key]
                for key in (
                    "accounts",
                    "grids",
                    "grid_officers",
                    "enterprises",
                    CREATED,
                    UPDATED,
                    UNCHANGED,
                    "steps",
                )
            },
            "names": "、".join(name for name, _step in steps),
        }
    )
    run.say(
        _("演示账号 %(names)s 的密码均为 %(password)s。")
        % {
            "names": "、".join(a.username for a in DEMO_ACCOUNTS),
            "password": settings.DEMO_PASSWORD,
        }
    )
    return dict(run.counts)


# --- demo accounts --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    phone: str
    unit: str | None = None
    role: str = MembershipRole.STAFF
    title: str = ""
    global_role: str | None = None
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        "office", "王建国", "13853600101", "市安委办", title="安委办主任", global_role=ROLE_OFFICE
    ),
    DemoAccount("auditor", "赵敏", "13853600102", global_role=ROLE_AUDITOR),
    DemoAccount("zhujian", "张伟", "13853600103", "市住建局", title="安全科科员"),
    DemoAccount(
        "zhujian-lead",
        "刘强",
        "13853600104",
        "市住建局",
        role=MembershipRole.LEADER,
        title="副局长",
    ),
    DemoAccount("yingji", "陈静", "13853600105", "市应急管理局", title="综合协调科科员"),
    DemoAccount(
        "yingji-lead",
        "李娜",
        "13853600108",
        "市应急管理局",
        role=MembershipRole.LEADER,
        title="副局长",
    ),
    DemoAccount("houzhen", "孙涛", "13853600106", "侯镇", title="安监办工作人员"),
    DemoAccount("admin", "周明", "13853600107", global_role=ROLE_ADMIN, superuser=True),
)


def seed_accounts(run: DemoRun) -> None:
    """The demo accounts, password ``settings.DEMO_PASSWORD``, no forced change at first login."""
    User = get_user_model()
    # One hash with a fixed salt for every demo account, so "is it still the demo password?"
    # is a string comparison rather than seven slow PBKDF2 checks on every run.
    password = make_password(settings.DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)
    roles = {name: Group.objects.get_or_create(name=name)[0] for name in GLOBAL_ROLES}
    units = {u.name: u for u in OrgUnit.objects.filter(name__in={a.unit for a in DEMO_ACCOUNTS})}
    for account in DEMO_ACCOUNTS:
        label = _("演示账号 %(name)s") % {"name": account.username}
        wanted = {
            "email": f"{account.username}@example.cn",
            "is_active": True,
            "is_staff": account.superuser,
            "is_superuser": account.superuser,
            "password": password,
        }
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username, **wanted)
            user.save()
            run.count(CREATED)
        else:
            changed = {k: v for k, v in wanted.items() if getattr(user, k) != v}
            if changed:
                for key, value in changed.items():
                    setattr(user, key, value)
                user.save()
                run.count(UPDATED)
            else:
                run.count(UNCHANGED)
        run.upsert(
            Profile,
            {"user": user},
            {"full_name": account.full_name, "phone": account.phone, "must_change_password": False},
            label=label,
        )
        if account.global_role:
            user.groups.add(roles[account.global_role])
        if account.unit:
            unit = units.get(account.unit)
            if unit is None:
                raise ReferenceDataError(
                    _("%(row)s：单位“%(unit)s”不在参考数据中。")
                    % {"row": label, "unit": account.unit}
                )
            run.upsert(
                Membership,
                {"user": user, "unit": unit},
                {"role": account.role, "title": account.title},
                label=label,
            )
            user.groups.add(org_unit_ensure_group(unit=unit))
        run.count("accounts")


# --- grids and their named officers (网格化实名制监管名册) ---------------------------------------

GRIDS_FILE = "grids.json"
ENTERPRISES_FILE = "enterprises.json"


def seed_grids(run: DemoRun) -> None:
    rows = run.rows(GRIDS_FILE, "grids")
    townships = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP)}
    existing = {g.code: g for g in Grid.objects.filter(code__in=[r.get("code") for r in rows])}
    new_grids, grid_rows = [], []
    for i, row in enumerate(rows):
        label = run.label(GRIDS_FILE, i, str(row.get("code", "")))
        code = run.get(row, "code", label)
        township = townships.get(run.get(row, "township", label))
        if township is None:
            raise ReferenceDataError(
                _("%(row)s：镇街区“%(name)s”不在参考数据中。")
                % {"row": label, "name": row["township"]}
            )
        values = {
            "name": run.get(row, "name", label),
            "township": township,
            "community": run.get(row, "community", label, required=False) or "",
        }
        if code in existing:
            run.upsert(Grid, {"code": code}, values, label=label)
        else:
            grid = Grid(code=code, **values)
            _full_clean(grid, label)
            new_grids.append(grid)
            existing[code] = grid
        grid_rows.append((code, row, label))
        run.count("grids")
    if new_grids:
        bulk_create_with_history(new_grids, Grid)
        run.count(CREATED, len(new_grids))
        existing.update({g.code: g for g in Grid.objects.filter(code__in=list(existing))})

    officers = {
        (o.grid_id, o.name): o
        for o in GridOfficer.objects.filter(grid__in=[existing[c] for c, _r, _l in grid_rows])
    }
    new_officers = []
    for code, row, label in grid_rows:
        grid = existing[code]
        for person in row.get("officers") or []:
            values = {
                "role": run.get(person, "role", label),
                "phone": run.get(person, "phone", label, required=False) or "",
            }
            name = run.get(person, "name", label)
            if (grid.pk, name) in officers:
                run.upsert(GridOfficer, {"grid": grid, "name": name}, values, label=label)
            else:
                officer = GridOfficer(grid=grid, name=name, **values)
                _full_clean(officer, label)
                new_officers.append(officer)
                officers[(grid.pk, name)] = officer
            run.count("grid_officers")
    if new_officers:
        bulk_create_with_history(new_officers, GridOfficer)
        run.count(CREATED, len(new_officers))


# --- enterprises (生产经营单位) ----------------------------------------------------------------


def seed_enterprises(run: DemoRun) -> None:
    """The sample roster; industry and professional supervisors follow the division of duties."""
    rows = run.rows(ENTERPRISES_FILE, "enterprises")
    townships = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP)}
    industries = {i.name: i for i in Industry.objects.all()}
    grids = {g.code: g for g in Grid.objects.all()}
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[r.get("credit_code") for r in rows])
    }
    supervisors: dict[tuple[int, str], OrgUnit | None] = {}

    def supervisor(industry: Industry, kind: str) -> OrgUnit | None:
        if (industry.pk, kind) not in supervisors:
            supervisors[(industry.pk, kind)] = supervisor_for(industry, kind)
        return supervisors[(industry.pk, kind)]

    new = []
    for i, row in enumerate(rows):
        label = run.label(ENTERPRISES_FILE, i, str(row.get("name", "")))
        code = run.get(row, "credit_code", label)
        industry = industries.get(run.get(row, "industry", label))
        township = townships.get(run.get(row, "township", label))
        if industry is None or township is None:
            raise ReferenceDataError(_("%(row)s：行业或镇街区不在参考数据中。") % {"row": label})
        grid_code = run.get(row, "grid", label, required=False)
        values = {
            "name": run.get(row, "name", label),
            "industry": industry,
            "township": township,
            "grid": grids.get(grid_code) if grid_code else None,
            "address": run.get(row, "address", label, required=False) or "",
            "latitude": _coordinate(row.get("latitude")),
            "longitude": _coordinate(row.get("longitude")),
            "scale": run.get(row, "scale", label, required=False) or "",
            "employees": run.get(row, "employees", label, types=(int,), required=False),
            "is_high_risk": bool(row.get("is_high_risk")),
            "is_crowded_place": bool(row.get("is_crowded_place")),
            "legal_representative": run.get(row, "legal_representative", label, required=False)
            or "",
            "safety_contact": run.get(row, "safety_contact", label, required=False) or "",
            "phone": run.get(row, "phone", label, required=False) or "",
            "territorial_supervisor": township,
            "industry_supervisor": supervisor(industry, SupervisionKind.INDUSTRY),
            "professional_supervisor": supervisor(industry, SupervisionKind.PROFESSIONAL),
        }
        if code in existing:
            run.upsert(Enterprise, {"credit_code": code}, values, label=label)
        else:
            enterprise = Enterprise(credit_code=code, **values)
            _full_clean(enterprise, label)
            new.append(enterprise)
            existing[code] = enterprise
        run.count("enterprises")
    if new:
        bulk_create_with_history(new, Enterprise)
        run.count(CREATED, len(new))


BUILTIN_STEPS: list[tuple[str, DemoStep]] = [
    ("accounts", seed_accounts),
    ("grids", seed_grids),
    ("enterprises", seed_enterprises),
]


def _full_clean(obj, label: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ReferenceDataError(f"{label}：{validation_text(exc)}") from exc


def _coordinate(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"))
