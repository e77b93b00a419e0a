"""The cache and the Celery broker: Redis when REDIS_URL is set, else an in-process cache
and a broker on the filesystem (the embedded defaults)."""
import sys

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str
from config.settings.base import DATA_DIR, PRODUCTION

# --- Cache, broker --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", None)
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (redis://host:6379/0).")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stopped answering fails the request quickly instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # Django's own RedisCache increments atomically (INCRBY); django-ratelimit only
    # lists the third-party django-redis backend as known-good.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "montage"}}
    CELERY_BROKER_URL = "filesystem://"
    # The embedded setup serves the web from one process (runserver), so its in-memory
    # cache is shared by every request that django-ratelimit counts. The hourly quota
    # itself lives in the database and is exact whatever the cache.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(DATA_DIR / "broker" / "queue"),
        "data_folder_out": str(DATA_DIR / "broker" / "queue"),
        "processed_folder": str(DATA_DIR / "broker" / "processed"),
        "control_folder": str(DATA_DIR / "broker" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Lambda polls have their own queue, served by a threads pool (Procfile.dev), so render
# starts on the default queue never wait behind them. renders/lifecycle/routing.py picks the queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
# The Django fixup closes the database connection around every task, which makes
# CONN_MAX_AGE useless in workers; config/celery.py closes only old or broken ones instead.
CELERY_DB_REUSE_MAX = sys.maxsize
# The batch poller of Lambda renders (renders/lifecycle/batch_polls.py): each run polls for
# RENDER_POLLER_SECONDS, and beat sends one run for each process of the polls worker
# (POLL_PROCESSES, the Procfile's `--concurrency`) twice as often, so a process that ends
# a run finds the next one waiting and never pauses; a run that waited too long is dropped.
RENDER_POLLER_SECONDS = 2.0
POLL_PROCESSES = env_int("POLL_PROCESSES", 2, minimum=1)
CELERY_BEAT_SCHEDULE = {
    **{
        f"poll-due-renders-{process}": {
            "task": "renders.tasks.poll_due_renders",
            "schedule": RENDER_POLLER_SECONDS / 2,
            "options": {"queue": "polls", "expires": RENDER_POLLER_SECONDS},
        }
        for process in range(POLL_PROCESSES)
    },
    "sweep-renders": {"task": "renders.tasks.sweep_renders", "schedule": 60.0},
    "expire-render-outputs": {"task": "renders.tasks.expire_render_outputs", "schedule": 3600.0},
    "prune-idempotency-keys": {"task": "renders.tasks.prune_idempotency_keys", "schedule": 3600.0},
}
