"""The scorecard's default weights, loaded by ``manage.py load_reference``.

节点按时完成率 40, 进展报告一次通过率 20, 督办单 20 (10 points per notice), 隐患按期整改率 20.
Only missing rows are created: weights the office has set stay as it set them.
"""

from __future__ import annotations

from responsibilities.reference import CREATED, UNCHANGED, ReferenceLoad, register_reference_step

from .models import ScoreWeight
from .scorecard import DEFAULT_WEIGHTS


def load_score_weights(load: ReferenceLoad) -> None:
    existing = set(ScoreWeight.objects.values_list("indicator", flat=True))
    for indicator, (weight, penalty) in DEFAULT_WEIGHTS.items():
        load.count("score_weights")
        if indicator in existing:
            load.counts[UNCHANGED] += 1
            continue
        row = ScoreWeight(indicator=indicator, weight=weight, penalty=penalty)
        row.full_clean()
        row.save()
        load.counts[CREATED] += 1


register_reference_step("score_weights", load_score_weights)
