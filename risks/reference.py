"""The risk register's reference data, loaded by ``manage.py load_reference``.

``risk_thresholds.json`` gives the default bands of each method. A band missing from the
database is created from it; a band the office has adjusted is left as the office set it (the
file gives defaults, the database is the office's decision).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from responsibilities.reference import (
    CREATED,
    UNCHANGED,
    ReferenceDataError,
    ReferenceLoad,
    register_reference_step,
)

from .choices import AssessmentMethod, RiskLevel
from .models import RiskThreshold

THRESHOLDS_FILE = "risk_thresholds.json"


def load_risk_thresholds(load: ReferenceLoad) -> None:
    seen = set()
    existing = {(t.method, t.level) for t in RiskThreshold.objects.all()}
    for i, row in enumerate(load.rows(THRESHOLDS_FILE, "thresholds")):
        label = load.label(THRESHOLDS_FILE, i, f"{row.get('method')} {row.get('level')}")
        method = load.get(row, "method", label)
        level = load.get(row, "level", label)
        if method not in AssessmentMethod.values:
            raise ReferenceDataError(_("%(row)s：评估方法须为LEC或LS。") % {"row": label})
        if level not in RiskLevel.values:
            raise ReferenceDataError(
                _("%(row)s：等级须为 red、orange、yellow 或 blue。") % {"row": label}
            )
        if (method, level) in seen:
            raise ReferenceDataError(_("%(row)s：与前面的条目重复。") % {"row": label})
        seen.add((method, level))
        low = load.get(row, "min_score", label, types=(int, float))
        high = load.get(row, "max_score", label, types=(int, float), required=False)
        load.count("risk_thresholds")
        if (method, level) in existing:
            load.counts[UNCHANGED] += 1
            continue
        threshold = RiskThreshold(
            method=method,
            level=level,
            min_score=Decimal(str(low)),
            max_score=None if high is None else Decimal(str(high)),
            note=str(row.get("label") or "")[:200],
        )
        threshold.full_clean()
        threshold.save()
        load.counts[CREATED] += 1


register_reference_step("risk_thresholds", load_risk_thresholds)

# 中心城区禁止和限制类产业目录 — the catalogue's step (risks.catalogue), after the thresholds.
from .catalogue import load_industry_catalogue  # noqa: E402

register_reference_step("industry_catalogue", load_industry_catalogue)
