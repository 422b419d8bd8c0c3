"""The roster's list page and API cost the same number of queries at 10 and 1,000 rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.permissions import forget_scope
from responsibilities.models import Enterprise
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import (
    GridFactory,
    IndustryFactory,
    make_credit_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def warm_up(grow, fetch):
    """One request first: per-process caches (ContentType) fill once, not per row."""
    grow(10)
    fetch()


@pytest.fixture
def grow(cast):
    """Bring the roster up to n enterprises spread over townships, industries and supervisors.

    Test data goes in with bulk_create for speed; the code under test only reads it.
    """
    industries = [IndustryFactory(name=f"查询测试行业{i}") for i in range(3)]
    grids = [GridFactory(township=cast.houzhen_unit), GridFactory(township=cast.yangkou_unit)]

    def grow(n):
        have = Enterprise.objects.count()
        rows = []
        for i in range(have, n):
            township = (cast.houzhen_unit, cast.yangkou_unit)[i % 2]
            rows.append(
                Enterprise(
                    name=f"查询测试企业{i:04d}",
                    credit_code=make_credit_code(),
                    industry=industries[i % 3],
                    township=township,
                    grid=grids[i % 2],
                    territorial_supervisor=township,
                    industry_supervisor=(cast.zhujian_unit, cast.yingji_unit)[i % 2],
                    professional_supervisor=cast.yingji_unit,
                    is_high_risk=bool(i % 5 == 0),
                    scale="small",
                )
            )
        Enterprise.objects.bulk_create(rows, batch_size=500)

    return grow


@pytest.mark.parametrize("who", ["office", "zhujian", "houzhen"])
def test_enterprise_list_page_query_count_is_constant(cast, client, grow, who):
    client.force_login(getattr(cast, who))
    url = reverse("responsibilities:enterprise-list")

    def fetch():
        response = client.get(url, {"page_size": 200})
        assert response.status_code == 200
        assert response.context["object_list"]
        return response

    warm_up(grow, fetch)
    assert_constant_queries(grow, fetch)


def test_enterprise_list_page_with_filters_query_count_is_constant(cast, client, grow):
    client.force_login(cast.office)
    url = reverse("responsibilities:enterprise-list")

    def fetch():
        response = client.get(
            url, {"township": cast.houzhen_unit.pk, "supervisor": cast.zhujian_unit.pk, "q": "查询"}
        )
        assert response.status_code == 200
        return response

    warm_up(grow, fetch)
    assert_constant_queries(grow, fetch)


@pytest.mark.parametrize("who", ["office", "zhujian", "houzhen"])
def test_enterprise_api_query_count_is_constant(cast, grow, who):
    user = getattr(cast, who)
    api = APIClient()
    api.force_authenticate(user)
    url = reverse("enterprise-list")

    def fetch():
        forget_scope(user)  # the same user object across requests: recompute like a new one
        response = api.get(url, {"is_high_risk": "false"})
        assert response.status_code == 200
        assert response.json()["results"]
        return response

    warm_up(grow, fetch)
    assert_constant_queries(grow, fetch)
