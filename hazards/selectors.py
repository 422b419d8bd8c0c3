"""Reads of the hazard ledger, always through ``restrict``: pages, panels and the API call these."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.permissions import restrict, user_scope

from .choices import OPEN_STATES, HazardState
from .models import Campaign, Hazard, HazardEvent, HazardExtension, HazardPhoto


def hazard_list(*, user) -> QuerySet[Hazard]:
    """The ledger's rows with what each row shows, in one query per page."""
    return restrict(
        Hazard.objects.select_related("township", "responsible_unit", "supervising_unit"),
        user,
        "view",
    )


def hazard_detail(*, user, pk: int) -> Hazard:
    """One hazard with its photos, events, extensions, listing and dual reports; 404 when out
    of the user's scope."""
    queryset = hazard_list(user=user).select_related(
        "grid__township",
        "enterprise",
        "industry",
        "campaign",
        "reported_by__profile",
        "reporting_unit",
        "accepted_by__profile",
    )
    queryset = queryset.prefetch_related(
        Prefetch("photos", queryset=HazardPhoto.objects.select_related("uploaded_by__profile")),
        Prefetch("events", queryset=HazardEvent.objects.select_related("actor__profile", "unit")),
        Prefetch(
            "extensions",
            queryset=HazardExtension.objects.select_related(
                "requested_by__profile", "decided_by__profile"
            ),
        ),
        "dual_reports__recorded_by__profile",
    )
    return get_object_or_404(queryset, pk=pk)


def hazard_listing(hazard: Hazard):
    """The hazard's 挂牌督办 with its progress, or None."""
    from .models import HazardListing

    return (
        HazardListing.objects.filter(hazard=hazard)
        .select_related("lifted_by")
        .prefetch_related("progress__reported_by__profile")
        .first()
    )


def mark_overdue(hazards, today=None):
    today = today or timezone.localdate()
    for hazard in hazards:
        hazard.is_overdue = bool(
            hazard.state in OPEN_STATES and hazard.deadline and hazard.deadline < today
        )
    return hazards


def overdue_q() -> Q:
    return Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())


def campaign_list(*, user) -> QuerySet[Campaign]:
    """Drives with their hazards counted: found, fixed (销号) and overdue (one query)."""
    visible = restrict(Hazard.objects.all(), user, "view").values("pk")
    mine = Q(hazards__in=visible)
    today = timezone.localdate()
    return (
        restrict(Campaign.objects.select_related("lead_unit", "industry"), user, "view")
        .annotate(
            found_count=Count("hazards", filter=mine, distinct=True),
            fixed_count=Count(
                "hazards", filter=mine & Q(hazards__state=HazardState.CLOSED), distinct=True
            ),
            overdue_count=Count(
                "hazards",
                filter=mine & Q(hazards__state__in=OPEN_STATES, hazards__deadline__lt=today),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "name")
    )


def campaign_detail(*, user, pk: int) -> Campaign:
    campaign = get_object_or_404(campaign_list(user=user).prefetch_related("townships"), pk=pk)
    return campaign


def campaign_hazards(*, user, campaign: Campaign) -> QuerySet[Hazard]:
    return hazard_list(user=user).filter(campaign=campaign)


# --- workbench ----------------------------------------------------------------------------


def hazards_to_rectify(*, user) -> QuerySet[Hazard]:
    """Open hazards the user's units must rectify (confirmed or rectifying), deadline first."""
    scope = user_scope(user)
    return (
        hazard_list(user=user)
        .filter(
            responsible_unit_id__in=scope.unit_ids,
            state__in=(HazardState.CONFIRMED, HazardState.RECTIFYING),
        )
        .order_by("deadline", "pk")
    )


def hazards_to_accept(*, user) -> QuerySet[Hazard]:
    """Hazards waiting for the acceptance of a unit the user belongs to (as supervisor)."""
    scope = user_scope(user)
    return (
        hazard_list(user=user)
        .filter(
            supervising_unit_id__in=scope.unit_ids,
            state=HazardState.AWAITING_ACCEPTANCE,
        )
        .exclude(responsible_unit_id__in=scope.unit_ids)
        .order_by("deadline", "pk")
    )


def hazards_awaiting_confirmation(*, user) -> QuerySet[Hazard]:
    return hazard_list(user=user).filter(state=HazardState.REPORTED).order_by("found_on", "pk")


def hazards_overdue(*, user) -> QuerySet[Hazard]:
    return hazard_list(user=user).filter(overdue_q()).order_by("deadline", "pk")
