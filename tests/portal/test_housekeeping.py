"""Nightly housekeeping: old exports, long-read notifications and the embedded broker's
delivered messages go; everything recent stays."""

import datetime
import sqlite3

import pytest
from django.utils import timezone
from kombu import Connection

from portal.jobs import housekeeping, purge_delivered_broker_messages
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.reports.models import ExportJob
from tests.celery_worker import sqlalchemy_broker_url


def test_delivered_messages_of_the_embedded_broker_are_purged(tmp_path):
    path = tmp_path / "broker.sqlite3"
    url = sqlalchemy_broker_url(path)
    with Connection(url) as conn:
        queue = conn.SimpleQueue("celery-test")
        queue.put({"job": 1})
        queue.put({"job": 2})
        queue.get(timeout=5).ack()
        queue.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*), sum(visible) FROM kombu_message").fetchone() == (2, 1)

    now = datetime.datetime.now()
    assert (
        purge_delivered_broker_messages(
            broker_url=url, delivered_before=now - datetime.timedelta(days=1)
        )
        == 0
    )
    assert (
        purge_delivered_broker_messages(
            broker_url=url, delivered_before=now + datetime.timedelta(minutes=1)
        )
        == 1
    )
    assert db.execute("SELECT count(*), sum(visible) FROM kombu_message").fetchone() == (1, 1)


def test_other_brokers_are_left_alone():
    now = datetime.datetime.now()
    assert (
        purge_delivered_broker_messages(broker_url="redis://127.0.0.1:1/0", delivered_before=now)
        == 0
    )


@pytest.mark.django_db
def test_housekeeping_removes_old_exports_and_long_read_notifications(cast, settings):
    now = timezone.now()
    old_job = ExportJob.objects.create(user=cast.office, exporter="x", title="旧", format="csv")
    ExportJob.objects.filter(pk=old_job.pk).update(
        created_at=now - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS + 1)
    )
    new_job = ExportJob.objects.create(user=cast.office, exporter="x", title="新", format="csv")
    long_read, unread = notify(recipients=[cast.zhujian, cast.yingji], title="通知")
    long_read.read_at = now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS + 1)
    long_read.save()

    housekeeping()

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new_job.pk]
    assert list(Notification.objects.values_list("pk", flat=True)) == [unread.pk]
