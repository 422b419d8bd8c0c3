"""排查行动 pages: found / fixed / overdue counts, the hazards found during a drive, the office's
form; and the workbench panels of the hazard ledger."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.choices import HazardState
from hazards.models import Campaign
from tests.hazards.factories import CampaignFactory, HazardFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def campaign_with_hazards(cast):
    campaign = CampaignFactory(name="四月广告牌及建筑附着物排查")
    past = TODAY - datetime.timedelta(days=2)
    HazardFactory(campaign=campaign, township=cast.houzhen_unit)
    HazardFactory(campaign=campaign, township=cast.houzhen_unit, state=HazardState.CLOSED)
    HazardFactory(
        campaign=campaign,
        township=cast.yangkou_unit,
        state=HazardState.RECTIFYING,
        deadline=past,
    )
    HazardFactory(township=cast.houzhen_unit)  # found outside the drive
    return campaign


def test_campaign_page_counts_found_fixed_and_overdue(client, cast):
    campaign = campaign_with_hazards(cast)
    client.force_login(cast.office)
    response = client.get(reverse("hazards:campaign-detail", args=[campaign.pk]))
    assert response.status_code == 200
    shown = response.context["object"]
    assert (shown.found_count, shown.fixed_count, shown.overdue_count) == (3, 1, 1)
    assert len(response.context["hazards"]) == 3


def test_campaign_counts_follow_the_users_scope(client, cast):
    campaign = campaign_with_hazards(cast)
    client.force_login(cast.houzhen)
    response = client.get(reverse("hazards:campaign-list"))
    row = next(c for c in response.context["object_list"] if c.pk == campaign.pk)
    assert (row.found_count, row.fixed_count, row.overdue_count) == (2, 1, 0)
    assert 'data-testid="create"' not in response.content.decode()


def test_office_creates_and_edits_a_recurring_campaign(client, cast):
    client.force_login(cast.office)
    response = client.post(
        reverse("hazards:campaign-create"),
        {
            "name": "建筑施工复工前安全隐患排查",
            "scope": "全市在建工地",
            "townships": [cast.houzhen_unit.pk],
            "lead_unit": cast.zhujian_unit.pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "recurrence_months": ["3"],
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.recurrence_months == [3]
    assert list(campaign.townships.all()) == [cast.houzhen_unit]

    edit = reverse("hazards:campaign-edit", args=[campaign.pk])
    assert client.get(edit).context["form"].initial["name"] == campaign.name
    response = client.post(
        edit,
        {"name": "建筑施工复工前排查", "starts_on": "2026-03-01", "ends_on": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    campaign.refresh_from_db()
    assert campaign.name == "建筑施工复工前安全隐患排查"


def test_units_cannot_create_or_edit_campaigns(client, cast):
    campaign = CampaignFactory()
    client.force_login(cast.zhujian)
    assert client.get(reverse("hazards:campaign-create")).status_code == 403
    assert client.get(reverse("hazards:campaign-edit", args=[campaign.pk])).status_code == 403


# --- workbench ----------------------------------------------------------------------------


def panel_codes(response, testid) -> set[str] | None:
    for panel in response.context["panels"]:
        if panel.context.get("testid") == testid:
            return {hazard.code for hazard in panel.context["hazards"]}
    return None


def test_unit_workbench_shows_hazards_to_rectify_and_to_accept(client, cast):
    to_fix = HazardFactory(
        township=cast.yangkou_unit,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        state=HazardState.RECTIFYING,
        deadline=TODAY,
    )
    to_accept = HazardFactory(
        township=cast.yangkou_unit,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        state=HazardState.AWAITING_ACCEPTANCE,
        deadline=TODAY,
    )
    client.force_login(cast.zhujian)
    response = client.get(reverse("workbench"))
    assert panel_codes(response, "panel-hazards-to-rectify") == {to_fix.code}
    assert panel_codes(response, "panel-hazards-to-accept") is None

    client.force_login(cast.yingji)
    response = client.get(reverse("workbench"))
    assert panel_codes(response, "panel-hazards-to-accept") == {to_accept.code}


def test_office_workbench_shows_hazards_to_confirm_and_overdue(client, cast):
    new = HazardFactory(township=cast.houzhen_unit)
    late = HazardFactory(
        township=cast.houzhen_unit,
        responsible_unit=cast.zhujian_unit,
        state=HazardState.CONFIRMED,
        deadline=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(cast.office)
    response = client.get(reverse("workbench"))
    assert panel_codes(response, "panel-hazards-to-confirm") == {new.code}
    assert panel_codes(response, "panel-hazards-overdue") == {late.code}
