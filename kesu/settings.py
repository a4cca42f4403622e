"""Kesu settings. Everything that differs between machines comes from environment variables."""

import importlib.util
import logging
import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kesu.core.logs import log_format_from_env, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KESU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("KESU_DEBUG", False)
# The key used when KESU_SECRET_KEY is unset: fine for `make run` and the tests on one machine.
# The web server refuses to start with it while DEBUG is off (kesu/wsgi.py).
DEVELOPMENT_SECRET_KEY = "kesu-insecure-development-key-set-KESU_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("KESU_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("KESU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("KESU_CSRF_TRUSTED_ORIGINS", "")
# A stale form (signed out in another tab): Kesu's own page in the user's language, with a way back.
CSRF_FAILURE_VIEW = "kesu.core.views.csrf_failure"

# HTTPS (KESU_HTTPS=1 in production): redirect plain HTTP, cookies only over HTTPS, HSTS.
KESU_HTTPS = env_bool("KESU_HTTPS", False)
SECURE_SSL_REDIRECT = KESU_HTTPS
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = KESU_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("KESU_HSTS_SECONDS", 31_536_000)) if KESU_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KESU_HSTS_INCLUDE_SUBDOMAINS", KESU_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("KESU_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks).
KESU_TRUSTED_PROXIES = env_list("KESU_TRUSTED_PROXIES", "")
if KESU_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts from Kesu's own files only; see kesu/core/middleware.py. Empty to switch it off.
KESU_CONTENT_SECURITY_POLICY = os.environ.get(
    "KESU_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a promise to browser vendors about every subdomain, made by the
    # organisation that owns the domain (KESU_HSTS_PRELOAD=1), not a default.
    "security.W021",
]

INSTALLED_APPS = [
    # django.contrib.admin, its site recording every change in the audit trail.
    "kesu.audit.admin_apps.KesuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "kesu.core",
    "kesu.organisation",
    "kesu.customers",
    "kesu.audit",
    "kesu.complaints",
    "kesu.triage",
    "kesu.sla",
    "kesu.notifications",
    "kesu.callbacks",
    # Before improvements and reports: its panel comes first on the home and complaint pages.
    "kesu.crises",
    "kesu.improvements",
    "kesu.emerging",
    "kesu.lessons",
    "kesu.mailboxes",
    "kesu.reports",
    "kesu.integrations",
    "kesu.webhooks",
    "kesu.web",
    "kesu.portal",
    "kesu.demo",
]

MIDDLEWARE = [
    # First: the request id every log line carries, the access log line and the request metrics.
    "kesu.core.middleware.RequestIdMiddleware",
    # Which address and scheme a request really came from (KESU_TRUSTED_PROXIES).
    "kesu.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kesu.core.middleware.ContentSecurityPolicyMiddleware",
    # Static files from the app itself, compressed and cache-busted: a bare gunicorn serves CSS.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Every /api/ request counts against its address, before authentication (guessing tokens
    # or passwords is limited too); after the language is known, for the 429's message.
    "kesu.core.api.throttling.AddressRateLimitMiddleware",
    # After the language is known, so the refusal is in the user's language.
    "kesu.core.middleware.RefuseNullCharactersMiddleware",
    # `?until=` under /api/v1/: a 400 naming the parameter, not "no filter" (docs/api.md).
    "kesu.core.api.query.RefuseEmptyQueryValuesMiddleware",
    # An empty 405 on a page (GET on a form's address) becomes Kesu's error page.
    "kesu.core.middleware.NotAllowedPageMiddleware",
    "kesu.core.middleware.DebugNotFoundPageMiddleware",
    "kesu.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lockout.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("KESU_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KESU_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# The lockout page with how long it lasts and a Retry-After header (kesu/web/signin.py).
AXES_LOCKOUT_CALLABLE = "kesu.web.signin.locked_out"
AXES_VERBOSE = False

ROOT_URLCONF = "kesu.urls"
WSGI_APPLICATION = "kesu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kesu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kesu.web.navigation.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, default an embedded SQLite file under var/.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kesu.sqlite3'}")
# Health checks: a connection that died with a PostgreSQL restart is replaced before it is used.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue
    # instead of failing half-way (numbering, the audit chain); WAL lets readers go on meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Lets several test runs share one machine without dropping each other's test database.
