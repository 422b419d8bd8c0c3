"""Test settings: the same stack, faster hashing, eager nothing (a real worker where tested)."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
