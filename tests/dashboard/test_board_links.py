"""Every figure on the dashboard equals the list it links to: follow each link as the same
user and compare the list's total (its paginator's count) with the figure's value."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.dashboard.selectors import dashboard
from tests.dashboard.board_data import build_city

pytestmark = pytest.mark.django_db

COVERAGE = reverse("emergency:coverage")


def list_total(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    if href == COVERAGE:  # the coverage matrix: its gaps, not a paginated list
        return response.context["coverage"].gap_count
    filterset = response.context["filter"]
    assert filterset.is_valid(), (href, filterset.errors)  # an ignored filter shows everything
    return response.context["paginator"].count


@pytest.mark.parametrize("who", ["office", "houzhen", "zhujian_lead"])
def test_each_figure_equals_the_total_of_the_list_it_links_to(client, cast, who):
    build_city(cast)
    user = getattr(cast, who)
    client.force_login(user)
    board = dashboard(user=user, today=timezone.localdate())
    figures = board.figures()
    assert len(figures) > 40  # every section, every bar of every chart
    assert any(f.value for f in figures if f.key.startswith("tasks-"))
    assert any(f.value for f in figures if f.key.startswith("hazards-"))
    mismatches = [
        (figure.key, figure.value, total, figure.href)
        for figure in figures
        if (total := list_total(client, figure.href)) != figure.value
    ]
    assert mismatches == []


def test_the_lists_behind_the_figures_are_those_the_page_links(client, cast):
    build_city(cast)
    client.force_login(cast.houzhen)
    response = client.get(reverse("dashboard:index"))
    board = response.context["board"]
    body = response.content.decode().replace("&amp;", "&")
    for figure in board.figures():
        assert f'href="{figure.href}"' in body, figure.key