TEST_DB_SUFFIX = os.environ.get("KESU_TEST_DB_SUFFIX", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-kesu{TEST_DB_SUFFIX}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{TEST_DB_SUFFIX}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("KESU_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# Messages to a customer whose record names no language of messages (kesu/customers).
KESU_CUSTOMER_LANGUAGE = (
    "en" if os.environ.get("KESU_CUSTOMER_LANGUAGE", LANGUAGE_CODE).startswith("en") else "zh-hans"
)
LOCALE_PATHS = [BASE_DIR / "kesu" / "locale"]
TIME_ZONE = os.environ.get("KESU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("KESU_STATIC_ROOT", VAR_DIR / "static"))


def media_storage() -> dict:
    """Where attachments (and their thumbnails) are kept: KESU_MEDIA_STORAGE.

    `filesystem`: under MEDIA_ROOT; several app servers share it by mounting one path (NFS).
    `s3`: an S3-compatible object store (django-storages, `pip install 'kesu[s3]'`). Objects are
    private and never linked to: every file goes out through Kesu's access-checked views.
    """
    kind = os.environ.get("KESU_MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"KESU_MEDIA_STORAGE is {kind!r}; it must be 'filesystem' (the default) or 's3'."
        )
    bucket = os.environ.get("KESU_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "KESU_MEDIA_STORAGE=s3 needs KESU_S3_BUCKET, the bucket the attachments go in."
        )
    if importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "KESU_MEDIA_STORAGE=s3 needs boto3: pip install -c requirements.lock -e '.[s3]'."
        )
    options = {
        "bucket_name": bucket,
        "location": os.environ.get("KESU_S3_PREFIX", "").strip().strip("/"),
        "default_acl": "private",  # nothing in the bucket is public
        "querystring_auth": True,  # a URL, if one were ever made, is signed and expires
        "custom_domain": None,
        "file_overwrite": False,  # an upload never replaces another file of the same name
    }
    for option, variable in [
        ("endpoint_url", "KESU_S3_ENDPOINT_URL"),
        ("region_name", "KESU_S3_REGION"),
        ("access_key", "KESU_S3_ACCESS_KEY_ID"),
        ("secret_key", "KESU_S3_SECRET_ACCESS_KEY"),
    ]:
        value = os.environ.get(variable, "").strip()
        if value:  # else boto3's own chain: AWS_* variables, instance role, config files
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "kesu.core.staticfiles.KesuStaticFilesStorage"},
}
# Under runserver and in tests the files come straight from the apps; production serves the
# collected, hashed and compressed copies in STATIC_ROOT (`manage.py collectstatic`).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
if DEBUG:
    # Nothing is collected under runserver; the files come from the apps (finders).
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("KESU_MEDIA_ROOT", VAR_DIR / "media"))

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Attachments: what a complaint may carry.
# Intake flags a near-identical account received this many days before, and offers closed
# complaints as possible duplicates for as long (kesu/complaints/duplicates.py).
KESU_DUPLICATE_DAYS = int(os.environ.get("KESU_DUPLICATE_DAYS", 7))
KESU_ATTACHMENT_MAX_BYTES = int(os.environ.get("KESU_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
KESU_ATTACHMENT_EXTENSIONS = env_list(
    "KESU_ATTACHMENT_EXTENSIONS",
    "jpg,jpeg,png,gif,webp,heic,pdf,txt,doc,docx,xls,xlsx,mp3,m4a,amr,wav,mp4,mov",
)
# The country whose numbering plan applies to phone numbers typed without a +country code.
KESU_DEFAULT_PHONE_REGION = os.environ.get("KESU_DEFAULT_PHONE_REGION", "CN")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kesu.core.api.authentication.ExpiringTokenAuthentication",
        "kesu.core.api.authentication.SessionCsrfAuthentication",
        # An integration's key, `Authorization: Bearer kesu_…` (docs/integrations.md).
        "kesu.integrations.authentication.IntegrationTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # What an integration's token may do (its scopes); staff requests pass through.
        "kesu.integrations.authentication.IntegrationScope",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kesu.core.api.pagination.KesuCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "kesu.core.api.schema.KesuAutoSchema",
    "EXCEPTION_HANDLER": "kesu.core.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "kesu.core.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "kesu.core.api.throttling.TokenRateThrottle",
        # The per-address limit is kesu.core.api.throttling.AddressRateLimitMiddleware: it must
        # count requests that fail authentication too, which DRF throttles never see.
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
    # The client address for throttling: REMOTE_ADDR only (TrustedProxyMiddleware sets it).
    "NUM_PROXIES": 0,
}
# The deepest nesting of arrays and objects a JSON request body may have.
KESU_JSON_MAX_DEPTH = int(os.environ.get("KESU_JSON_MAX_DEPTH", 32))
# API rate limits ("N/second|minute|hour|day"; empty = none); 429 with Retry-After beyond them.
KESU_API_RATE_PER_TOKEN = os.environ.get("KESU_API_RATE_PER_TOKEN", "1200/minute")
KESU_API_RATE_PER_ADDRESS = os.environ.get("KESU_API_RATE_PER_ADDRESS", "3000/minute")
# API tokens expire this many hours after they were issued (a new sign-in issues a new one).
KESU_TOKEN_TTL_HOURS = int(os.environ.get("KESU_TOKEN_TTL_HOURS", 24 * 30))

# With KESU_CACHE_URL (Redis) the rate limits count there; without it, in the database
# (kesu/core/counters.py): shared by every worker and server either way.
KESU_CACHE_URL = os.environ.get("KESU_CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": KESU_CACHE_URL,
            # An unreachable Redis costs a request at most this long (the limits then fail open).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if KESU_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kesu API",
    "DESCRIPTION": "Complaints, customers and the handling procedure of Kesu (客诉).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error statuses it can answer (kesu/core/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kesu.core.api.schema.document_error_statuses",
    ],
    # Object ids in API paths (see kesu/api/urls.py): digits only, bounded to fit a bigint.
    "PATH_CONVERTER_OVERRIDES": {
        "kesu_id": {"type": "integer", "minimum": 1, "maximum": 999_999_999_999_999_999}
    },
    # One schema name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintKindEnum": "kesu.complaints.choices.Kind",
        "PurchaseKindEnum": "kesu.customers.choices.PurchaseKind",
        "TimelineKindEnum": "kesu.complaints.api.serializers.NOTE_KINDS",
        "CauseClassEnum": "kesu.complaints.choices.CauseClass",
        "SeverityEnum": "kesu.complaints.choices.Severity",
        "ConfirmationMethodEnum": "kesu.complaints.choices.ConfirmationMethod",
        "EscalationLevelEnum": "kesu.complaints.choices.EscalationLevel",
        "TeamRoleEnum": "kesu.complaints.choices.TeamRole",
        "RoleEnum": "kesu.organisation.choices.Role",
        "CrisisStatusEnum": "kesu.crises.choices.Status",
        "CrisisPlatformEnum": "kesu.crises.choices.Platform",
        "EmergingIssueStateEnum": "kesu.emerging.choices.State",
        # The complaint's state keeps its name beside the emerging issue's.
        "StateEnum": "kesu.complaints.choices.State",
        # The channels the inbound API accepts (kesu/integrations), a part of Channel.
        "InboundChannelEnum": "kesu.integrations.api.serializers.INBOUND_CHANNELS",
        "ChannelEnum": "kesu.complaints.choices.Channel",
    },
}

