"""Test settings: the same stack, faster hashing, eager nothing (a real worker where tested)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, DEADLINE_SWEEP_BATCH_SIZE, REDIS_URL, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker subprocess cannot hand locmem's outbox to the test: the worker tests set
# CHENGAN_TEST_EMAIL_BACKEND (e.g. Django's file backend) and EMAIL_FILE_PATH to read its mail.
EMAIL_BACKEND = os.environ.get(
    "CHENGAN_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
if os.environ.get("CHENGAN_TEST_EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["CHENGAN_TEST_EMAIL_FILE_PATH"]
# Small batches make a worker's sweep span many transactions (to kill it halfway in a test).
DEADLINE_SWEEP_BATCH_SIZE = int(
    os.environ.get("CHENGAN_TEST_SWEEP_BATCH_SIZE", DEADLINE_SWEEP_BATCH_SIZE)
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a live server thread or a Celery worker process sees the data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-chengan.sqlite3")}
AXES_ENABLED = True
CELERY_VISIBILITY_TIMEOUT = 10
if REDIS_URL:  # the SQLAlchemy transport takes no visibility timeout (see base.py)
    # kombu scans for unacknowledged messages to restore every interval × throttle seconds
    # (10 × 10 by default): every second here, so a killed worker's job returns within
    # seconds of the visibility timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
