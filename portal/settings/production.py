"""Production: every secret and host from the environment; refuses to start without them.

docker-compose.yml passes these variables to web, worker and beat; .env.example lists them
all. ``manage.py check --deploy`` is clean under these settings (tests/portal/test_deploy.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, LOGGING, STORAGES, env, env_bool, env_int

# Without these the embedded defaults (SQLite, a published secret) would slip into production.
REQUIRED_ENV = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
for required in REQUIRED_ENV:
    if not os.environ.get(required, "").strip():
        raise ImproperlyConfigured(f"{required} must be set in production")

DEBUG = False

# Persistent connections, checked before reuse: gunicorn workers and Celery keep them warm.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# No page of Chengan is meant to be framed, not even by itself.
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "frame-ancestors": ["'none'"]},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 1)
LOGGING["root"]["level"] = env("LOG_LEVEL", "WARNING")
