import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

# Fixture modules shared across test folders (one Remotion bundle per run, one moto server).
pytest_plugins = [
    "tests.fakes.lambda_fixtures",
    "tests.local_render",
    "tests.warm_render",
    "tests.renders.celery_worker",
    "tests.production_server",
    "tests.database_outage",
]


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Outputs, bundles and the embedded broker of a test never touch the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LOCAL_RENDER_DIR = tmp_path / "local-renders"
    # No warm render service listens here: renders run as a process each unless a test
    # asks for a warm one (tests/warm_render.py).
    settings.LOCAL_RENDER_WARM_DIR = tmp_path / "warm-renderers"
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache_namespace(settings):
    """Rate-limit counters never leak between tests. A key prefix per test instead of
    cache.clear(): on Redis, clear() is FLUSHDB and would also empty the Celery broker."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = uuid.uuid4().hex
    settings.CACHES = caches


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def web(client, user):
    """The pages as `user` sees them, signed in through a session like a browser."""
    client.force_login(user)
    return client


@pytest.fixture
def api(user):
    """An API client authenticated as `user` with a token, as the frontend is."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture(scope="session", autouse=True)
def _in_memory_broker():
    """Tasks queued by code under test go to an in-memory queue nobody consumes, unless a
    test starts a real worker on a real broker itself (tests/renders/test_end_to_end.py)."""
    from config.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}
    yield
