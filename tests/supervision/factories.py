"""SupervisionNotice built directly, as the deadline engine would have issued it."""

from __future__ import annotations

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.supervision.models import SupervisionNotice, notice_number
from tests.responsibilities.factories import OrgUnitFactory


def _milestone_type():
    from tasks.models import Milestone

    return ContentType.objects.get_for_model(Milestone)


class SupervisionNoticeFactory(factory.django.DjangoModelFactory):
    """A 督办单 issued yesterday for an item due ten days ago; the reply is due in five days."""

    class Meta:
        model = SupervisionNotice

    year = factory.LazyAttribute(lambda o: o.issued_on.year)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: notice_number(o.year, o.sequence))
    source = "tasks.milestone"
    content_type = factory.LazyFunction(_milestone_type)
    object_id = factory.Sequence(lambda n: 100_000 + n)
    item_title = factory.Sequence(lambda n: f"建成居民小区电动车停车棚（第{n}批）")
    item_text = "建成居民小区电动车停车棚470个。"
    unit = factory.SubFactory(OrgUnitFactory)
    co_unit_names = "市应急管理局、各镇街区"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    issued_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.issued_on, datetime.time(9)))
    )
    due_on = factory.LazyAttribute(lambda o: o.issued_on - datetime.timedelta(days=9))
    response_due_on = factory.LazyAttribute(lambda o: o.issued_on + datetime.timedelta(days=6))
