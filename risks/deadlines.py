"""What the risk register has that falls due, for the deadline engine (``portal.deadlines``).

- ``risks.review`` — a graded point's next review (复评), its last assessment plus the cycle of
  its level (``settings.RISK_REVIEW_MONTHS``: red most often). The responsible unit is reminded
  7, 3 and 1 days before and, once the date is missed, receives the 督办单. Done means a new
  assessment, which moves ``review_due``; a retired point (销号) has none.

One query per sweep, whatever the number of points.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.deadlines import DeadlineSource, DueItem, register_deadline_source
from portal.workdays import WorkdayCalendar

from .choices import LEVEL_SHORT
from .models import RiskPoint


def point_link(pk: int) -> str:
    try:
        return reverse("risks:point-detail", args=[pk])
    except NoReverseMatch:  # before the register's pages are routed
        return f"/risks/{pk}/"


class ReviewDeadlines(DeadlineSource):
    name = "risks.review"
    model = RiskPoint
    label = gettext_lazy("风险点复评")
    issues_notices = True

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        points = self.without_event(
            RiskPoint.objects.filter(
                is_active=True, review_due__isnull=False, review_due__lte=until
            ).exclude(level=""),
            stage="overdue",
            due_field="review_due",
        )
        rows = points.values_list(
            "pk",
            "review_due",
            "code",
            "name",
            "level",
            "township__name",
            "responsible_unit_id",
            "responsible_person",
        ).order_by("review_due", "pk")
        return [
            DueItem(
                object_id=pk,
                due_on=due,
                title=_("风险点复评：%(code)s %(name)s（%(level)s风险）")
                % {"code": code, "name": name[:40], "level": LEVEL_SHORT.get(level, "")},
                text=_("%(township)s，管控责任人%(person)s。按风险等级定期复评，更新管控措施。")
                % {"township": township or "", "person": person},
                link=point_link(pk),
                unit_id=unit_id,
                remind_unit_ids=(unit_id,),
            )
            for pk, due, code, name, level, township, unit_id, person in rows
        ]

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        """Not reviewed yet: still active and its review date not moved past ``today``."""
        return set(
            RiskPoint.objects.filter(
                pk__in=object_ids, is_active=True, review_due__lte=today
            ).values_list("pk", flat=True)
        )


register_deadline_source(ReviewDeadlines())
