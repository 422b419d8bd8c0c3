"""Writes of the scorecard (考核): the office sets the weights and publishes a period's ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.permissions import require

from .models import Indicator, ScorecardEdition, ScoreWeight
from .scorecard import (
    DEFAULT_WEIGHTS,
    Period,
    frozen_rows,
    frozen_weights,
    scorecard,
)


@transaction.atomic
def weights_update(*, actor, values: dict[str, dict]) -> list[ScoreWeight]:
    """Set the weights: ``values`` maps an indicator to {weight, penalty, is_active, note}.

    Missing rows are created; only rows that change are saved (history records each change).
    The active weights must total more than 0, or nothing could be scored.
    """
    rows = {row.indicator: row for row in ScoreWeight.objects.select_for_update()}
    unknown = sorted(set(values) - set(Indicator.values))
    if unknown:
        raise ValidationError(_("未知的考核指标：%(names)s。") % {"names": "、".join(unknown)})
    changed, errors = [], {}
    for indicator in Indicator:
        row = rows.get(indicator)
        if row is None:
            weight, penalty = DEFAULT_WEIGHTS[indicator]
            row = ScoreWeight(indicator=indicator, weight=weight, penalty=penalty)
        require(actor, "change" if row.pk else "add", row)
        given = values.get(indicator.value, {})
        before = (row.weight, row.penalty, row.is_active, row.note)
        for name in ("weight", "penalty", "is_active", "note"):
            if name in given:
                setattr(row, name, given[name])
        rows[indicator] = row
        try:
            row.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{indicator.value}-{field}"] = [
                    f"{indicator.label}：{message}" for message in messages
                ]
            continue
        if row.pk is None or before != (row.weight, row.penalty, row.is_active, row.note):
            changed.append(row)
    if errors:
        raise ValidationError(errors)
    active_total = sum((row.weight for row in rows.values() if row.is_active), Decimal(0))
    if active_total <= 0:
        raise ValidationError(_("启用指标的权重合计须大于0。"))
    for row in changed:
        row.save()
    return [rows[indicator] for indicator in Indicator]


@transaction.atomic
def scorecard_publish(
    *, actor, period: Period, today: datetime.date, title: str = ""
) -> ScorecardEdition:
    """Freeze ``period``'s ranking with the weights in force (the office; once per period)."""
    edition = ScorecardEdition(
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        title=(title or "").strip() or _("%(period)s考核结果") % {"period": period.label},
        published_by=actor,
    )
    require(actor, "add", edition)
    if period.start > today:
        raise ValidationError(
            {"period": _("%(period)s尚未开始，不能发布。") % {"period": period.label}}
        )
    existing = ScorecardEdition.objects.filter(
        period_kind=period.kind, period_start=period.start
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "period": _("%(period)s的考核结果已经发布：《%(title)s》。")
                % {"period": period.label, "title": existing.title}
            }
        )
    card = scorecard(period=period, today=today)
    edition.weights = frozen_weights(card.weights)
    edition.rows = frozen_rows(card)
    edition.full_clean()
    try:
        with transaction.atomic():
            edition.save()
    except IntegrityError as exc:  # published by another office user a moment ago
        raise ValidationError({"period": _("该周期的考核结果已经发布。")}) from exc
    return edition
