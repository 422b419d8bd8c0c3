"""What the hazard ledger has that falls due, for the deadline engine (``portal.deadlines``).

- ``hazards.rectification`` — a confirmed or rectifying hazard's 整改时限: the responsible unit
  is reminded and, once it is missed, receives the 督办单. Done means submitted for acceptance
  (the supervising unit's step is not the responsible unit's delay).
- ``hazards.listing`` — a listed hazard's 督办整改时限 (挂牌督办) while it is listed and not yet
  closed: the responsible unit is reminded and receives the 督办单.
- ``hazards.listing-progress`` — each quarter end while a hazard is listed, the responsible
  unit's quarterly progress (季度进展) is due; reminders and overdue, no 督办单 (it is a report,
  not the rectification). The item is the listing, keyed by the quarter end.
- ``hazards.campaign`` — recurring inspection drives (每年3月; 每年4月和11月): once a drive's
  period has ended, the next one is created for the next listed month, once (the engine's
  recurrence stage). A drive itself has nothing to remind.

Reads are bulk: one query per source and sweep, whatever the number of hazards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from portal.deadlines import (
    DeadlineSource,
    DueItem,
    Occurrence,
    listed_months,
    monthly_periods,
    register_deadline_source,
)
from portal.workdays import WorkdayCalendar

from .choices import HazardState, ListingState
from .models import Campaign, Hazard, HazardListing, ListingProgress
from .services import quarter_end


def hazard_link(pk: int) -> str:
    try:
        return reverse("hazards:hazard-detail", args=[pk])
    except NoReverseMatch:  # before the ledger's pages are routed
        return f"/hazards/{pk}/"


def _rectification_open_on(today: datetime.date) -> Q:
    """Still to be rectified on ``today``: confirmed or rectifying, or submitted only after
    ``today`` (a sweep at a past date sees the hazard as it was then; the sources also leave
    out what was not yet found or listed on that date)."""
    return Q(state__in=(HazardState.CONFIRMED, HazardState.RECTIFYING)) | Q(
        state__in=(HazardState.AWAITING_ACCEPTANCE, HazardState.CLOSED), rectified_on__gt=today
    )


def _not_closed_on(today: datetime.date) -> Q:
    return Q(hazard__closed_at__isnull=True) | Q(hazard__closed_at__date__gt=today)


class RectificationDeadlines(DeadlineSource):
    name = "hazards.rectification"
    model = Hazard
    label = gettext_lazy("隐患整改")
    issues_notices = True

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        hazards = self.without_event(
            Hazard.objects.filter(
                deadline__isnull=False, deadline__lte=until, found_on__lte=today
            ).filter(_rectification_open_on(today)),
            stage="overdue",
            due_field="deadline",
        )
        rows = hazards.values_list(
            "pk",
            "deadline",
            "code",
            "description",
            "address",
            "township__name",
            "responsible_unit_id",
            "supervising_unit__name",
        ).order_by("deadline", "pk")
        items = []
        for pk, deadline, code, description, address, township, unit_id, supervisor in rows:
            items.append(
                DueItem(
                    object_id=pk,
                    due_on=deadline,
                    title=_("隐患%(code)s整改（%(place)s）")
                    % {"code": code, "place": f"{township or ''}{address}"[:60]},
                    text=description,
                    link=hazard_link(pk),
                    unit_id=unit_id,
                    remind_unit_ids=(unit_id,) if unit_id else (),
                    co_unit_names=supervisor or "",
                )
            )
        return items

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return set(
            Hazard.objects.filter(pk__in=object_ids)
            .filter(_rectification_open_on(today))
            .values_list("pk", flat=True)
        )


class ListingDeadlines(DeadlineSource):
    name = "hazards.listing"
    model = HazardListing
    label = gettext_lazy("挂牌督办")
    issues_notices = True

    def _listed(self, today):
        return HazardListing.objects.filter(state=ListingState.LISTED, listed_on__lte=today).filter(
            _not_closed_on(today)
        )

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        listings = self.without_event(
            self._listed(today).filter(deadline__lte=until), stage="overdue", due_field="deadline"
        )
        rows = listings.values_list(
            "pk",
            "deadline",
            "authority",
            "notice_number",
            "hazard_id",
            "hazard__code",
            "hazard__description",
            "hazard__responsible_unit_id",
        ).order_by("deadline", "pk")
        items = []
        for pk, deadline, authority, number, hazard_id, code, description, unit_id in rows:
            items.append(
                DueItem(
                    object_id=pk,
                    due_on=deadline,
                    title=_("挂牌督办重大隐患%(code)s（%(authority)s %(number)s）")
                    % {"code": code, "authority": authority, "number": number},
                    text=description,
                    link=hazard_link(hazard_id),
                    unit_id=unit_id,
                    remind_unit_ids=(unit_id,) if unit_id else (),
                )
            )
        return items

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return set(self._listed(today).filter(pk__in=object_ids).values_list("pk", flat=True))


def quarter_ends(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    """Every quarter end from the one ``start`` falls in up to ``end`` (inclusive)."""
    day = quarter_end(start)
    while day <= end:
        yield day
        day = quarter_end(day + datetime.timedelta(days=1))


class ListingProgressDeadlines(DeadlineSource):
    name = "hazards.listing-progress"
    model = HazardListing
    label = gettext_lazy("挂牌督办季度进展")
    issues_notices = False

    def _missing(self, listing_ids, rows, until, *, skip_marked: bool):
        """(row, quarter end) pairs with no progress filed, two queries for all listings."""
        from portal.supervision.models import DeadlineEvent

        reported = set(
            ListingProgress.objects.filter(listing_id__in=listing_ids).values_list(
                "listing_id", "period_end"
            )
        )
        marked = set()
        if skip_marked:
            marked = set(
                DeadlineEvent.objects.filter(
                    source=self.name, stage="overdue", object_id__in=listing_ids
                ).values_list("object_id", "due_on")
            )
        for row in rows:
            for day in quarter_ends(row[1], until):
                if (row[0], day) not in reported and (row[0], day) not in marked:
                    yield row, day

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        rows = list(
            HazardListing.objects.filter(state=ListingState.LISTED, listed_on__lte=today)
            .values_list(
                "pk",
                "listed_on",
                "notice_number",
                "hazard_id",
                "hazard__code",
                "hazard__responsible_unit_id",
            )
            .order_by("pk")
        )
        if not rows:
            return []
        items = []
        for row, day in self._missing([r[0] for r in rows], rows, until, skip_marked=True):
            pk, _listed, number, hazard_id, code, unit_id = row
            items.append(
                DueItem(
                    object_id=pk,
                    due_on=day,
                    title=_("重大隐患%(code)s %(year)d年第%(quarter)d季度督办进展（%(number)s）")
                    % {
                        "code": code,
                        "year": day.year,
                        "quarter": (day.month + 2) // 3,
                        "number": number,
                    },
                    link=hazard_link(hazard_id),
                    unit_id=unit_id,
                    remind_unit_ids=(unit_id,) if unit_id else (),
                )
            )
        return items

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        """Listings still listed whose latest quarter end up to ``today`` has no progress."""
        rows = list(
            HazardListing.objects.filter(
                pk__in=object_ids, state=ListingState.LISTED, listed_on__lte=today
            ).values_list("pk", "listed_on")
        )
        latest = {}
        for pk, listed_on in rows:
            days = list(quarter_ends(listed_on, today))
            if days:
                latest[pk] = days[-1]
        reported = set(
            ListingProgress.objects.filter(listing_id__in=list(latest)).values_list(
                "listing_id", "period_end"
            )
        )
        return {pk for pk, day in latest.items() if (pk, day) not in reported}


class CampaignRecurrence(DeadlineSource):
    name = "hazards.campaign"
    model = Campaign
    label = gettext_lazy("排查行动")
    issues_notices = False

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        return []

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return set()

    def next_occurrences(self, *, today) -> list[Occurrence]:
        """For each recurring drive whose latest period has ended: every listed month since,
        up to the first that has not ended yet."""
        heads = Campaign.objects.filter(series__isnull=True).exclude(recurrence_months=[])
        rows = Campaign.objects.filter(Q(pk__in=heads.values("pk")) | Q(series__in=heads)).values(
            "pk", "series_id", "name", "starts_on", "ends_on", "recurrence_months"
        )
        series: dict[int, dict] = {}
        for row in rows:
            entry = series.setdefault(row["series_id"] or row["pk"], {"latest": None})
            if row["series_id"] is None:
                entry["months"], entry["name"] = row["recurrence_months"], row["name"]
            if entry["latest"] is None or row["starts_on"] > entry["latest"][0]:
                entry["latest"] = (row["starts_on"], row["ends_on"])
        wanted = []
        for head_id, entry in series.items():
            months = listed_months(entry.get("months"))
            if not months or entry["latest"] is None:
                continue
            starts_on, ends_on = entry["latest"]
            while ends_on < today:
                starts_on, ends_on = next_campaign_period(ends_on, months)
                wanted.append(Occurrence(head_id, starts_on, entry["name"]))
        return wanted

    def create_occurrences(self, occurrences: Sequence[Occurrence]) -> None:
        heads = Campaign.objects.prefetch_related("townships").in_bulk(
            [o.object_id for o in occurrences]
        )
        copies = []
        for occurrence in occurrences:
            head = heads[occurrence.object_id]
            _starts, ends_on = next_campaign_period(
                occurrence.due_on - datetime.timedelta(days=1), [occurrence.due_on.month]
            )
            copies.append(
                Campaign(
                    name=head.name,
                    description=head.description,
                    scope=head.scope,
                    industry_id=head.industry_id,
                    lead_unit_id=head.lead_unit_id,
                    starts_on=occurrence.due_on,
                    ends_on=ends_on,
                    series=head,
                )
            )
        created = bulk_create_with_history(copies, Campaign, batch_size=500)
        Through = Campaign.townships.through
        Through.objects.bulk_create(
            Through(campaign_id=copy.pk, orgunit_id=township.pk)
            for copy in created
            for township in heads[copy.series_id].townships.all()
        )


def next_campaign_period(
    after: datetime.date, months: Sequence[int]
) -> tuple[datetime.date, datetime.date]:
    """The whole of the first listed month that starts after ``after``."""
    return next(
        (start, end)
        for start, end in monthly_periods(months, from_year=after.year)
        if start > after
    )


register_deadline_source(RectificationDeadlines())
register_deadline_source(ListingDeadlines())
register_deadline_source(ListingProgressDeadlines())
register_deadline_source(CampaignRecurrence())
