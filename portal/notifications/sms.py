"""SMS gateways. ``settings.SMS_BACKEND`` names the class; each has ``send(phone, text)`` and
raises on failure. A provider's gateway (Aliyun, Tencent Cloud…) is one more class here or in
a deployment's own module."""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """The embedded default: logs the message and keeps it in ``outbox`` (tests read it)."""

    # Bounded: a long-running embedded worker must not grow without end.
    outbox: deque[tuple[str, str]] = deque(maxlen=100)

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        type(self).outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
