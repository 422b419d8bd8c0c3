"""Delivery channels: where a notification goes besides the database row.

``notify`` saves the rows, then after commit hands the new notifications' ids to
``deliver``, which calls every registered channel. The in-app channel is the row itself.
Later channels (e-mail, WeCom/DingTalk group robots, SMS) register here; a channel that talks
to the network must queue its own Celery job with the ids (jobs take ids, retry there), never
send inside the web request.
"""

from __future__ import annotations

import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class Channel(Protocol):
    """A way to reach people. ``send`` receives the ids of notifications just created."""

    name: str

    def send(self, notification_ids: list[int]) -> None: ...


class InAppChannel:
    """站内通知 — the saved row is the message; the bell and the list page show it."""

    name = "inapp"

    def send(self, notification_ids: list[int]) -> None:
        return None


_CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    """Add (or replace, by name) a delivery channel."""
    _CHANNELS[channel.name] = channel
    return channel


def channels() -> list[Channel]:
    return list(_CHANNELS.values())


def deliver(notification_ids: list[int]) -> None:
    """Hand new notifications to every channel; one failing channel does not stop the rest."""
    for channel in channels():
        try:
            channel.send(notification_ids)
        except Exception:
            logger.exception("notification channel %s failed", channel.name)


register_channel(InAppChannel())
