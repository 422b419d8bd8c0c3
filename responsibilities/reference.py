"""参考数据 — the reference data a real deployment starts from.

``load_reference`` reads the JSON files in ``fixtures/reference/`` (Shouguang's units with their
aliases, townships and streets, the group tokens of directives, the industries and the division
of supervision duties) and brings the database in line with them, step by step:

- each record is matched by its natural key (a unit's name, an industry's name…) and saved
  through the model's ``save`` only when a value differs, so simple-history records every real
  change and a second run writes nothing;
- aliases the office added by hand are kept (the file's aliases come first), and a township
  whose sample population and area were replaced by official figures keeps them;
- the global role groups (office, auditor, admin) and each unit's own auth group exist after.

Other apps add their reference data by registering a step, e.g. the risks app for
``risk_thresholds.json`` once its threshold model exists::

    from responsibilities.reference import register_reference_step

    def load_risk_thresholds(load):  # load: ReferenceLoad
        for i, row in enumerate(load.rows("risk_thresholds.json", "thresholds")):
            load.upsert(RiskThreshold, {"method": row["method"], "level": row["level"]},
                        {...}, label=load.label("risk_thresholds.json", i, row["level"]))

    register_reference_step("risk_thresholds", load_risk_thresholds)

(call it from the app's ``AppConfig.ready``). Steps run in one transaction after the built-in
ones, in the order they were registered; a bad file rolls everything back with a message that
names the file and the row.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portal.permissions import GLOBAL_ROLES

from .choices import SupervisionKind, UnitGroupRule, UnitKind
from .models import Industry, OrgUnit, SupervisionDuty, UnitGroup
from .selectors import normalize_unit_name
from .services.units import org_unit_ensure_group

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"
TOWNSHIPS_GEOJSON = Path(settings.BASE_DIR) / "fixtures" / "townships.geojson"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ReferenceDataError(ValueError):
    """A reference file that cannot be loaded; the message names the file and the row."""


@dataclass
class ReferenceLoad:
    """One run of ``load_reference``: where the files are, what was done, where to report."""

    directory: Path = REFERENCE_DIR
    stdout: TextIO | None = None
    counts: Counter = field(default_factory=Counter)
    _files: dict[str, Any] = field(default_factory=dict)

    def read(self, filename: str) -> dict:
        """The parsed JSON file (a top-level object), read once per run."""
        if filename not in self._files:
            path = self.directory / filename
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise ReferenceDataError(
                    _("找不到参考数据文件 %(file)s。") % {"file": path}
                ) from exc
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ReferenceDataError(
                    _("%(file)s 不是有效的 UTF-8 JSON：%(error)s")
                    % {"file": filename, "error": exc}
                ) from exc
            if not isinstance(data, dict):
                raise ReferenceDataError(_("%(file)s 顶层须为对象。") % {"file": filename})
            self._files[filename] = data
        return self._files[filename]

    def rows(self, filename: str, key: str) -> list[dict]:
        """The list under ``key`` in ``filename``; every row must be an object."""
        rows = self.read(filename).get(key)
        if not isinstance(rows, list):
            raise ReferenceDataError(
                _("%(file)s 缺少列表“%(key)s”。") % {"file": filename, "key": key}
            )
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ReferenceDataError(self.label(filename, i, "") + _("应为对象。"))
        return rows

    @staticmethod
    def label(filename: str, index: int, name: str) -> str:
        """How a row is named in messages: ``units.json 第3条（市住建局）``."""
        where = _("%(file)s 第%(n)d条") % {"file": filename, "n": index + 1}
        return f"{where}（{name}）" if name else where

    def get(self, row: dict, key: str, label: str, *, types=(str,), required=True):
        """``row[key]`` checked for type; None when absent and not required."""
        value = row.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ReferenceDataError(
                _("%(row)s：字段“%(key)s”缺失或类型不对。") % {"row": label, "key": key}
            )
        return value

    def upsert(
        self, model: type[models.Model], lookup: dict, values: dict, *, label: str
    ) -> tuple[models.Model, str]:
        """Create or update one record, saving (and so writing history) only on a change."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj, status = model(**lookup, **values), CREATED
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not changed:
                self.counts[UNCHANGED] += 1
                return obj, UNCHANGED
            for key, value in changed.items():
                setattr(obj, key, value)
            status = UPDATED
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ReferenceDataError(f"{label}：{validation_text(exc)}") from exc
        obj.save()
        self.counts[status] += 1
        return obj, status

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")


ReferenceStep = Callable[[ReferenceLoad], None]
_registered_steps: dict[str, ReferenceStep] = {}


def register_reference_step(name: str, func: ReferenceStep) -> None:
    """Add (or replace) a named step that ``load_reference`` runs after the built-in ones."""
    _registered_steps[name] = func


def reference_steps() -> list[tuple[str, ReferenceStep]]:
    return [*BUILTIN_STEPS, *_registered_steps.items()]


