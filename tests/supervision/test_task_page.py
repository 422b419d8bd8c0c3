"""A milestone's 督办单 show on its task's page, to those who may see the notice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.deadlines import sweep
from portal.supervision.models import SupervisionNotice
from tests.tasks.factories import MilestoneFactory, make_task


@pytest.fixture
def overdue_task(cast):
    task = make_task(lead=cast.zhujian_unit, co=[cast.yingji_unit])
    MilestoneFactory(task=task, due_on=datetime.date(2026, 6, 30))
    sweep(now=timezone.make_aware(datetime.datetime(2026, 7, 1, 9)))
    return task


@pytest.mark.django_db
@pytest.mark.parametrize("who, sees", [("office", True), ("zhujian_lead", True), ("yingji", False)])
def test_the_task_page_links_the_milestones_notice_for_those_who_may_see_it(
    cast, client, overdue_task, who, sees
):
    notice = SupervisionNotice.objects.get()
    client.force_login(getattr(cast, who))

    page = client.get(reverse("tasks:task-detail", args=[overdue_task.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert (notice.get_absolute_url() in html and notice.number in html) is sees
