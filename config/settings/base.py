"""Everything but the cache and the broker (cache_broker.py), in the order Django reads it."""
import re
import socket
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from config.env import env_bool, env_choice, env_int, env_list, env_str
from config.logs import logging_config
from config.sentry import sentry_init

BASE_DIR = Path(__file__).resolve().parents[2]
# Every process (web, worker, beat, manage.py) reads ./.env when present; a variable set
# in the real environment wins over the file.
load_dotenv(BASE_DIR / ".env", override=False)
DATA_DIR = Path(env_str("MONTAGE_DATA_DIR", str(BASE_DIR / "var"))).resolve()

MONTAGE_ENV = env_choice("MONTAGE_ENV", ("development", "production"), "development")
PRODUCTION = MONTAGE_ENV == "production"
DEBUG = not PRODUCTION

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production-montage-0001")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_ratelimit",
    "axes",
    "accounts",
    "generations",
    "clips",
    "movies",
    "renders",
    "farm",
    "previews",
]

MIDDLEWARE = [
    # First, so the latency it records covers every other middleware.
    "config.metrics_view.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware, which validates the Host header (see config/health.py).
    "config.health.HealthMiddleware",
    "config.limits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The site's pages frame only the site (previews/middleware.py).
    "previews.middleware.FramePolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout noticed during the view into a 429.
    "axes.middleware.AxesMiddleware",
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

# --- Database -------------------------------------------------------------------------
# Production never falls back to the embedded defaults: a forgotten variable must stop
# start-up, not silently run on a local SQLite file and a filesystem broker.
_database_url = env_str("DATABASE_URL", None)
if PRODUCTION and not _database_url:
    raise ImproperlyConfigured("DATABASE_URL is required in production (postgres://user:password@host:5432/db).")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production (postgres://...).")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable server fails a request (and /readyz) in seconds, not minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "montage.sqlite3",
            # IMMEDIATE takes the write lock when a transaction starts, so the
            # read-then-write services (quota, timeline) serialise instead of failing
            # with "database is locked" when web and worker write at once.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, API ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username+IP is refused before its password is even checked.
    "accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: LOGIN_FAILURE_LIMIT wrong passwords for one username from one IP lock that
# pair out of every login path (pages, admin, API token) for LOGIN_COOLOFF_SECONDS.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_COOLOFF_SECONDS", 900, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# Proxies in front of the app server that append to X-Forwarded-For (0: clients connect
# directly, so REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.DefaultPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.MontageAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Montage API",
    "DESCRIPTION": "Clips, movies and their renders to MP4.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RenderStatusEnum": "renders.models.Render.Status",
        "GenerationStatusEnum": "generations.models.Generation.Status",
    },
}

# --- I18N, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The player bundle (remotion/player), built by `manage.py build_player` before collectstatic.
PLAYER_BUNDLE_DIR = BASE_DIR / "remotion" / "build" / "player"
STATICFILES_DIRS = [BASE_DIR / "static", ("player", PLAYER_BUNDLE_DIR)]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "media/"
# Production serves collectstatic's output through WhiteNoise under content-hashed,
# pre-compressed names (cached for a year); development serves the source folders.
if PRODUCTION:
    # Right after SecurityMiddleware: static files are answered before sessions and auth.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Request limits -------------------------------------------------------------------
# Largest request body accepted (JSON, form or multipart): clip code is a few tens of KB.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES

# --- Security (production) ------------------------------------------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer probes health over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# --- Observability --------------------------------------------------------------------
LOGGING = logging_config(
    log_format=env_choice("LOG_FORMAT", ("plain", "json"), "plain"), level=env_str("LOG_LEVEL", "INFO")
)
# Bearer token for /metrics (and the worker exporter). Unset: open in development, 404 in
# production. PROMETHEUS_MULTIPROC_DIR is read by prometheus-client itself (config/metrics.py).
METRICS_TOKEN = env_str("METRICS_TOKEN", None)
# A worker on a machine without a web process serves its machine's metrics here.
WORKER_METRICS_PORT = env_int("WORKER_METRICS_PORT", None, minimum=1, maximum=65535)
WORKER_METRICS_BIND = env_str("WORKER_METRICS_BIND", "127.0.0.1")
if PRODUCTION and WORKER_METRICS_PORT and not METRICS_TOKEN:
    raise ImproperlyConfigured("WORKER_METRICS_PORT needs METRICS_TOKEN in production.")
SENTRY_DSN = env_str("SENTRY_DSN", None)
if SENTRY_DSN:
    sentry_init(SENTRY_DSN, environment=MONTAGE_ENV)

