"""Writes on the ledger itself: the office corrects a directive's title or 文号, or a
milestone's date or target. Reports have their own services (``reports.py``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from portal.permissions import require

from ..models import Directive, Milestone


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()  # "not given": None is a real value for dates and targets


@transaction.atomic
def directive_update(
    *,
    actor,
    directive: Directive,
    title: str | _Unset = UNSET,
    doc_number: str | _Unset = UNSET,
) -> Directive:
    """Correct a directive's title or 文号 (the office)."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    require(actor, "change", directive)
    if title is not UNSET:
        directive.title = title.strip()
    if doc_number is not UNSET:
        directive.doc_number = doc_number.strip()
    directive.full_clean()
    directive.save()
    return directive


@transaction.atomic
def milestone_update(
    *,
    actor,
    milestone: Milestone,
    due_on: datetime.date | _Unset | None = UNSET,
    target_value: Decimal | _Unset | None = UNSET,
    target_unit: str | _Unset = UNSET,
    target_subject: str | _Unset = UNSET,
    target_comparator: str | _Unset = UNSET,
) -> Milestone:
    """Move a milestone's due date or correct its target (the office); the light follows."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    require(actor, "change", milestone)
    changes = {
        "due_on": due_on,
        "target_value": target_value,
        "target_unit": target_unit,
        "target_subject": target_subject,
        "target_comparator": target_comparator,
    }
    for name, value in changes.items():
        if value is not UNSET:
            setattr(milestone, name, value)
    milestone.full_clean()
    milestone.save()
    return milestone
