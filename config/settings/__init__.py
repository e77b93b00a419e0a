"""Montage settings, read from the environment (see .env.example for every variable).

With no variables at all this is a working development setup: SQLite, an embedded Celery
broker on the filesystem, the local render backend.
"""
from config.settings.base import *  # noqa: F403
from config.settings.cache_broker import *  # noqa: F403
