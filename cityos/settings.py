"""CityOS settings: everything comes from environment variables with working local defaults.

With DEBUG on (the default for a checkout), the platform runs with no variables set: the
project-local PostgreSQL and Redis started by `make run`, and the sandbox adapters. With DEBUG
off, `cityos.config.check_production()` refuses to start on an insecure default.
"""
from pathlib import Path

import dj_database_url

from cityos.config import env, env_bool, env_decimal, env_list, check_production

import commerce
import content
import integrations
import workflows

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

LOCAL_PG_PORT = env("CITYOS_PG_PORT", "54329")
LOCAL_REDIS_PORT = env("CITYOS_REDIS_PORT", "63799")
DEFAULT_DATABASE_URL = f"postgres://cityos:cityos@127.0.0.1:{LOCAL_PG_PORT}/cityos"
DEFAULT_REDIS_URL = f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0"
INSECURE_SECRET_KEY = "insecure-local-development-key-change-me"

SECRET_KEY = env("SECRET_KEY", INSECURE_SECRET_KEY)
DATABASE_URL = env("DATABASE_URL", DEFAULT_DATABASE_URL)
REDIS_URL = env("REDIS_URL", DEFAULT_REDIS_URL)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", ".localhost", "127.0.0.1", "testserver"])
CRON_SECRET = env("CRON_SECRET", "local-cron-secret")
ADMIN_API_TOKEN = env("ADMIN_API_TOKEN", "local-admin-token")
PLATFORM_FEE_RATE = env_decimal("PLATFORM_FEE_RATE", "0.035")
# Order events of the same POIs within this many seconds share one summary refresh, run after the
# window; 0 (default): one refresh per event, at once. Worth it when POIs sell several times a window.
POI_REVENUE_REFRESH_WINDOW = float(env("POI_REVENUE_REFRESH_WINDOW", "0"))
VAT_RATE = env_decimal("VAT_RATE", "0.15")
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", "SAR")

# The host that serves the platform itself (public schema): platform admin, health, webhooks.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", "localhost")
# The base that demo tenant hosts hang off: market.localhost, clinic.localhost, ...
TENANT_DOMAIN_SUFFIX = env("TENANT_DOMAIN_SUFFIX", "localhost")

# External systems (seeds 003 §10.3). Unset → the in-process sandbox adapter is used.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env("STRIPE_API_BASE", "")
ERPNEXT_URL = env("ERPNEXT_URL", "")
ERPNEXT_API_KEY = env("ERPNEXT_API_KEY", "")
ERPNEXT_API_SECRET = env("ERPNEXT_API_SECRET", "")
ERPNEXT_WEBHOOK_SECRET = env("ERPNEXT_WEBHOOK_SECRET", "")
ERPNEXT_COMPANY = env("ERPNEXT_COMPANY", "")
FLEETBASE_API_URL = env("FLEETBASE_API_URL", "")
FLEETBASE_API_KEY = env("FLEETBASE_API_KEY", "")
FLEETBASE_WEBHOOK_SECRET = env("FLEETBASE_WEBHOOK_SECRET", "")
WALTID_API_URL = env("WALTID_API_URL", "")
WALTID_API_KEY = env("WALTID_API_KEY", "")
WALTID_ISSUER_URL = env("WALTID_ISSUER_URL", "")
WALTID_VERIFIER_URL = env("WALTID_VERIFIER_URL", "")
# Where external systems reach the platform host (Walt.id status callbacks, credential status lists).
PLATFORM_BASE_URL = env("PLATFORM_BASE_URL", f"http://{PLATFORM_DOMAIN}:8000")
# Seconds an external call may spend waiting between its retries before the error goes back to the caller.
INTEGRATION_RETRY_BUDGET = float(env("INTEGRATION_RETRY_BUDGET", "30"))
# Seconds between the steps of a sandbox delivery (dispatched → started → enroute → completed).
SANDBOX_DELIVERY_STEP_SECONDS = float(env("SANDBOX_DELIVERY_STEP_SECONDS", "20"))

# Notifications the workflows send (order confirmations, reminders, payouts) go through Django's
# e-mail backend: printed on the console by default, SMTP when EMAIL_BACKEND says so.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CityOS <no-reply@cityos.localhost>")
MARKETPLACE_COMMISSION_RATE = env_decimal("MARKETPLACE_COMMISSION_RATE", "0.10")

