"""The permission matrix on the hazard ledger: a township sees (and works) the hazards in its
territory, a unit those it reported, is responsible for or supervises; what hangs off a hazard
follows it; every unit sees the campaigns and changes those it leads; citizen reports are the
office's. The list and the API cost the same queries for 10 and 1,000 hazards."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.choices import DualReportRecipient, HazardEventKind, PhotoKind
from hazards.models import (
    Campaign,
    CitizenReport,
    DualReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardListing,
    HazardPhoto,
    ListingProgress,
)
from portal.permissions import restrict
from tests.hazards.factories import CampaignFactory, CitizenReportFactory, HazardFactory
from tests.permission_matrix import PermissionMatrix
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import TownshipFactory

pytestmark = pytest.mark.django_db

VIEW_OWN = {"own": {"view"}, "other": set()}
VIEW_CHANGE_OWN = {"own": {"view", "change"}, "other": set()}
LEAD_OWN = {"own": {"view", "change", "delete"}, "other": {"view"}}
TODAY = timezone.localdate()


def hazard_of(unit):
    """A hazard belonging to ``unit``: in its territory for a township, to rectify otherwise."""
    if unit.kind == unit.Kind.TOWNSHIP:
        return HazardFactory(township=unit)
    return HazardFactory(township=TownshipFactory(), responsible_unit=unit)


class TestHazardMatrix(PermissionMatrix):
    model = Hazard
    detail_url_name = "hazards:hazard-detail"
    edit_url_name = "hazards:hazard-edit"
    api_basename = "hazard"
    api_patch = {"address": "侯镇政府驻地西300米"}
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        return hazard_of(unit)


class TestHazardEventMatrix(PermissionMatrix):
    model = HazardEvent
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return HazardEvent.objects.create(
            hazard=hazard_of(unit), kind=HazardEventKind.REPORT, at=timezone.now()
        )


class TestHazardPhotoMatrix(PermissionMatrix):
    model = HazardPhoto
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return HazardPhoto.objects.create(
            hazard=hazard_of(unit), kind=PhotoKind.BEFORE, file="hazards/x.png", name="x.png"
        )


class TestHazardExtensionMatrix(PermissionMatrix):
    model = HazardExtension
    api_basename = "hazardextension"
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return HazardExtension.objects.create(
            hazard=hazard_of(unit),
            reason="材料未到货",
            previous_deadline=TODAY,
            requested_deadline=TODAY.replace(year=TODAY.year + 1),
            requested_by=cast.zhujian,
            requested_at=timezone.now(),
        )


class TestHazardListingMatrix(PermissionMatrix):
    model = HazardListing
    api_basename = "hazardlisting"
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return HazardListing.objects.create(
            hazard=hazard_of(unit),
            authority="寿光市安委会",
            notice_number="寿安委督〔2026〕1号",
            listed_on=TODAY,
            deadline=TODAY,
        )


class TestListingProgressMatrix(PermissionMatrix):
    model = ListingProgress
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        listing = HazardListing.objects.create(
            hazard=hazard_of(unit),
            authority="寿光市安委会",
            notice_number="寿安委督〔2026〕2号",
            listed_on=TODAY,
            deadline=TODAY,
        )
        return ListingProgress.objects.create(
            listing=listing,
            period_end=TODAY,
            narrative="已完成围挡",
            reported_by=cast.zhujian,
            reported_at=timezone.now(),
        )


class TestDualReportMatrix(PermissionMatrix):
    model = DualReport
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return DualReport.objects.create(
            hazard=hazard_of(unit),
            recipient=DualReportRecipient.REGULATOR,
            reported_on=TODAY,
            recorded_by=cast.office,
        )


class TestCampaignMatrix(PermissionMatrix):
    """Every unit sees the drives (and may join them); the lead unit holds its own."""

    model = Campaign
    detail_url_name = "hazards:campaign-detail"
    api_basename = "campaign"
    api_patch = {"name": "广告牌及建筑附着物专项排查"}
    member_rights = {"staff": LEAD_OWN, "leader": LEAD_OWN, "township": LEAD_OWN}

    def make_object(self, cast, unit):
        return CampaignFactory(lead_unit=unit)


class TestCitizenReportMatrix(PermissionMatrix):
    """The office triages citizen reports; no unit sees them (nor the reporter's contact)."""

    model = CitizenReport
    api_basename = "citizenreport"
    member_rights = {}

    def make_object(self, cast, unit):
        return CitizenReportFactory(township=unit if unit.kind == unit.Kind.TOWNSHIP else None)


# --- citizen reports: the office's alone ----------------------------------------------------


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("user", ["zhujian", "houzhen"])
def test_units_get_no_citizen_report_page_nor_api_row(cast, client, user):
    report = CitizenReportFactory(township=cast.houzhen_unit, contact_phone="13800000000")
    client.force_login(getattr(cast, user))
    page = client.get(reverse("hazards:citizen-report-detail", args=[report.pk]))
    assert page.status_code in (403, 404)
    assert "13800000000" not in page.content.decode()
    listing = api_for(getattr(cast, user)).get(reverse("citizenreport-list")).json()
    assert listing["count"] == 0


def test_the_auditor_reads_citizen_reports_without_the_reporters_contact(cast):
    report = CitizenReportFactory(contact_name="李四", contact_phone="13800000000")
    url = reverse("citizenreport-detail", args=[report.pk])
    audited = api_for(cast.auditor).get(url).json()
    assert audited["receipt_code"] == report.receipt_code
    assert "contact_phone" not in audited and "contact_name" not in audited
    assert api_for(cast.office).get(url).json()["contact_phone"] == "13800000000"


# --- query budgets --------------------------------------------------------------------------


@pytest.fixture
def grow_hazards(cast):
    township = cast.houzhen_unit

    def grow(size):
        missing = size - Hazard.objects.count()
        for n in range(missing):
            HazardFactory(
                township=township,
                responsible_unit=cast.zhujian_unit if n % 2 else None,
                supervising_unit=cast.yingji_unit if n % 2 else None,
            )

    return grow


@pytest.mark.parametrize("user", ["office", "houzhen", "zhujian"])
def test_hazard_api_list_costs_the_same_for_10_and_1000_hazards(cast, grow_hazards, user):
    api = api_for(getattr(cast, user))

    def fetch():
        response = api.get(reverse("hazard-list"), {"page_size": 50})
        assert response.status_code == 200
        visible = Hazard.objects.all()
        if user == "zhujian":
            visible = visible.filter(responsible_unit=cast.zhujian_unit)
        assert response.json()["count"] == visible.count()
        return response

    grow_hazards(10)
    fetch()  # warm caches (content types, scope)
    assert_constant_queries(grow_hazards, fetch)


def test_hazard_list_page_costs_the_same_for_10_and_1000_hazards(cast, client, grow_hazards):
    client.force_login(cast.houzhen)

    def fetch():
        response = client.get(reverse("hazards:hazard-list"))
        assert response.status_code == 200
        return response

    grow_hazards(10)
    fetch()
    assert_constant_queries(grow_hazards, fetch)


def test_hazard_restrict_gives_a_bureau_only_what_it_rectifies_or_supervises(cast):
    HazardFactory(township=cast.houzhen_unit)
    mine = HazardFactory(township=cast.houzhen_unit, supervising_unit=cast.yingji_unit)
    assert list(restrict(Hazard.objects.all(), cast.yingji, "view")) == [mine]


@pytest.mark.parametrize(
    ("basename", "make"),
    [
        ("campaign", lambda cast: CampaignFactory(townships=[cast.houzhen_unit])),
        ("citizenreport", lambda cast: CitizenReportFactory(township=cast.houzhen_unit)),
    ],
)
def test_campaign_and_citizen_report_api_lists_cost_the_same_at_any_size(cast, basename, make):
    model = {"campaign": Campaign, "citizenreport": CitizenReport}[basename]
    api = api_for(cast.office)

    def grow(size):
        for _ in range(size - model.objects.count()):
            make(cast)

    def fetch():
        response = api.get(reverse(f"{basename}-list"))
        assert response.status_code == 200
        assert response.json()["count"] == model.objects.count()
        return response

    grow(10)
    fetch()
    assert_constant_queries(grow, fetch)
