"""项目准入筛查: the catalogue's verdict for a proposed project (禁止 beats 限制; only in the
central city), the township found from the site, the risk points within the radius, and who
may screen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risks.catalogue import bounding_box, haversine_m, township_name_at
from risks.choices import RestrictionKind, RiskLevel, ScreeningVerdict
from risks.models import IndustryRestriction, ProjectScreening
from risks.services_screening import screening_run
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import TownshipFactory
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

# Inside the sample shapes of fixtures/townships.geojson.
SHENGCHENG_SITE = (Decimal("36.880000"), Decimal("118.750000"))
HOUZHEN_SITE = (Decimal("37.050000"), Decimal("118.950000"))
METRES_PER_DEGREE = 6_371_008.8 * 3.141592653589793 / 180  # along a meridian


def offset(site, *, north_m=0.0, east_m=0.0):
    """A point ``north_m`` metres north and ``east_m`` metres east of ``site``."""
    import math

    lat, lon = float(site[0]), float(site[1])
    dlat = north_m / METRES_PER_DEGREE
    dlon = east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return Decimal(f"{lat + dlat:.6f}"), Decimal(f"{lon + dlon:.6f}")


@pytest.fixture
def shengcheng(db):
    return TownshipFactory(name="圣城街道")


@pytest.fixture
def catalogue(db):
    fireworks = IndustryRestriction.objects.create(
        kind=RestrictionKind.PROHIBITED,
        number="5",
        sector="烟花爆竹",
        name="烟花爆竹批发仓储项目",
        keywords=["烟花爆竹批发", "烟花爆竹仓储"],
        conditions="中心城区内禁止。",
        is_sample_data=True,
        sort_order=5,
    )
    storage = IndustryRestriction.objects.create(
        kind=RestrictionKind.RESTRICTED,
        number="11",
        sector="寄递物流",
        name="冷库及冷链仓储",
        keywords=["冷库", "仓储"],
        conditions="不得使用氨制冷；保温材料燃烧性能不低于 B1 级。",
        is_sample_data=True,
        sort_order=1011,
    )
    return {"fireworks": fireworks, "storage": storage}


def screen(actor, **kwargs):
    values = {"project_name": "某项目", "industry_text": "文化", **kwargs}
    return screening_run(actor=actor, **values)


# --- verdicts -------------------------------------------------------------------------------


def test_a_prohibited_project_in_the_central_city_is_vetoed_even_if_also_restricted(
    cast, shengcheng, catalogue
):
    screening = screen(
        cast.office,
        project_name="鸿运烟花爆竹仓储中心",
        industry_text="烟花爆竹批发",
        township=shengcheng,
    )
    assert screening.verdict == ScreeningVerdict.PROHIBITED
    assert screening.in_central_city is True
    assert set(screening.matched.all()) == {catalogue["fireworks"], catalogue["storage"]}
    assert screening.screened_by == cast.office


def test_a_restricted_project_in_the_central_city_must_meet_the_conditions(
    cast, shengcheng, catalogue
):
    screening = screen(
        cast.office, project_name="城东冷库", industry_text="冷链物流", township=shengcheng
    )
    assert screening.verdict == ScreeningVerdict.RESTRICTED
    assert list(screening.matched.all()) == [catalogue["storage"]]


def test_a_project_the_catalogue_does_not_list_is_allowed(cast, shengcheng, catalogue):
    screening = screen(
        cast.office, project_name="社区图书馆", industry_text="文化", township=shengcheng
    )
    assert screening.verdict == ScreeningVerdict.ALLOWED
    assert not screening.matched.exists()


def test_outside_the_central_city_the_catalogue_does_not_apply(cast, catalogue):
    screening = screen(
        cast.office,
        project_name="烟花爆竹批发仓库",
        industry_text="烟花爆竹",
        township=cast.houzhen_unit,
    )
    assert screening.verdict == ScreeningVerdict.OUTSIDE
    assert screening.in_central_city is False
    # what would have applied is kept for reference
    assert catalogue["fireworks"] in screening.matched.all()


def test_the_township_is_found_from_the_site_when_not_given(cast, shengcheng, catalogue):
    lat, lon = SHENGCHENG_SITE
    inside = screen(cast.office, industry_text="烟花爆竹批发", latitude=lat, longitude=lon)
    assert inside.township == shengcheng
    assert inside.verdict == ScreeningVerdict.PROHIBITED

    lat, lon = HOUZHEN_SITE
    houzhen = screen(cast.office, industry_text="烟花爆竹批发", latitude=lat, longitude=lon)
    assert houzhen.township == cast.houzhen_unit
    assert houzhen.verdict == ScreeningVerdict.OUTSIDE


def test_a_site_outside_every_township_is_outside_the_central_city(cast, catalogue):
    screening = screen(
        cast.office,
        industry_text="烟花爆竹批发",
        latitude=Decimal("30.000000"),
        longitude=Decimal("110.000000"),
    )
    assert screening.township is None
    assert screening.verdict == ScreeningVerdict.OUTSIDE


def test_township_shapes_place_points():
    assert township_name_at(*SHENGCHENG_SITE) == "圣城街道"
    assert township_name_at(*HOUZHEN_SITE) == "侯镇"
    assert township_name_at(Decimal("30"), Decimal("110")) is None


# --- the radius -----------------------------------------------------------------------------


def test_haversine_gives_the_length_of_a_degree_and_is_symmetric():
    assert haversine_m(0, 0, 0, 1) == pytest.approx(111_195, abs=1)
    assert haversine_m(36.88, 118.75, 37.88, 118.75) == pytest.approx(111_195, abs=1)
    a = haversine_m(36.88, 118.75, 36.89, 118.76)
    assert a == pytest.approx(haversine_m(36.89, 118.76, 36.88, 118.75))
    # 0.01° of longitude at 36.88°N is cos(36.88°) of 0.01° of latitude
    assert haversine_m(36.88, 118.75, 36.88, 118.76) == pytest.approx(889.8, abs=1)


def test_the_bounding_box_holds_the_whole_circle():
    box = bounding_box(*SHENGCHENG_SITE, 1000)
    for north, east in [(1000, 0), (-1000, 0), (0, 1000), (0, -1000)]:
        lat, lon = offset(SHENGCHENG_SITE, north_m=north, east_m=east)
        assert box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon


def test_risk_points_within_the_radius_are_snapshotted_nearest_first(cast, shengcheng, catalogue):
    site = SHENGCHENG_SITE

    def point(name, north=0.0, east=0.0, **kwargs):
        lat, lon = offset(site, north_m=north, east_m=east)
        return RiskPointFactory(
            name=name, township=shengcheng, latitude=lat, longitude=lon, **kwargs
        )

    far_north = point("北侧 990 米", north=990, level=RiskLevel.RED)
    near_east = point("东侧 300 米", east=300, level=RiskLevel.YELLOW)
    point("北侧 1010 米", north=1010)  # just beyond
    point("东北角 800×800 米", north=800, east=800)  # in the box, 1131 m away
    point("已销号", east=100, is_active=False)
    RiskPointFactory(name="无坐标", township=shengcheng, latitude=None, longitude=None)

    screening = screen(
        cast.office, industry_text="文化", latitude=site[0], longitude=site[1], radius_m=1000
    )

    assert [row["name"] for row in screening.nearby] == [near_east.name, far_north.name]
    first, second = screening.nearby
    assert first["code"] == near_east.code and first["level"] == "yellow"
    assert first["distance_m"] == pytest.approx(300, abs=1)
    assert second["distance_m"] == pytest.approx(990, abs=1)
    assert second["township"] == "圣城街道" and second["id"] == far_north.pk


def test_the_snapshot_keeps_what_the_points_were_on_the_day(cast, shengcheng, catalogue):
    lat, lon = offset(SHENGCHENG_SITE, north_m=100)
    risk = RiskPointFactory(township=shengcheng, latitude=lat, longitude=lon, level="orange")
    screening = screen(
        cast.office, industry_text="文化", latitude=SHENGCHENG_SITE[0], longitude=SHENGCHENG_SITE[1]
    )
    risk.level = RiskLevel.RED
    risk.save()
    screening.refresh_from_db()
    assert screening.nearby[0]["level"] == "orange"


def test_without_a_site_no_neighbours_are_looked_up(cast, shengcheng, catalogue):
    RiskPointFactory(township=shengcheng)
    assert screen(cast.office, township=shengcheng).nearby == []


# --- bad input and permissions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "township"),
        ({"latitude": Decimal("36.88")}, "latitude"),
        ({"township": "shengcheng", "radius_m": 0}, "radius_m"),
        ({"township": "shengcheng", "radius_m": 50_000}, "radius_m"),
        ({"township": "shengcheng", "project_name": "  "}, "project_name"),
    ],
    ids=["no-place", "half-a-point", "zero-radius", "huge-radius", "blank-name"],
)
def test_bad_input_names_the_field_and_saves_nothing(cast, shengcheng, kwargs, field):
    if kwargs.get("township") == "shengcheng":
        kwargs = {**kwargs, "township": shengcheng}
    with pytest.raises(ValidationError) as excinfo:
        screen(cast.office, **{"industry_text": "文化", **kwargs})
    assert field in excinfo.value.message_dict
    assert not ProjectScreening.objects.exists()


@pytest.mark.parametrize("role", ["zhujian", "zhujian_lead", "yingji", "houzhen", "auditor"])
def test_only_the_office_screens(cast, shengcheng, role):
    with pytest.raises(PermissionDenied):
        screen(getattr(cast, role), township=shengcheng)
    assert not ProjectScreening.objects.exists()


def test_an_admin_may_screen(cast, shengcheng):
    assert screen(cast.admin, township=shengcheng).pk


# --- pages ----------------------------------------------------------------------------------

CREATE_URL = reverse("risks:screening-create")
LIST_URL = reverse("risks:screening-list")


def test_the_office_screens_a_project_through_the_form_and_sees_the_veto(
    client, cast, shengcheng, catalogue
):
    lat, lon = offset(SHENGCHENG_SITE, east_m=250)
    risk = RiskPointFactory(
        name="城区加气站", township=shengcheng, latitude=lat, longitude=lon, level="red"
    )
    client.force_login(cast.office)
    assert client.get(CREATE_URL).status_code == 200
    response = client.post(
        CREATE_URL,
        {
            "project_name": "鸿运烟花爆竹仓储中心",
            "industry_text": "烟花爆竹批发",
            "township": "",
            "address": "圣城街道某路1号",
            "location_lat": str(SHENGCHENG_SITE[0]),
            "location_lon": str(SHENGCHENG_SITE[1]),
            "radius_m": "1000",
        },
    )
    screening = ProjectScreening.objects.get()
    assert response.status_code == 302 and response["Location"] == screening.get_absolute_url()

    page = client.get(screening.get_absolute_url()).content.decode()
    assert 'data-verdict="prohibited"' in page and "一票否决" in page
    assert "烟花爆竹批发仓储项目" in page and "中心城区内禁止。" in page
    assert risk.code in page and "城区加气站" in page

    geo = client.get(reverse("risks:screening-points", args=[screening.pk])).json()
    assert [f["properties"]["level"] for f in geo["features"]] == ["site", "red"]
    assert geo["features"][1]["geometry"]["coordinates"] == [float(lon), float(lat)]


def test_a_bad_radius_returns_the_form_with_the_error_and_saves_nothing(client, cast, shengcheng):
    client.force_login(cast.office)
    response = client.post(
        CREATE_URL,
        {
            "project_name": "某项目",
            "industry_text": "文化",
            "township": shengcheng.pk,
            "radius_m": "0",
        },
    )
    assert response.status_code == 200
    assert "周边范围应在 1 到 20000 米之间" in response.content.decode()
    assert not ProjectScreening.objects.exists()


def test_without_township_or_site_the_form_says_so(client, cast, shengcheng):
    client.force_login(cast.office)
    response = client.post(
        CREATE_URL, {"project_name": "某项目", "industry_text": "文化", "radius_m": "1000"}
    )
    assert response.status_code == 200
    assert "请选择拟选址镇街区" in response.content.decode()


@pytest.mark.parametrize("role", ["zhujian", "houzhen", "auditor"])
def test_others_may_not_open_the_screening_form(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, {"project_name": "x"}).status_code == 403


def test_the_auditor_reads_screenings_and_unit_staff_do_not(client, cast, shengcheng, catalogue):
    screening = screen(cast.office, industry_text="冷库", township=shengcheng)
    client.force_login(cast.auditor)
    listing = client.get(LIST_URL)
    assert listing.status_code == 200 and "某项目" in listing.content.decode()
    detail = client.get(screening.get_absolute_url())
    assert detail.status_code == 200 and 'data-verdict="restricted"' in detail.content.decode()
    client.force_login(cast.zhujian)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(screening.get_absolute_url()).status_code == 403
    points = reverse("risks:screening-points", args=[screening.pk])
    assert client.get(points).status_code == 403


def test_the_history_of_screenings_costs_the_same_queries_for_few_and_many(
    client, cast, shengcheng
):
    def grow(n):
        while ProjectScreening.objects.count() < n:
            ProjectScreening.objects.create(
                project_name=f"项目{ProjectScreening.objects.count()}",
                industry_text="文化",
                township=shengcheng,
                verdict=ScreeningVerdict.ALLOWED,
                screened_by=cast.office,
            )

    def fetch():
        response = client.get(LIST_URL, {"page_size": 200})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == ProjectScreening.objects.count()

    client.force_login(cast.office)
    assert_constant_queries(grow, fetch, sizes=(5, 60))
