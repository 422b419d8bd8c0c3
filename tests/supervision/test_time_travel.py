"""Time travel on the Shouguang directive imported as written (not the shifted demo copy).

The directive (dated 2019年04月26日) carries 17 dated milestones once parsed:

    task  due           note
    15    2019-04-30    每年4月和11月 (first occurrence on or after the issue date)
    8     2019-06-30    "20196月底前" — the lost 年
    16    2019-07-31
    30    2019-07-31, 2019-08-31, 2020-12-31
    18    2019-08-31
    22    2019-08-31
    10    2019-09-30
    1, 4, 7  2019-12-31
    14    2020-03-31    每年3月
    6     2020-12-31 (×2)
    29    2020-12-31
    9     2022-12-31

Nothing is reported done, every dated task has a lead unit, and no sweep ran before.

At 2019-07-01 09:00 (a Monday):
- overdue 2 — the milestones due 2019-04-30 (task 15) and 2019-06-30 (task 8);
- notices 2 — one 督办单 each, to the lead units 市住建局 and 市工信局;
- recurrences 1 — the April occurrence of task 15 has passed, so 2019-11-30 is created;
- reminders 0 — nothing falls due between 07-02 and 07-08 (the next date is 07-31);
- escalations 0 — the notices are issued today.

At 2020-01-02 09:00 (a Thursday), after that sweep:
- overdue 10 — due 07-31 (×2), 08-31 (×3), 09-30, 11-30 (the occurrence created above) and
  12-31 (×3); the two marked in July are not counted again;
- notices 10 — one each, numbered afresh for 2020;
- escalations 2 — the two July notices are still open (and their items undone) more than
  DEADLINE_GRACE_DAYS (15) days after issue;
- recurrences 1 — the 2019-11-30 occurrence has passed, so 2020-04-30 is created (task 14's
  2020-03-31 is still ahead);
- reminders 0 — nothing falls due between 01-03 and 01-09.

Running either sweep a second time changes nothing.
"""

import datetime
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, SupervisionNotice
from tasks.models import Milestone

SHOUGUANG = settings.BASE_DIR / "fixtures/directives/shouguang-urban-safety-directive-2019.txt"
ZERO = {"reminders": 0, "overdue": 0, "notices": 0, "escalations": 0, "recurrences": 0}


def sweep_json(now: str) -> dict:
    out = StringIO()
    call_command("sweep_deadlines", "--now", now, "--json", stdout=out)
    return json.loads(out.getvalue())


def database_state() -> dict:
    return {
        "events": DeadlineEvent.objects.count(),
        "notices": list(SupervisionNotice.objects.values_list("number", "state", "escalated_at")),
        "milestones": Milestone.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def shouguang_as_written(db):
    call_command("load_reference", stdout=StringIO())
    call_command("import_directive", str(SHOUGUANG), stdout=StringIO())
    assert Milestone.objects.exclude(due_on=None).count() == 17


@pytest.mark.django_db
def test_sweeping_the_shouguang_directive_in_july_2019_and_january_2020(shouguang_as_written):
    july = sweep_json("2019-07-01T09:00")
    assert july == {"reminders": 0, "overdue": 2, "notices": 2, "escalations": 0, "recurrences": 1}
    july_state = database_state()
    assert sweep_json("2019-07-01T09:00") == ZERO
    assert database_state() == july_state

    notices = SupervisionNotice.objects.select_related("unit").order_by("sequence")
    assert [(n.number, n.unit.name, n.due_on.isoformat()) for n in notices] == [
        ("城安督〔2019〕1号", "市住建局", "2019-04-30"),
        ("城安督〔2019〕2号", "市工信局", "2019-06-30"),
    ]
    # Monday 07-01 plus five working days.
    assert {n.response_due_on for n in notices} == {datetime.date(2019, 7, 8)}
    november = Milestone.objects.get(series__isnull=False)
    assert november.due_on == datetime.date(2019, 11, 30)
    assert november.task.number == "15"

    january = sweep_json("2020-01-02T09:00")
    assert january == {
        "reminders": 0,
        "overdue": 10,
        "notices": 10,
        "escalations": 2,
        "recurrences": 1,
    }
    january_state = database_state()
    assert sweep_json("2020-01-02T09:00") == ZERO
    assert database_state() == january_state

    numbers = list(
        SupervisionNotice.objects.filter(year=2020)
        .order_by("sequence")
        .values_list("number", flat=True)
    )
    assert numbers == [f"城安督〔2020〕{i}号" for i in range(1, 11)]
    escalated = SupervisionNotice.objects.filter(interview_required=True)
    assert sorted(escalated.values_list("number", flat=True)) == [
        "城安督〔2019〕1号",
        "城安督〔2019〕2号",
    ]
    assert sorted(
        Milestone.objects.filter(series__isnull=False).values_list("due_on", flat=True)
    ) == [datetime.date(2019, 11, 30), datetime.date(2020, 4, 30)]
    # Every act happened once: one event per key, one notice per item and due date.
    assert (
        not DeadlineEvent.objects.values("source", "object_id", "stage", "due_on")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert SupervisionNotice.objects.count() == 12
