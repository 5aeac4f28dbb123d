"""Settings shared by every environment.

Everything that differs between machines is read from the environment:
DEBUG, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "simple_history",
    "phonenumber_field",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
]
LOCAL_APPS = [
    "directory",
    "consortia",
    "search",
    "csvio",
    "api",
    "web",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file in the project root unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request reuses it, so the site recovers by itself
        # after the database restarts (meanwhile requests answer 503: config/errors.py).
        conn_health_checks=True,
    )
}
# PostgreSQL only: no parallel workers for this site's short queries. On 2 cores they cost more than they
# save (the API's theme + area list: p95 55 ms with them, 38 ms without; docs/benchmarks.md).
# PG_MAX_PARALLEL_WORKERS_PER_GATHER overrides it; set it empty to keep the server's own setting.
PG_MAX_PARALLEL_WORKERS_PER_GATHER = os.environ.get("PG_MAX_PARALLEL_WORKERS_PER_GATHER", "0").strip()
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql" and PG_MAX_PARALLEL_WORKERS_PER_GATHER:
    if not PG_MAX_PARALLEL_WORKERS_PER_GATHER.isdigit():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("PG_MAX_PARALLEL_WORKERS_PER_GATHER must be a whole number, such as 0 or 2.")
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        f"{_options.get('options', '')} -c max_parallel_workers_per_gather={PG_MAX_PARALLEL_WORKERS_PER_GATHER}"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# simple-history: record who made a change made through the admin or API.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# CSV import limits (issue 4): files over these are refused with a clear message.
CSV_IMPORT_MAX_BYTES = int(os.environ.get("CSV_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
CSV_IMPORT_MAX_ROWS = int(os.environ.get("CSV_IMPORT_MAX_ROWS", "200000"))

# CSV import/export (issue 4)
# Only those who may change records may import or export them in the admin: Coordinators, not Members.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "change"
# Uploaded files wait here between the preview and the confirmation (default: the system's temporary folder).
CSV_IMPORT_UPLOAD_DIR = os.environ.get("CSV_IMPORT_UPLOAD_DIR", "")

# The web directory's facet counts and totals are cached this many seconds per visibility, query and
# filters; every write starts a fresh cache generation, so this bounds only how long an unused entry lives.
# 0 turns the cache off.
WEB_FACET_CACHE_SECONDS = int(os.environ.get("WEB_FACET_CACHE_SECONDS", "300"))

# REST API (issue 3)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a script without credentials is told 401 and how to authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrCoordinatorWrite"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Scripts send JSON; the browsable API's raw-data form does too.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        # Exchanging a password for a token: slow enough to make guessing passwords pointless.
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/minute"),
    },
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner consortium directory API",
    "DESCRIPTION": (
        "Organisations, consortia, memberships, joint outputs and contacts of voluntary-sector alliances. "
        "Anonymous callers see public records and only contacts marked public; logged-in members see everything; "
        "coordinators may also create, change and delete. Every list takes `?format=csv` for the same rows as CSV."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs pages load Swagger UI and ReDoc from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "consortia.models.memberships.Role",
        "ContributorRoleEnum": "consortia.models.outputs.ContributorRole",
        "NameKindEnum": "directory.models.other_names.NameKind",
        "ConsortiumKindEnum": "consortia.models.consortia.ConsortiumKind",
        "OutputKindEnum": "consortia.models.outputs.OutputKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
