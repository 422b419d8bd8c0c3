"""Writes to the risk register: points, assessments and the thresholds that grade them.

A score is computed here from the assessor's inputs and never typed: LEC multiplies the
standard option values of L, E and C (作业条件危险性分析法), the LS matrix multiplies
likelihood and severity, 1–5 each. The level comes from the ``RiskThreshold`` rows in force,
and a point's level is the stricter of the latest assessment by each method (从严从高).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.maps import check_coordinates
from portal.models import YearCounter
from portal.notifications.services import notify, office_user_ids, unit_user_ids
from portal.permissions import require, user_scope
from responsibilities.choices import UnitKind

from .choices import (
    LEC_C_OPTIONS,
    LEC_E_OPTIONS,
    LEC_L_OPTIONS,
    LEVEL_RANK,
    LS_L_OPTIONS,
    LS_S_OPTIONS,
    AccidentType,
    AssessmentMethod,
    RiskLevel,
    stricter,
)
from .models import Assessment, RiskPoint, RiskThreshold, risk_code

NOTIFY_CATEGORY = "risks"

LEC_VALUES = {
    "likelihood": {Decimal(v) for v, _label in LEC_L_OPTIONS},
    "exposure": {Decimal(v) for v, _label in LEC_E_OPTIONS},
    "consequence": {Decimal(v) for v, _label in LEC_C_OPTIONS},
}
LS_VALUES = {
    "likelihood": {v for v, _label in LS_L_OPTIONS},
    "severity": {v for v, _label in LS_S_OPTIONS},
}
FIELD_LABELS = {
    "likelihood": "L",
    "exposure": "E",
    "consequence": "C",
    "severity": "S",
}

# What ``risk_point_update`` may change: the description, never the code, the level or the
# review dates (those follow the assessments).
DESCRIPTIVE_FIELDS = (
    "name",
    "kind",
    "category",
    "industry",
    "description",
    "township",
    "grid",
    "enterprise",
    "address",
    "latitude",
    "longitude",
    "accident_types",
    "engineering_measures",
    "management_measures",
    "training_measures",
    "protective_measures",
    "emergency_measures",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "control_level",
)


# --- the arithmetic -----------------------------------------------------------------------------


def _number(field: str, value) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("请填写%(f)s值。") % {"f": FIELD_LABELS[field]}})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {field: _("%(f)s值“%(value)s”不是数字。") % {"f": FIELD_LABELS[field], "value": value}}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(f)s值不是有限数。") % {"f": FIELD_LABELS[field]}})
    return number


def _allowed(field: str, number: Decimal, allowed) -> None:
    if number not in allowed:
        options = "、".join(f"{v:g}" for v in sorted(allowed, reverse=True))
        raise ValidationError(
            {
                field: _("%(f)s值须取标准取值之一（%(options)s），不能是%(value)s。")
                % {"f": FIELD_LABELS[field], "options": options, "value": f"{number:g}"}
            }
        )


def compute_score(
    method: str, *, likelihood, exposure=None, consequence=None, severity=None
) -> Decimal:
    """D = L × E × C for LEC (each from the standard tables), R = L × S for the LS matrix."""
    if method == AssessmentMethod.LEC:
        values = {
            "likelihood": _number("likelihood", likelihood),
            "exposure": _number("exposure", exposure),
            "consequence": _number("consequence", consequence),
        }
        for field, number in values.items():
            _allowed(field, number, LEC_VALUES[field])
        score = values["likelihood"] * values["exposure"] * values["consequence"]
    elif method == AssessmentMethod.LS:
        values = {
            "likelihood": _number("likelihood", likelihood),
            "severity": _number("severity", severity),
        }
        for field, number in values.items():
            if number != number.to_integral_value() or not 1 <= number <= 5:
                raise ValidationError(
                    {
                        field: _("%(f)s值须为1到5的整数，不能是%(value)s。")
                        % {"f": FIELD_LABELS[field], "value": f"{number:g}"}
                    }
                )
        score = values["likelihood"] * values["severity"]
    else:
        raise ValidationError({"method": _("评估方法须为LEC或LS。")})
    return score.quantize(Decimal("0.01"))


def thresholds_for(method: str) -> list[RiskThreshold]:
    """The bands of one method, strictest first."""
    rows = [t for t in RiskThreshold.objects.filter(method=method)]
    return sorted(rows, key=lambda t: LEVEL_RANK[t.level])


def level_for(method: str, score, thresholds: list[RiskThreshold] | None = None) -> str:
    """The strictest level whose band (min ≤ score ≤ max, max open when empty) holds the score."""
    rows = thresholds if thresholds is not None else thresholds_for(method)
    if not rows:
        raise ValidationError(
            _(
                "尚未设置%(method)s法的风险等级阈值：请运行 load_reference，"
                "或由安委办在“等级阈值”页面设置。"
            )
            % {"method": method}
        )
    score = Decimal(str(score))
    for row in rows:
        if score >= row.min_score and (row.max_score is None or score <= row.max_score):
            return row.level
    raise ValidationError(
        {
            "likelihood": _(
                "风险值%(score)s不在%(method)s法任何等级的阈值范围内，请安委办检查阈值设置。"
            )
            % {"score": f"{score:g}", "method": method}
        }
    )


def review_due_after(assessed_on: datetime.date, level: str) -> datetime.date:
    """The next review: the last assessment plus the level's cycle (RISK_REVIEW_MONTHS)."""
    months = int(settings.RISK_REVIEW_MONTHS[level])
    return assessed_on + relativedelta(months=months)


