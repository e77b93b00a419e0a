"""A real database outage for PostgreSQL tests: the test database refuses new connections
and every open one is cut, until the test ends it. Load with pytest_plugins."""
import psycopg
import pytest
from django.db import connection, connections


class DatabaseOutage:
    def __init__(self, settings_dict):
        self.name = settings_dict["NAME"]
        self._admin = dict(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        self.active = False

    def begin(self):
        with psycopg.connect(**self._admin) as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
        self.active = True

    def end(self):
        with psycopg.connect(**self._admin) as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')
        self.active = False
        # This thread's connection was cut too (whether or not it noticed yet): reconnect.
        for alias in connections:
            connections[alias].close()


@pytest.fixture
def database_outage(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL")
    outage = DatabaseOutage(connection.settings_dict)
    yield outage
    if outage.active:
        outage.end()
