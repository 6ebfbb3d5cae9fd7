"""CellTx settings, all driven by environment variables.

SQLite next to the code is the default so that a fresh clone runs with nothing
else installed; DATABASE_URL switches to PostgreSQL in production.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), not {value!r}"
    )


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}"
        ) from None


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is off)."
    )
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set DJANGO_ALLOWED_HOSTS (required when DJANGO_DEBUG is off)."
    )
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-development-only-key"  # debug-only fallback
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "catalog",
]

# Order matters: the header middleware sit above WhiteNoise so static files
# carry the same headers as pages; the page cache sits above compression so it
# keeps compressed bodies, and above everything that renders.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "celltx.middleware.SecurityHeadersMiddleware",
    "celltx.middleware.SafeMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "celltx.middleware.DataVersionCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "celltx.urls"
WSGI_APPLICATION = "celltx.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "catalog.context_processors.dataset_version",
            ],
        },
    },
]

# A page must fail fast, with a 503, when the database is down or slow:
# every limit is well below gunicorn's worker timeout (deploy/gunicorn.conf.py).
# `seed` lifts the statement timeout for its own transaction.
DATABASE_CONNECT_TIMEOUT = 2  # seconds; libpq's minimum
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 1500)
DATABASE_LOCK_TIMEOUT_MS = 1000


def postgres_database(url):
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    database.setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        options=(
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
            f" -c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
        ),
    )
    return database


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": postgres_database(DATABASE_URL)}
    # Read replicas: reads go to them, writes (seed) to the primary.
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
        DATABASES[f"replica{number}"] = postgres_database(url) | {
            "TEST": {"MIRROR": "default"}
        }
    DATABASE_ROUTERS = ["celltx.routers.ReplicaRouter"]
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"),
            # One connection per worker for its lifetime: SQLite opens cheaply,
            # but not for free, and the pragmas below run on every open.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # Writers queue instead of failing with "database is locked".
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    # A public, read-only API: no users, sessions or browsable forms.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    # django.contrib.auth is not installed; DRF's default anonymous user needs it.
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    # One name for the date-precision choices wherever a serializer uses them.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "catalog.choices.DatePrecision",
        "SourceKindEnum": "catalog.choices.SourceKind",
        "AliasKindEnum": "catalog.choices.AliasKind",
        "OpenBoundEnum": "catalog.choices.OpenBound",
    },
}

FIXTURES_DIR = Path(os.environ.get("CELLTX_FIXTURES_DIR", BASE_DIR / "fixtures"))
# Where each product page's "Report a correction" link goes (a mailto: or
# https:// address); unset, the pages show no such link.
CORRECTIONS_URL = os.environ.get("CELLTX_CORRECTIONS_URL", "").strip()
if CORRECTIONS_URL and not CORRECTIONS_URL.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(
        "CELLTX_CORRECTIONS_URL must be a mailto: or https:// address."
    )
# How long browsers and shared caches may keep the API, feeds and downloads:
# the data changes only when `seed` runs.
PUBLIC_CACHE_SECONDS = 300

# Rendered pages are cached under the live dataset version (see
# celltx/middleware.py): in this process by default, in Redis when REDIS_URL is
# set, so that every app server shares one cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "celltx",
            "TIMEOUT": 24 * 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# 0 turns the page cache off, and with it ETag and 304 answers (benchmarks
# measure both; tests turn it on where it is the subject).
PAGE_CACHE = env_bool("CELLTX_PAGE_CACHE", default=True)
# What a browser or CDN may do with a page: keep it a few minutes, refresh it in
# the background, and keep serving it for a day if this server fails.
PAGE_CACHE_CONTROL = {
    "public": True,
    "max_age": PUBLIC_CACHE_SECONDS,
    "stale_while_revalidate": 60,
    "stale_if_error": 86400,
}
# The code's own version: with the dataset version it names a rendered page,
# so a deploy with new templates never answers 304 for an old page.
RELEASE = os.environ.get("CELLTX_RELEASE", "")

# Security headers (`manage.py check --deploy` passes with nothing silenced).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (deploy/nginx.conf).
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS unless turned off for local serving.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The site sets no cookies; should one ever appear, it goes over HTTPS only.
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SECURE = True

# Content-Security-Policy (django-csp; Django 6 has the same settings built in):
# nothing inline, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(),"
    " microphone=(), payment=(), usb=(), interest-cohort=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