# ---------------------------------------------------------------------------------------------
# Applications. Shared apps live in the public schema; tenant apps get one copy per tenant.
# Each package lists its own Django apps (commerce/__init__.py, ...) so features plug in without
# editing this file.
# ---------------------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "cityos.admin_sites.CityOSAdminConfig",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    *workflows.SHARED_APPS,
    *integrations.SHARED_APPS,
    *content.SHARED_APPS,
]

TENANT_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    *commerce.TENANT_APPS,
    *content.TENANT_APPS,
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "cityos.urls_public"
ROOT_URLCONF = "cityos.urls_tenant"
# New tenants are cloned from this schema (kept migrated by `manage.py setup_platform`):
# cloning takes about a second where running every tenant migration takes half a minute.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Issue `SET search_path` once per tenant switch instead of before every query (a round trip
# saved per query; the backend forgets the setting on rollback and reconnect).
TENANT_LIMIT_SET_CALLS = True
DEFAULT_NOT_FOUND_TENANT_VIEW = "cityos.views.unknown_host"

MIDDLEWARE = [
    "cityos.middleware.CorrelationMiddleware",
    "tenants.middleware.TenantResolutionMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "cityos.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.TenantStaffAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantRedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cityos.context_processors.tenant_settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cityos.wsgi.application"
ASGI_APPLICATION = "cityos.asgi.application"

_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")), conn_health_checks=True)
_db["ENGINE"] = "django_tenants.postgresql_backend"
# The sandbox adapters keep their state through a connection of their own, so what they record
# commits independently of the caller's transaction, as a real external system's would.
_sandbox_db = {**_db, "ENGINE": "django.db.backends.postgresql", "TEST": {"MIRROR": "default"}}
DATABASES = {"default": _db, "sandbox": _sandbox_db}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process cache, keyed by tenant schema so tenants never see each other's entries. Kept off
# Redis on purpose: a Redis outage must not take the storefront down with it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "Arabic"), ("fr", "French")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "cityos.storage.TenantMediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

WAGTAIL_SITE_NAME = "CityOS"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"http://{PLATFORM_DOMAIN}:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGIN_URL = "/django-admin/login/"

# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "cityos.api.pagination.CountedLimitOffsetPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cityos.api.exceptions.envelope_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "CityOS API",
    "DESCRIPTION": (
        "Store API (shoppers, on a tenant's host, with `x-publishable-api-key`), admin API "
        "(staff, under `/admin/api/`) and platform API (on the platform host)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_URLCONF": "cityos.urls_schema",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        **commerce.SCHEMA_ENUM_NAMES,
        "SyncDirectionEnum": "integrations.models.SyncDirection",
        "SyncStatusEnum": "integrations.models.SyncStatus",
        "TextDirectionEnum": ["ltr", "rtl"],
        "PointOfInterestKindEnum": "content.models.places.PointOfInterest.Kind",
        "WorkflowStepKindEnum": "workflows.models.StepKind",
        "WorkflowStatusEnum": "workflows.models.RunStatus",
        "WorkflowStepStatusEnum": "workflows.models.StepStatus",
        "OutboxEventStatusEnum": "workflows.models.OutboxStatus",
    },
}

# ---------------------------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
# Results are kept only for tasks that ask for them (ignore_result=False), such as cityos.probe.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Tasks keep their database connections the way web requests do (CONN_MAX_AGE, health checks:
# `cityos.celery` closes unusable or expired ones around each task). Unset, Celery closes every
# connection around every task, and each task pays for new PostgreSQL sessions (default and sandbox);
# set, it still recycles them all after this many tasks.
CELERY_DB_REUSE_MAX = int(env("CELERY_DB_REUSE_MAX", "1000"))
# Seconds a worker heartbeat stays valid in Redis; /health reports no worker once it lapses.
WORKER_HEARTBEAT_TTL = 15

# ---------------------------------------------------------------------------------------------
# Logging: one JSON object per line, carrying the correlation id and tenant of the request/task.
# ---------------------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cityos.logging.ContextFilter"}},
    "formatters": {"json": {"()": "cityos.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    check_production(
        secret_key=SECRET_KEY,
        insecure_secret_key=INSECURE_SECRET_KEY,
        defaults={
            "DATABASE_URL": DEFAULT_DATABASE_URL,
            "CRON_SECRET": "local-cron-secret",
            "ADMIN_API_TOKEN": "local-admin-token",
        },
    )
