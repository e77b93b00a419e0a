"""Schemathesis against /api/schema/: every answer is documented, in its documented shape,
no input gives a 5xx, and input the schema forbids is refused.

Bounded and repeatable: a fixed number of examples per operation from a fixed seed
(hypothesis' derandomize), through the WSGI app in this process (no server to start).
"""
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import PositiveDataAcceptanceConfig

from config.wsgi import application

EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request served in-process must not close the
    # connection that holds the test's transaction (PostgreSQL would drop it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _schema()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _schema():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # A schema-valid request may still break a product rule the schema cannot express (the
    # clip code check, wrong credentials, an id that names no row of yours): those are
    # documented 400s. Every other check keeps its defaults.
    expected = [*PositiveDataAcceptanceConfig().expected_statuses, "400"]
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(expected_statuses=expected)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    # The fixtures (a user and a token) are made once per operation, on purpose.
    suppress_health_check=(HealthCheck.function_scoped_fixture, HealthCheck.too_slow),
)
def test_the_api_answers_as_its_schema_says(case, api):
    case.call_and_validate(headers={"Authorization": api._credentials["HTTP_AUTHORIZATION"]})
