"""Everything Chengan needs to run, read from the environment.

Unset variables fall back to the embedded mode: SQLite and a SQLAlchemy broker under var/,
console mail. Production sets them (see docker-compose.yml and production.py).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CHENGAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(os.environ.get(name, default))


SECRET_KEY = env("SECRET_KEY", "chengan-embedded-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_htmx",
    "portal",
    "portal.notifications",
    "portal.reports",
    "portal.supervision",
    "portal.dashboard",
    "responsibilities",
    "tasks",
    "risks",
    "hazards",
    "emergency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.PasswordChangeRequiredMiddleware",
    # AxesMiddleware last, as django-axes documents.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "portal.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chengan.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the Celery worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "portal.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session lives SESSION_IDLE_MINUTES after the last request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: 5 failures per username and address lock that pair out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A list filter left open reads 全部 ("all"), not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries are served from node_modules (installed by npm from package.json),
# never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible storage for uploads (MinIO, OSS, COS); credentials from AWS_* variables.
    # django-storages reads the bucket from settings; keys from AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY in the environment (boto3's chain). Empty means unset.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE") or None  # "path" for MinIO
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

# Uploads: checked by size and by content (portal.uploads).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "城安 Chengan <noreply@chengan.local>")

# --- Notification channels (portal.notifications.channels) ---------------------------------
SMS_BACKEND = env("SMS_BACKEND", "portal.notifications.sms.ConsoleSmsBackend")
NOTIFICATION_DELIVERY_MAX_RETRIES = env_int("NOTIFICATION_DELIVERY_MAX_RETRIES", 5)
NOTIFICATION_WEBHOOK_TIMEOUT = env_int("NOTIFICATION_WEBHOOK_TIMEOUT", 5)  # seconds
# The address people open the portal at, for links in e-mail, SMS and robot messages.
SITE_URL = env("SITE_URL", "").rstrip("/")

# --- Deadlines and 督办单 (portal.deadlines, portal.supervision) ----------------------------
# How often beat runs the sweep (seconds); short in the integration tests.
DEADLINE_SWEEP_INTERVAL = env_int("DEADLINE_SWEEP_INTERVAL", 900)
# Days a 督办单 may stay open, its item still undone, before it is escalated for 约谈.
DEADLINE_GRACE_DAYS = env_int("DEADLINE_GRACE_DAYS", 15)
# Working days (statutory holidays and 调休 counted) a unit has to answer a 督办单.
SUPERVISION_RESPONSE_WORKDAYS = env_int("SUPERVISION_RESPONSE_WORKDAYS", 5)
SUPERVISION_NOTICE_PREFIX = env("SUPERVISION_NOTICE_PREFIX", "城安督")
DEADLINE_DIGEST_HOUR = 8  # the morning digest, Asia/Shanghai
DEADLINE_SWEEP_BATCH_SIZE = 500  # items written per transaction
# Working days a unit leader has to confirm a submitted report, and the office to review it.
PROGRESS_CONFIRM_WORKDAYS = 3
PROGRESS_REVIEW_WORKDAYS = 5

# --- Risks (risks.deadlines, risks.map) ------------------------------------------------------
# Months between reviews (复评) of a risk point, by its level: the red ones most often.
RISK_REVIEW_MONTHS = {"red": 3, "orange": 6, "yellow": 12, "blue": 12}
# Townships counted as the central city (中心城区), where the industry catalogue applies.
CENTRAL_CITY_TOWNSHIPS = ["圣城街道", "文家街道", "古城街道", "洛城街道"]

# --- Emergency preparedness (emergency.rules, emergency.coverage) ---------------------------
PLAN_EVALUATION_YEARS = 3  # 应急预案 evaluated at least every three years
# What full coverage (全覆盖) asks of each row of the matrix: the plan types it must have.
EMERGENCY_COVERAGE_REQUIRED = {
    "city": ["comprehensive", "special"],
    "township": ["comprehensive"],
    "industry": ["special"],
}

# --- Celery ---------------------------------------------------------------------------------
# Without REDIS_URL the broker is kombu's SQLAlchemy transport on a SQLite file: the
# filesystem transport races (a reader can take a half-written message) and kills the worker.
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
# Redis redelivers unacknowledged jobs after the visibility timeout. The SQLAlchemy transport
# has no such option: it hands its transport options to create_engine(), which rejects it.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT} if REDIS_URL else {}
)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The deadline engine (portal.deadlines): one sweep every interval, one digest a morning.
    "sweep-deadlines": {
        "task": "portal.jobs.sweep_deadlines",
        "schedule": timedelta(seconds=DEADLINE_SWEEP_INTERVAL),
    },
    "replan-deliveries": {
        "task": "portal.notifications.jobs.replan_deliveries",
        "schedule": timedelta(seconds=DEADLINE_SWEEP_INTERVAL),
    },
    "morning-digest": {
        "task": "portal.jobs.send_digests",
        "schedule": crontab(hour=DEADLINE_DIGEST_HOUR, minute=0),  # CELERY_TIMEZONE: Shanghai
    },
    "housekeeping": {
        "task": "portal.jobs.housekeeping",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- REST framework and OpenAPI -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api_access.RestrictedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api_access.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "城安 Chengan API",
    "DESCRIPTION": "Municipal safety governance: units, directives and tasks, risks, hazards, emergency preparedness.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets sharing a field name ("kind") get names of their own, not hashed ones.
    "ENUM_NAME_OVERRIDES": {
        "MovementKindEnum": "emergency.choices.MovementKind",
        "TeamKindEnum": "emergency.choices.TeamKind",
    },
}

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *env_list("MAP_TILE_HOSTS")],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "SAMEORIGIN"

# --- Chengan --------------------------------------------------------------------------------
# Map: no tile layer by default, so the map works offline on township shapes alone. Set e.g.
# 天地图 "https://t{s}.tianditu.gov.cn/vec_w/wmts?...&tk=KEY" with MAP_TILE_HOSTS for the CSP.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
MAP_CENTER = (36.855, 118.79)  # Shouguang
MAP_ZOOM = 10
TOWNSHIP_GEOJSON = BASE_DIR / "fixtures" / "townships.geojson"
EXPORT_STREAM_LIMIT = env_int("EXPORT_STREAM_LIMIT", 5000)  # rows; larger exports run as jobs
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 180)
DEMO_PASSWORD = "chengan-demo-2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes announces itself at INFO in every process, commands included.
        "axes": {"level": env("AXES_LOG_LEVEL", "WARNING")},
    },
}