# --- who may act ------------------------------------------------------------------------------


def _deny_read_only(actor) -> None:
    scope = user_scope(actor)
    if not scope.is_authenticated or scope.read_only:
        raise PermissionDenied(_("您没有修改风险清单的权限。"))


def _check_point(point: RiskPoint) -> None:
    errors = {}
    if point.township_id and point.township.kind != UnitKind.TOWNSHIP:
        errors["township"] = _("“%(unit)s”不是镇街区。") % {"unit": point.township.name}
    if point.grid_id and point.township_id and point.grid.township_id != point.township_id:
        errors["grid"] = _("网格“%(grid)s”不在%(township)s。") % {
            "grid": point.grid.name,
            "township": point.township.name,
        }
    if (
        point.enterprise_id
        and point.township_id
        and point.enterprise.township_id
        not in (
            None,
            point.township_id,
        )
    ):
        errors["enterprise"] = _("生产经营单位“%(name)s”不在%(township)s。") % {
            "name": point.enterprise.name,
            "township": point.township.name,
        }
    accident_types = point.accident_types or []
    if not isinstance(accident_types, list) or any(
        a not in AccidentType.values for a in accident_types
    ):
        errors["accident_types"] = _("事故类型须从列表中选择。")
    else:
        point.accident_types = sorted(set(accident_types), key=AccidentType.values.index)
    if errors:
        raise ValidationError(errors)
    check_coordinates(point)


def _clean_text_fields(point: RiskPoint) -> None:
    for field in ("name", "responsible_person", "responsible_phone", "address"):
        value = getattr(point, field)
        if isinstance(value, str):
            setattr(point, field, value.strip())


# --- risk points --------------------------------------------------------------------------------