# --- Rendering ------------------------------------------------------------------------
RENDER_BACKEND = env_choice("RENDER_BACKEND", ("local", "lambda"), "local")
RENDER_QUOTA_PER_HOUR = env_int("RENDER_QUOTA_PER_HOUR", 5, minimum=1)
RENDER_BURST_RATE = env_str("RENDER_BURST_RATE", "10/m")
# Our own clock for a render's end: the farm's timeout report can come late or never.
RENDER_DEADLINE_SECONDS = env_int("RENDER_DEADLINE_SECONDS", 900, minimum=10)
# A live render whose heartbeat (last start attempt or poll) is older than this has lost
# its task chain; the sweep resumes or ends it.
RENDER_STALE_AFTER_SECONDS = env_int("RENDER_STALE_AFTER_SECONDS", 120, minimum=10)
# A render that could not start (no free slot, farm throttling) for this long fails.
RENDER_QUEUE_TIMEOUT_SECONDS = env_int("RENDER_QUEUE_TIMEOUT_SECONDS", 3600, minimum=60)
# Largest clip or generation code (and raw_code) accepted on save, in UTF-8 bytes.
CODE_MAX_BYTES = env_int("CODE_MAX_BYTES", 256 * 1024, minimum=1024)
# Outputs of renders finished longer ago than this are deleted (the row stays, marked
# expired); 0 keeps them forever. 1, 3, 7 or 30 also set Remotion Lambda's deleteAfter.
RENDER_RETENTION_DAYS = env_int("RENDER_RETENTION_DAYS", 0, minimum=0)
# Per-kind overrides of renders/limits.py, e.g. {"movie": {"max_scenes": 30}}.
RENDER_LIMITS = {}

REMOTION_VERSION = "4.0.527"  # must equal remotion/package.json and the deployed function
REMOTION_AWS_REGION = env_str("REMOTION_AWS_REGION", None)
REMOTION_LAMBDA_FUNCTION_NAME = env_str("REMOTION_LAMBDA_FUNCTION_NAME", None)
REMOTION_SERVE_URL = env_str("REMOTION_SERVE_URL", None)
# Webhooks: the farm tells us when a render ends, signed with REMOTION_WEBHOOK_SECRET at
# PUBLIC_BASE_URL + /api/webhooks/remotion/. Both set = configured; polling then only
# catches a lost webhook, every RENDER_FALLBACK_POLL_SECONDS.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", None)
if PUBLIC_BASE_URL and not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL={PUBLIC_BASE_URL!r} must start with https:// (or http://).")
REMOTION_WEBHOOK_SECRET = env_str("REMOTION_WEBHOOK_SECRET", None)
if REMOTION_WEBHOOK_SECRET and len(REMOTION_WEBHOOK_SECRET) < 32:
    raise ImproperlyConfigured("REMOTION_WEBHOOK_SECRET must be at least 32 characters.")
RENDER_FALLBACK_POLL_SECONDS = env_int("RENDER_FALLBACK_POLL_SECONDS", 30, minimum=1)
# Progress reads each polls worker process keeps in flight (a thread each; they wait on S3).
POLL_CONCURRENT_READS = env_int("POLL_CONCURRENT_READS", 200, minimum=1)
REMOTION_DOWNLOAD_URL_TTL = env_int("REMOTION_DOWNLOAD_URL_TTL", 3600, minimum=60, maximum=604800)

REMOTION_PROJECT_DIR = BASE_DIR / "remotion"
REMOTION_BROWSER_EXECUTABLE = env_str("REMOTION_BROWSER_EXECUTABLE", None)
# --- Render hosts (the machines running local renders) ---------------------------------
# Each worker machine is one render host, named once in the whole cluster: its renders'
# polls and cancels go to its own Celery queue, render-host.<name>.
RENDER_HOST_NAME = env_str("RENDER_HOST_NAME", socket.gethostname())
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", RENDER_HOST_NAME):
    raise ImproperlyConfigured(
        f"RENDER_HOST_NAME={RENDER_HOST_NAME!r} must be 1-63 letters, digits, '.', '_' or '-'."
    )
# Local renders this host runs at once; more wait as pending for any host's free slot.
LOCAL_RENDER_CONCURRENCY = env_int("LOCAL_RENDER_CONCURRENCY", 1, minimum=1)
RENDER_HOST_HEARTBEAT_SECONDS = env_int("RENDER_HOST_HEARTBEAT_SECONDS", 10, minimum=1)
# A host silent this long is lost: the sweep hands its renders to the other hosts.
RENDER_HOST_LOST_AFTER_SECONDS = env_int("RENDER_HOST_LOST_AFTER_SECONDS", 60, minimum=2)
if RENDER_HOST_LOST_AFTER_SECONDS < 2 * RENDER_HOST_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "RENDER_HOST_LOST_AFTER_SECONDS must be at least twice RENDER_HOST_HEARTBEAT_SECONDS, "
        "or one late heartbeat would take a host for lost."
    )
