"""The hazard ledger's admin: every model listed with its history; the code and what the
lifecycle services set are read-only there."""

import pytest
from django.urls import reverse

from tests.hazards.factories import CampaignFactory, CitizenReportFactory, HazardFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "hazard",
    "hazardevent",
    "hazardphoto",
    "hazardextension",
    "hazardlisting",
    "listingprogress",
    "dualreport",
    "campaign",
    "citizenreport",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_every_hazards_model_and_searches(cast, client, model):
    HazardFactory(township=cast.houzhen_unit, description="临边防护缺失")
    client.force_login(cast.admin)
    response = client.get(reverse(f"admin:hazards_{model}_changelist"), {"q": "临边"})
    assert response.status_code == 200


def test_admin_hazard_page_keeps_code_and_lifecycle_fields_read_only(cast, client):
    hazard = HazardFactory(township=cast.houzhen_unit)
    client.force_login(cast.admin)
    response = client.get(reverse("admin:hazards_hazard_change", args=[hazard.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for field in ("code", "state", "accepted_by", "accepted_at", "closed_at", "original_deadline"):
        assert field not in form.fields, field
    assert "description" in form.fields and "deadline" in form.fields
    assert hazard.code in response.content.decode()


def test_admin_hazard_history_shows_each_change(cast, client):
    hazard = HazardFactory(township=cast.houzhen_unit)
    hazard.description = "修改后的描述"
    hazard.save()
    client.force_login(cast.admin)
    response = client.get(reverse("admin:hazards_hazard_history", args=[hazard.pk]))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2


def test_admin_cannot_add_a_hazard_or_citizen_report_bypassing_the_services(cast, client):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:hazards_hazard_add")).status_code == 403
    assert client.get(reverse("admin:hazards_citizenreport_add")).status_code == 403


def test_admin_citizen_report_and_campaign_pages_open(cast, client):
    report = CitizenReportFactory()
    campaign = CampaignFactory(townships=[cast.houzhen_unit])
    client.force_login(cast.admin)
    page = client.get(reverse("admin:hazards_citizenreport_change", args=[report.pk]))
    assert page.status_code == 200
    assert "receipt_code" not in page.context["adminform"].form.fields
    assert "state" not in page.context["adminform"].form.fields
    page = client.get(reverse("admin:hazards_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200