@transaction.atomic
def risk_point_register(
    *,
    actor,
    name: str,
    kind: str,
    category: str,
    township,
    responsible_unit,
    responsible_person: str,
    **fields,
) -> RiskPoint:
    """登记风险点: a new point, not yet graded; its code comes from the year's counter."""
    _deny_read_only(actor)
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValidationError(
            _("不能直接设置：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    point = RiskPoint(
        name=name,
        kind=kind,
        category=category,
        township=township,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        registered_by=actor,
        **fields,
    )
    _clean_text_fields(point)
    require(actor, "add", point)
    _check_point(point)
    point.code = "pending"
    point.full_clean(exclude=["code"])
    year = timezone.localdate().year
    point.code = risk_code(year, YearCounter.take("risk", year))
    point.save()
    return point


def lock_point(point: RiskPoint) -> RiskPoint:
    """The point re-read under a row lock (only its own row: its joins are nullable)."""
    return RiskPoint.objects.select_for_update(of=("self",)).get(pk=point.pk)


@transaction.atomic
def risk_point_update(*, actor, point: RiskPoint, **fields) -> RiskPoint:
    """Change what describes a point (not its code, level or review dates)."""
    _deny_read_only(actor)
    point = lock_point(point)
    require(actor, "change", point)
    if not point.is_active:
        raise ValidationError(_("已销号的风险点不能修改。"))
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValidationError(
            _("不能直接修改：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    for field, value in fields.items():
        setattr(point, field, value)
    _clean_text_fields(point)
    if not user_scope(actor).writes_all and not point.scope_allows_add(user_scope(actor)):
        # A unit may not move a point out of its own reach.
        raise ValidationError({"township": _("修改后风险点须仍在本单位辖区或由本单位管控。")})
    _check_point(point)
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def risk_point_retire(*, actor, point: RiskPoint, reason: str) -> RiskPoint:
    """销号: the point no longer exists (the plant closed, the works finished); reviews stop."""
    _deny_read_only(actor)
    point = lock_point(point)
    require(actor, "change", point)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写销号原因。")})
    if not point.is_active:
        raise ValidationError(_("该风险点已销号。"))
    point.is_active = False
    point.retired_reason = reason[:200]
    point.review_due = None
    point.save()
    return point


# --- assessments --------------------------------------------------------------------------------


def latest_by_method(point: RiskPoint) -> dict[str, Assessment]:
    """The latest assessment of each method (by date, then by entry)."""
    latest: dict[str, Assessment] = {}
    for assessment in point.assessments.order_by("-assessed_on", "-pk"):
        latest.setdefault(assessment.method, assessment)
    return latest


def deciding_assessment(point: RiskPoint) -> Assessment | None:
    """The assessment that sets the point's level: the strictest of the latest by each method;
    on a tie, the most recent."""
    candidates = sorted(
        latest_by_method(point).values(),
        key=lambda a: (LEVEL_RANK[a.level], -a.assessed_on.toordinal(), -a.pk),
    )
    return candidates[0] if candidates else None


@transaction.atomic
def assessment_record(
    *,
    actor,
    point: RiskPoint,
    method: str,
    likelihood,
    exposure=None,
    consequence=None,
    severity=None,
    assessed_on: datetime.date,
    assessor_name: str = "",
    note: str = "",
) -> Assessment:
    """评估: record one assessment, computed here; the point takes the stricter level of its
    latest assessment by each method, and a change of level is told to the responsible unit and
    the office."""
    _deny_read_only(actor)
    point = lock_point(point)
    require(actor, "change", point)
    if not point.is_active:
        raise ValidationError(_("已销号的风险点不能评估。"))
    if not assessed_on:
        raise ValidationError({"assessed_on": _("请填写评估日期。")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("评估日期不能晚于今天。")})
    score = compute_score(
        method,
        likelihood=likelihood,
        exposure=exposure,
        consequence=consequence,
        severity=severity,
    )
    level = level_for(method, score)
    is_lec = method == AssessmentMethod.LEC
    assessment = Assessment(
        risk_point=point,
        method=method,
        likelihood=Decimal(str(likelihood)),
        exposure=Decimal(str(exposure)) if is_lec else None,
        consequence=Decimal(str(consequence)) if is_lec else None,
        severity=None if is_lec else int(Decimal(str(severity))),
        score=score,
        level=level,
        assessed_on=assessed_on,
        assessor=actor,
        assessor_name=(assessor_name or "").strip()[:100],
        note=(note or "").strip(),
    )
    assessment.full_clean()
    assessment.save()

    before = point.level or None
    latest = latest_by_method(point)
    after = None
    for each in latest.values():
        after = stricter(after, each.level)
    point.level = after or ""
    point.last_assessed_on = max(a.assessed_on for a in latest.values())
    point.review_due = review_due_after(point.last_assessed_on, point.level)
    if after != before:
        point.level_changed_at = timezone.now()
    point.save()
    if after != before:
        _notify_level_change(actor, point, before, after)
    return assessment


def _level_label(level: str | None) -> str:
    return str(RiskLevel(level).label) if level else _("未评估")


def _notify_level_change(actor, point: RiskPoint, before: str | None, after: str) -> None:
    recipients = sorted(
        (set(unit_user_ids(point.responsible_unit)) | set(office_user_ids())) - {actor.pk}
    )
    if not recipients:
        return
    notify(
        recipients=recipients,
        title=_("风险点等级变更：%(name)s %(before)s → %(after)s")
        % {"name": point.name, "before": _level_label(before), "after": _level_label(after)},
        body=_(
            "%(code)s %(name)s（%(township)s）经评估由%(before)s调整为%(after)s，请落实相应管控措施。"
        )
        % {
            "code": point.code,
            "name": point.name,
            "township": point.township.name,
            "before": _level_label(before),
            "after": _level_label(after),
        },
        link=point.get_absolute_url(),
        category=NOTIFY_CATEGORY,
        unit=point.responsible_unit,
    )


# --- thresholds ---------------------------------------------------------------------------------


def _score(field: str, value, *, required: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("请填写分值。")})
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("分值“%(value)s”不是数字。") % {"value": value}}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("分值须为不小于0的数字。")})
    return number


@transaction.atomic
def threshold_update(*, actor, threshold: RiskThreshold, min_score, max_score) -> RiskThreshold:
    """安委办 adjusts one band. The bands of a method must keep their order (a stricter level
    starts higher) and must not overlap. Assessments already recorded keep their level; new
    ones are graded by the new bands."""
    if not user_scope(actor).writes_all:
        raise PermissionDenied(_("只有安委办可以调整风险等级阈值。"))
    rows = {
        t.level: t
        for t in RiskThreshold.objects.select_for_update().filter(method=threshold.method)
    }
    row = rows[threshold.level]
    row.min_score = _score("min_score", min_score, required=True)
    row.max_score = _score("max_score", max_score, required=False)
    if row.max_score is not None and row.max_score < row.min_score:
        raise ValidationError({"max_score": _("最高分值不能小于最低分值。")})
    ordered = sorted(rows.values(), key=lambda t: LEVEL_RANK[t.level])
    for stricter_row, laxer_row in itertools.pairwise(ordered):
        if laxer_row.min_score >= stricter_row.min_score:
            raise ValidationError(
                {
                    "min_score": _("%(lax)s的最低分值须低于%(strict)s的最低分值（%(value)s）。")
                    % {
                        "lax": laxer_row.get_level_display(),
                        "strict": stricter_row.get_level_display(),
                        "value": f"{stricter_row.min_score:g}",
                    }
                }
            )
        if laxer_row.max_score is not None and laxer_row.max_score >= stricter_row.min_score:
            raise ValidationError(
                {
                    "max_score": _("%(lax)s的分值范围与%(strict)s重叠。")
                    % {
                        "lax": laxer_row.get_level_display(),
                        "strict": stricter_row.get_level_display(),
                    }
                }
            )
    row.full_clean()
    row.save()
    return row