# How often one render may be handed back after losing its host before it fails.
RENDER_MAX_RESTARTS = env_int("RENDER_MAX_RESTARTS", 2, minimum=0)
# S3-compatible bucket for local outputs, so any web process can serve any host's render
# (endpoint from AWS_ENDPOINT_URL_S3, region and credentials from the standard AWS
# variables). Unset: outputs stay in MEDIA_ROOT on the machine that rendered them.
RENDER_STORAGE_BUCKET = env_str("RENDER_STORAGE_BUCKET", None)
LOCAL_RENDER_DIR = DATA_DIR / "local-renders"
# Warm renderers (farm/backends/warm_service.py): per slot, a Node service with the
# browser kept open, supervised by the workers; off: one process per render, as a
# fallback always is. Each service is replaced after this many jobs (bounds leaks).
LOCAL_RENDER_WARM = env_bool("LOCAL_RENDER_WARM", True)
LOCAL_RENDER_WARM_DIR = DATA_DIR / "warm-renderers"
LOCAL_RENDER_WARM_MAX_JOBS = env_int("LOCAL_RENDER_WARM_MAX_JOBS", 100, minimum=1)
# Pages one local render draws frames in at once (and the browser's renderer processes).
# 1: frames are drawn on demand and each takes the CPU it needs, so on a 2-core host a
# second page only competes for it (bench/local_render.py); more cores may use more.
LOCAL_RENDER_FRAME_CONCURRENCY = env_int("LOCAL_RENDER_FRAME_CONCURRENCY", 1, minimum=1)
# Stills (POST .../still/): how long a request waits for the image before answering 202,
# and their own rate limit per user (they do not use the hourly video quota).
STILL_WAIT_SECONDS = env_int("STILL_WAIT_SECONDS", 10, minimum=0, maximum=60)
STILL_RATE = env_str("STILL_RATE", "60/m")
# Sealing of local renders (README, "Running untrusted code"). Hosts (host or host:port)
# a render may load images, fonts and media from, besides its own bundle; empty: none.
RENDER_ASSET_HOSTS = env_list("RENDER_ASSET_HOSTS", [])
# Names only: they end up in the page's policy and the asset proxy's filter.
if bad_hosts := [host for host in RENDER_ASSET_HOSTS if not re.fullmatch(r"[a-z0-9.-]+(:\d{1,5})?", host, re.I)]:
    raise ImproperlyConfigured(f"RENDER_ASSET_HOSTS entries must be host or host:port, not {bad_hosts}.")
# auto: own network namespace whenever the machine allows it (with asset hosts, its one way
# out is an allowlisting proxy); namespace: always (start-up of a render fails without
# one); off: never.
RENDER_NETWORK_ISOLATION = env_choice("RENDER_NETWORK_ISOLATION", ("auto", "namespace", "off"), "auto")
# A render whose page makes no progress this long (an endless loop, a stuck frame) fails.
RENDER_STALL_TIMEOUT_SECONDS = env_int("RENDER_STALL_TIMEOUT_SECONDS", 60, minimum=5)
# Memory of each process of a local render's browser (data segment; the page's V8 heap
# gets half): a runaway allocation fails that render only.
RENDER_BROWSER_MEMORY_MB = env_int("RENDER_BROWSER_MEMORY_MB", 2048, minimum=256)
# Previews (previews/): lifetime of a signed embed URL, and the origins (scheme://host[:port])
# besides this site whose pages may frame previews and talk to them.
PREVIEW_TOKEN_TTL_SECONDS = env_int("PREVIEW_TOKEN_TTL_SECONDS", 900, minimum=30, maximum=86400)
PREVIEW_EMBED_ORIGINS = env_list("PREVIEW_EMBED_ORIGINS", [])
for _origin in PREVIEW_EMBED_ORIGINS:
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?", _origin):
        raise ImproperlyConfigured(f"PREVIEW_EMBED_ORIGINS: {_origin!r} is not an origin like https://app.example.com.")
# Content-hashed Remotion bundles (rebuilt only when remotion/src or the lock file changes).
LOCAL_RENDER_BUNDLE_DIR = Path(env_str("LOCAL_RENDER_BUNDLE_DIR", str(DATA_DIR / "remotion-bundles")))