@transaction.atomic
def load_reference(stdout: TextIO | None = None, directory: Path | None = None) -> dict[str, int]:
    """Load every reference step; return counts (records per kind, created, updated…)."""
    load = ReferenceLoad(directory=Path(directory or REFERENCE_DIR), stdout=stdout)
    steps = reference_steps()
    for _name, step in steps:
        step(load)
    load.counts["steps"] = len(steps)
    for key in (CREATED, UPDATED, UNCHANGED):
        load.counts.setdefault(key, 0)
    load.say(
        _(
            "参考数据：单位 %(units)d 个（镇街区 %(townships)d 个）、单位组 %(unit_groups)d 个、"
            "行业 %(industries)d 个、监管分工 %(supervision_duties)d 条、角色组 %(role_groups)d 个；"
            "新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d（%(steps)d 个步骤）。"
        )
        % {
            key: load.counts[key]
            for key in (
                "units",
                "townships",
                "unit_groups",
                "industries",
                "supervision_duties",
                "role_groups",
                CREATED,
                UPDATED,
                UNCHANGED,
                "steps",
            )
        }
    )
    return dict(load.counts)


# --- the built-in steps ---------------------------------------------------------------------

UNITS_FILE = "units.json"
UNIT_GROUPS_FILE = "unit_groups.json"
INDUSTRIES_FILE = "industries.json"
DUTIES_FILE = "supervision_duties.json"
SAMPLE_FIELDS = ("population", "area_km2", "is_sample_data")


def load_role_groups(load: ReferenceLoad) -> None:
    """The global roles are Django groups: 安委办 (office), 审计/考核 (auditor), admin."""
    for name in GLOBAL_ROLES:
        _group, created = Group.objects.get_or_create(name=name)
        load.count(CREATED if created else UNCHANGED)
    load.count("role_groups", len(GLOBAL_ROLES))


def load_units(load: ReferenceLoad) -> None:
    rows = load.rows(UNITS_FILE, "units")
    kinds = set(UnitKind.values)
    owners: dict[str, str] = {}
    parsed = []
    for i, row in enumerate(rows):
        label = load.label(UNITS_FILE, i, str(row.get("name", "")))
        name = load.get(row, "name", label).strip()
        kind = load.get(row, "kind", label)
        if kind not in kinds:
            raise ReferenceDataError(
                _("%(row)s：类别“%(kind)s”无效，应为 %(choices)s 之一。")
                % {"row": label, "kind": kind, "choices": "、".join(sorted(kinds))}
            )
        aliases = _string_list(load, row, "aliases", label)
        short_name = (load.get(row, "short_name", label, required=False) or "").strip()
        # A name two units share would make the directive parser guess: refuse it here.
        for text in {name, short_name, *aliases} - {""}:
            key = normalize_unit_name(text)
            if owners.setdefault(key, name) != name:
                raise ReferenceDataError(
                    _("%(row)s：名称“%(alias)s”已被%(other)s使用，公文解析将无法区分。")
                    % {"row": label, "alias": text, "other": owners[key]}
                )
        values = {
            "short_name": short_name,
            "kind": kind,
            "is_committee_member": bool(
                load.get(row, "is_committee_member", label, types=(bool,), required=False)
            ),
            "sort_order": _or_default(
                load.get(row, "sort_order", label, types=(int,), required=False), 100
            ),
        }
        if kind == UnitKind.TOWNSHIP or any(key in row for key in SAMPLE_FIELDS):
            values["population"] = load.get(row, "population", label, types=(int,), required=False)
            values["area_km2"] = _decimal(
                load.get(row, "area_km2", label, types=(int, float, str), required=False),
                label,
            )
            values["is_sample_data"] = bool(
                load.get(row, "is_sample_data", label, types=(bool,), required=False)
            )
        parsed.append((name, aliases, values, label))

    existing = {u.name: u for u in OrgUnit.objects.filter(name__in=[p[0] for p in parsed])}
    for name, aliases, values, label in parsed:
        unit = existing.get(name)
        if unit is not None:
            values["aliases"] = _merge_aliases(aliases, unit.aliases)
            if not unit.is_sample_data and values.get("is_sample_data"):
                # The office replaced the sample figures with official ones: keep theirs.
                for key in SAMPLE_FIELDS:
                    values.pop(key, None)
        else:
            values["aliases"] = aliases
        unit, _status = load.upsert(OrgUnit, {"name": name}, values, label=label)
        if not unit.group_id:
            org_unit_ensure_group(unit=unit)
            load.count("unit_auth_groups_created")
        load.count("units")
        if unit.kind == UnitKind.TOWNSHIP:
            load.count("townships")