# Logs on stderr, one JSON object a line (KESU_LOG_FORMAT=json, the default with DEBUG off) or
# readable text (the default under DEBUG); every line carries the request id or the job's name.
# KESU_LOG_LEVEL is the level of everything but the access log, which has its own level so that
# its one line per request (logger kesu.request, INFO) appears while the rest stays at WARNING.
KESU_LOG_FORMAT = log_format_from_env()
if KESU_LOG_FORMAT == "json":
    logging.captureWarnings(True)  # Python's warnings as log records too, not bare text lines
LOGGING = logging_config(
    KESU_LOG_FORMAT,
    level=os.environ.get("KESU_LOG_LEVEL", "WARNING"),
    access_level=os.environ.get("KESU_ACCESS_LOG_LEVEL", "INFO"),
)

# /metrics (Prometheus): for a request with "Authorization: Bearer <KESU_METRICS_TOKEN>" (when
# set) or from one of KESU_METRICS_ALLOWED_ADDRESSES (addresses or networks; empty: none).
KESU_METRICS_TOKEN = os.environ.get("KESU_METRICS_TOKEN", "")
KESU_METRICS_ALLOWED_ADDRESSES = env_list("KESU_METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")

# Excel import of historical complaints (kesu/complaints/imports.py): the largest file and the
# most rows taken at once; files of at most KESU_IMPORT_INLINE_ROWS rows are imported while the
# upload waits, larger ones by the background worker with a progress bar.
KESU_IMPORT_MAX_BYTES = int(os.environ.get("KESU_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
KESU_IMPORT_MAX_ROWS = int(os.environ.get("KESU_IMPORT_MAX_ROWS", 200_000))
KESU_IMPORT_INLINE_ROWS = int(os.environ.get("KESU_IMPORT_INLINE_ROWS", 300))
# An import with no sign of life for this long lost its worker and is taken up again.
KESU_IMPORT_STALL_MINUTES = int(os.environ.get("KESU_IMPORT_STALL_MINUTES", 30))
# On PostgreSQL, a file of more rows than a block is checked by a forked process while the rows
# checked so far are imported (one transaction still); off: checked first, then imported.
KESU_IMPORT_OVERLAP = env_bool("KESU_IMPORT_OVERLAP", True)

# Notifications: e-mail goes through Django's mail backend (SMTP by default), robots by HTTP.
EMAIL_BACKEND = os.environ.get("KESU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("KESU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KESU_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("KESU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KESU_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KESU_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("KESU_EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("KESU_DEFAULT_FROM_EMAIL", "kesu@localhost")
KESU_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("KESU_NOTIFICATION_MAX_ATTEMPTS", 8))
# How long a worker's claim on a batch lasts; rows left unfinished after it are sent again.
KESU_NOTIFICATION_LEASE_SECONDS = int(os.environ.get("KESU_NOTIFICATION_LEASE_SECONDS", 300))
# A complaint open longer than this many days gets the "update the customer" cadence (sla/cadence.py).
KESU_CUSTOMER_UPDATE_AFTER_DAYS = int(os.environ.get("KESU_CUSTOMER_UPDATE_AFTER_DAYS", 3))
# A preventive action may be verified this many days after it is recorded (the default date;
# staff may choose another). Improvement actions: reminders this many working days before their
# due and review dates (kesu/improvements/reminders.py).
KESU_PREVENTION_VERIFY_AFTER_DAYS = int(os.environ.get("KESU_PREVENTION_VERIFY_AFTER_DAYS", 30))
KESU_IMPROVEMENT_REMINDER_WORKING_DAYS = int(
    os.environ.get("KESU_IMPROVEMENT_REMINDER_WORKING_DAYS", 2)
)
# A crisis's action-plan step is reminded to its owner this many minutes before it is due;
# once overdue it is escalated to the branch's general manager (kesu/crises/reminders.py).
KESU_CRISIS_STEP_REMINDER_MINUTES = int(os.environ.get("KESU_CRISIS_STEP_REMINDER_MINUTES", 60))
# Emerging issues (kesu/emerging/detection.py, after each deadline sweep): at least MIN_SIZE
# similar complaints (text similarity ≥ SIMILARITY) about one product model and category within
# WINDOW_HOURS, RATIO times what the previous BASELINE_DAYS had in such a window and unlikely by
# chance (Poisson tail ≤ CHANCE), raise one alert. POOL: at most this many of the window's
# newest complaints are read per run.
KESU_EMERGING_MIN_SIZE = int(os.environ.get("KESU_EMERGING_MIN_SIZE", 4))
KESU_EMERGING_WINDOW_HOURS = int(os.environ.get("KESU_EMERGING_WINDOW_HOURS", 72))
KESU_EMERGING_BASELINE_DAYS = int(os.environ.get("KESU_EMERGING_BASELINE_DAYS", 90))
KESU_EMERGING_RATIO = float(os.environ.get("KESU_EMERGING_RATIO", 3))
KESU_EMERGING_CHANCE = float(os.environ.get("KESU_EMERGING_CHANCE", 0.00001))
KESU_EMERGING_SIMILARITY = float(os.environ.get("KESU_EMERGING_SIMILARITY", 0.25))
KESU_EMERGING_POOL = int(os.environ.get("KESU_EMERGING_POOL", 5000))
# The address people reach Kesu at, e.g. https://kesu.example.com (no trailing slash): every
# link that leaves Kesu starts with it: e-mails, text messages, robot messages, webhook bodies,
# the handling notice's QR code (kesu/core/links.py). Empty: the request's own address, and
# none for what the worker sends (check --deploy warns). KESU_BASE_URL is its former name.
KESU_PUBLIC_URL = (
    os.environ.get("KESU_PUBLIC_URL") or os.environ.get("KESU_BASE_URL") or ""
).rstrip("/")
KESU_WEBHOOK_TIMEOUT = float(os.environ.get("KESU_WEBHOOK_TIMEOUT", 10))
# Outgoing webhooks (kesu/webhooks, docs/webhooks.md): seconds a receiver has to answer.
KESU_OUTGOING_WEBHOOK_TIMEOUT = float(os.environ.get("KESU_OUTGOING_WEBHOOK_TIMEOUT", 5))
# The monthly digest of lessons (kesu/lessons/digest.py): on this day of the month (1–28), from
# this hour, the managers get the lessons shared the month before.
KESU_LESSON_DIGEST_DAY = min(max(int(os.environ.get("KESU_LESSON_DIGEST_DAY", 1)), 1), 28)
KESU_LESSON_DIGEST_HOUR = min(max(int(os.environ.get("KESU_LESSON_DIGEST_HOUR", 8)), 0), 23)
# Last month's report of the group and of each branch (kesu/reports/keeping.py): kept and mailed
# to the branch's customer directors and general managers on this day (1–28), from this hour.
KESU_MONTHLY_REPORT_DAY = min(max(int(os.environ.get("KESU_MONTHLY_REPORT_DAY", 1)), 1), 28)
KESU_MONTHLY_REPORT_HOUR = min(max(int(os.environ.get("KESU_MONTHLY_REPORT_HOUR", 7)), 0), 23)

# Audit trail. KESU_AUDIT_KEY signs every entry and checkpoint (HMAC); keep it outside the
# database. Unset: derived from SECRET_KEY. Retired keys in KESU_AUDIT_KEYS_OLD still verify.
KESU_AUDIT_KEY = os.environ.get("KESU_AUDIT_KEY", "")
KESU_AUDIT_KEYS_OLD = env_list("KESU_AUDIT_KEYS_OLD", "")
# Independent chains per organisation, so writers of different complaints do not wait for each
# other. May be raised later, never lowered (a complaint's entries must stay in order by seq).
KESU_AUDIT_LANES = int(os.environ.get("KESU_AUDIT_LANES", 16))
# Signed chain heads, appended every KESU_AUDIT_CHECKPOINT_SECONDS; ship it off this host.
KESU_AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("KESU_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl")
)
KESU_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("KESU_AUDIT_CHECKPOINT_SECONDS", 600))

# Celery (production workers; `manage.py run_worker` does the same without a broker).
CELERY_BROKER_URL = os.environ.get("KESU_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

# /readyz: Redis is checked where Celery uses it (the broker URL set), workers must have
# reported within KESU_WORKER_STALE_SECONDS, due notifications wait at most the outbox lag.
KESU_READYZ_REDIS = env_bool("KESU_READYZ_REDIS", "KESU_CELERY_BROKER_URL" in os.environ)
KESU_WORKER_STALE_SECONDS = int(os.environ.get("KESU_WORKER_STALE_SECONDS", 120))
KESU_OUTBOX_MAX_LAG_SECONDS = int(os.environ.get("KESU_OUTBOX_MAX_LAG_SECONDS", 300))
# How long a worked-out monthly report is kept (kesu/reports/cache.py); 0: always recomputed.
KESU_REPORT_CACHE_SECONDS = int(os.environ.get("KESU_REPORT_CACHE_SECONDS", 600))
# E-mail intake (kesu/mailboxes, docs/email.md): how often the mailboxes are read, and how many
# mails one sender may send a mailbox in KESU_MAIL_BURST_MINUTES before the rest are ignored.
KESU_MAIL_FETCH_SECONDS = int(os.environ.get("KESU_MAIL_FETCH_SECONDS", 60))
KESU_MAIL_BURST_LIMIT = int(os.environ.get("KESU_MAIL_BURST_LIMIT", 10))
KESU_MAIL_BURST_MINUTES = int(os.environ.get("KESU_MAIL_BURST_MINUTES", 60))
CELERY_TIMEZONE = TIME_ZONE
# Celery's workers log through LOGGING above (the same format, with the task's name as job).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "kesu.sla.tasks.sweep_deadlines",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "deliver-notifications": {
        "task": "kesu.notifications.tasks.deliver_notifications",
        "schedule": 15.0,
        "options": {"expires": 15},
    },
    # Outgoing webhooks (kesu/webhooks): due deliveries signed and sent, retried with backoff.
    "deliver-webhooks": {
        "task": "kesu.webhooks.tasks.deliver_webhooks",
        "schedule": 15.0,
        "options": {"expires": 15},
    },
    # Callbacks: plan the day's tasks early (idempotent), send text messages in their hours.
    "plan-callbacks": {
        "task": "kesu.callbacks.tasks.plan_callbacks",
        "schedule": crontab(hour=6, minute=0),
    },
    "send-sms": {
        "task": "kesu.callbacks.tasks.send_sms",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # The report's monthly counts (kesu/reports/rollups.py): the months changed, counted again.
    "refresh-rollups": {
        "task": "kesu.reports.tasks.refresh_rollups",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The group's and the branches' reports of this month and last, worked out ahead.
    "warm-reports": {
        "task": "kesu.reports.tasks.warm_reports",
        "schedule": float(max(KESU_REPORT_CACHE_SECONDS - 60, 60)),
        "options": {"expires": max(KESU_REPORT_CACHE_SECONDS - 60, 60)},
    },
    # Last month's lessons to the managers (idempotent: one event key per organisation and month).
    "lesson-digest": {
        "task": "kesu.lessons.tasks.send_lesson_digest",
        "schedule": crontab(
            day_of_month=KESU_LESSON_DIGEST_DAY, hour=KESU_LESSON_DIGEST_HOUR, minute=0
        ),
    },
    # Last month's reports kept and mailed (idempotent: one kept report per branch and month).
    "monthly-reports": {
        "task": "kesu.reports.tasks.keep_monthly_reports",
        "schedule": crontab(
            day_of_month=KESU_MONTHLY_REPORT_DAY, hour=KESU_MONTHLY_REPORT_HOUR, minute=0
        ),
    },
    # The branches' mailboxes read (new mail becomes complaints or notes), waiting e-mails sent.
    "fetch-mail": {
        "task": "kesu.mailboxes.tasks.fetch_mail",
        "schedule": float(KESU_MAIL_FETCH_SECONDS),
        "options": {"expires": KESU_MAIL_FETCH_SECONDS},
    },
    # Excel imports of historical complaints too large to run while the upload waits.
    "run-imports": {
        "task": "kesu.complaints.tasks.run_imports",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    # The organisations' triage models retrained from their closed complaints, nightly
    # (idempotent: a model younger than 20 hours is left as it is).
    "triage-training": {
        "task": "kesu.complaints.tasks.train_triage_models",
        "schedule": crontab(hour=2, minute=30),
    },
    # Signed chain heads to the checkpoint file (kept off this host): anchors the audit trail.
    "audit-checkpoint": {
        "task": "kesu.audit.tasks.audit_checkpoint",
        "schedule": float(KESU_AUDIT_CHECKPOINT_SECONDS),
        "options": {"expires": KESU_AUDIT_CHECKPOINT_SECONDS},
    },
}

# ---- The customer portal (kesu/portal, docs/portal.md) ------------------------------------
# The address customers reach it at: KESU_PUBLIC_URL above.
# The text-message provider (kesu/callbacks/sms.py): a class with send(phone=, text=). The
# default keeps every text in the outbox; `make run` prints them (ConsoleBackend).
KESU_SMS_BACKEND = os.environ.get("KESU_SMS_BACKEND", "kesu.callbacks.sms.OutboxBackend")
# The organisation whose branches the portal serves (its code); empty: the first one.
KESU_PORTAL_ORGANISATION = os.environ.get("KESU_PORTAL_ORGANISATION", "")
# A code texted to the customer's phone: valid this many minutes, this many tries each.
KESU_PORTAL_CODE_MINUTES = int(os.environ.get("KESU_PORTAL_CODE_MINUTES", 10))
KESU_PORTAL_CODE_ATTEMPTS = int(os.environ.get("KESU_PORTAL_CODE_ATTEMPTS", 3))
# At most this many codes an hour to one phone number, and from one client address; one
# number gets a new code at most once a minute.
KESU_PORTAL_CODES_PER_PHONE = int(os.environ.get("KESU_PORTAL_CODES_PER_PHONE", 5))
KESU_PORTAL_CODES_PER_ADDRESS = int(os.environ.get("KESU_PORTAL_CODES_PER_ADDRESS", 20))
KESU_PORTAL_CODE_INTERVAL_SECONDS = int(os.environ.get("KESU_PORTAL_CODE_INTERVAL_SECONDS", 60))
# After this many wrong codes (or refused requests) from one address or for one number in an
# hour, the portal asks for the sum shown in a picture before it sends or checks a code.
KESU_PORTAL_CHECK_AFTER = int(os.environ.get("KESU_PORTAL_CHECK_AFTER", 3))
# How long a phone stays confirmed for filing, and a tracking session lasts (minutes).
KESU_PORTAL_SESSION_MINUTES = int(os.environ.get("KESU_PORTAL_SESSION_MINUTES", 30))