def load_unit_groups(load: ReferenceLoad) -> None:
    rules = set(UnitGroupRule.values)
    for i, row in enumerate(load.rows(UNIT_GROUPS_FILE, "groups")):
        label = load.label(UNIT_GROUPS_FILE, i, str(row.get("name", "")))
        name = load.get(row, "name", label).strip()
        rule = load.get(row, "rule", label)
        if rule not in rules:
            raise ReferenceDataError(
                _("%(row)s：展开规则“%(rule)s”无效，应为 %(choices)s 之一。")
                % {"row": label, "rule": rule, "choices": "、".join(sorted(rules))}
            )
        aliases = _string_list(load, row, "aliases", label)
        current = UnitGroup.objects.filter(name=name).first()
        values = {
            "rule": rule,
            "aliases": _merge_aliases(aliases, current.aliases if current else []),
        }
        group, _status = load.upsert(UnitGroup, {"name": name}, values, label=label)
        if "members" in row:
            members = _units_named(_string_list(load, row, "members", label), label)
            if set(group.members.values_list("pk", flat=True)) != {u.pk for u in members}:
                group.members.set(members)
        load.count("unit_groups")


def load_industries(load: ReferenceLoad) -> None:
    for i, row in enumerate(load.rows(INDUSTRIES_FILE, "industries")):
        label = load.label(INDUSTRIES_FILE, i, str(row.get("name", "")))
        name = load.get(row, "name", label).strip()
        values = {
            "code": (load.get(row, "code", label, required=False) or "").strip(),
            "sort_order": _or_default(
                load.get(row, "sort_order", label, types=(int,), required=False), 100
            ),
        }
        parent_name = load.get(row, "parent", label, required=False)
        if parent_name:
            parent = Industry.objects.filter(name=parent_name).first()
            if parent is None:
                raise ReferenceDataError(
                    _("%(row)s：上级行业“%(parent)s”须先列出。")
                    % {"row": label, "parent": parent_name}
                )
            values["parent"] = parent
        load.upsert(Industry, {"name": name}, values, label=label)
        load.count("industries")


def load_supervision_duties(load: ReferenceLoad) -> None:
    data = load.read(DUTIES_FILE)
    default_source = str(data.get("duty_source", ""))
    kinds = {SupervisionKind.INDUSTRY, SupervisionKind.PROFESSIONAL}
    industries = {i.name: i for i in Industry.objects.all()}
    for i, row in enumerate(load.rows(DUTIES_FILE, "duties")):
        label = load.label(DUTIES_FILE, i, f"{row.get('industry', '')} · {row.get('kind', '')}")
        industry = industries.get(load.get(row, "industry", label))
        if industry is None:
            raise ReferenceDataError(
                _("%(row)s：行业“%(name)s”不在 industries.json 中。")
                % {"row": label, "name": row["industry"]}
            )
        kind = load.get(row, "kind", label)
        if kind not in kinds:
            raise ReferenceDataError(
                _("%(row)s：监管类别“%(kind)s”无效，应为 industry 或 professional。")
                % {"row": label, "kind": kind}
            )
        (unit,) = _units_named([load.get(row, "unit", label)], label)
        values = {
            "unit": unit,
            "scope_note": (load.get(row, "scope_note", label, required=False) or "").strip(),
            "source": (load.get(row, "source", label, required=False) or default_source),
        }
        load.upsert(SupervisionDuty, {"industry": industry, "kind": kind}, values, label=label)
        load.count("supervision_duties")


BUILTIN_STEPS: list[tuple[str, ReferenceStep]] = [
    ("role_groups", load_role_groups),
    ("units", load_units),
    ("unit_groups", load_unit_groups),
    ("industries", load_industries),
    ("supervision_duties", load_supervision_duties),
]


# --- helpers ----------------------------------------------------------------------------------


def validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return "；".join(exc.messages)


def _or_default(value, default):
    return default if value is None else value


def _string_list(load: ReferenceLoad, row: dict, key: str, label: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReferenceDataError(
            _("%(row)s：字段“%(key)s”须为文字列表。") % {"row": label, "key": key}
        )
    return [v.strip() for v in value if v.strip()]


def _merge_aliases(ours: Iterable[str], theirs: Iterable[str] | None) -> list[str]:
    """The file's aliases, then any the office added by hand (compared normalised)."""
    merged, seen = [], set()
    for alias in [*ours, *(theirs or [])]:
        key = normalize_unit_name(alias)
        if key and key not in seen:
            seen.add(key)
            merged.append(alias)
    return merged


def _decimal(value, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ReferenceDataError(
            _("%(row)s：面积“%(value)s”不是数字。") % {"row": label, "value": value}
        ) from exc


def _units_named(names: list[str], label: str) -> list[OrgUnit]:
    found = {u.name: u for u in OrgUnit.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ReferenceDataError(
            _("%(row)s：单位“%(name)s”不在 units.json 中（须用规范名称）。")
            % {"row": label, "name": missing[0]}
        )
    return [found[n] for n in names]
