"""Schemathesis against /api/schema/: every answer is documented, in its documented shape,
no input gives a 5xx, and input the schema forbids is refused.

Bounded and repeatable: a fixed number of examples per operation from a fixed seed
(hypothesis' derandomize), over real HTTP to the live test server (requests encodes
bodies as real clients do; Werkzeug's in-process encoding of an empty multipart field is
not something Django can read). Every other example with valid path parameters is
pointed at the user's own objects, so the operations' own answers are checked, not only
their 404s.
"""
import itertools

import pytest
import schemathesis
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.parameters import ParameterLocation

from renders.models import Render
from tests.factories import ClipFactory, GenerationFactory, RenderFactory, movie_with_clips

EXAMPLES_PER_OPERATION = 4


@pytest.fixture(autouse=True)
def _stills_answer_at_once():
    """No worker renders stills here: a still request answers 202 at once rather than
    waiting out STILL_WAIT_SECONDS, which is as long as the client's own timeout."""
    with override_settings(STILL_WAIT_SECONDS=0):
        yield


@pytest.fixture
def api_schema(live_server, monkeypatch):
    # The live server keeps its database connection between requests, as production does
    # (CONN_MAX_AGE): a new PostgreSQL connection per request would double the run time.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
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
    # The fixtures (a user, a token, a few objects) are made once per operation, on purpose.
    suppress_health_check=(HealthCheck.function_scoped_fixture, HealthCheck.too_slow),
)
def test_the_api_answers_as_its_schema_says(case, api, own_objects, live_server):
    path = case.path_parameters or {}
    # A still's status is addressed by its content key, not by an object of the user's.
    if "id" in path and not case.meta.is_negative_at(ParameterLocation.PATH) and next(own_objects["turn"]):
        kind = case.operation.path.split("/")[2]
        path["id"] = own_objects[kind]
        if "scene_id" in path:
            path["scene_id"] = own_objects["scene"]
    token = api._credentials["HTTP_AUTHORIZATION"]
    case.call_and_validate(base_url=live_server.url, headers={"Authorization": token})


@pytest.fixture
def own_objects(user):
    movie = movie_with_clips(30, 30, owner=user)
    failed = RenderFactory(clip=ClipFactory(owner=user), status=Render.Status.FAILED, error_code="render_failed")
    return {
        "clips": ClipFactory(owner=user).pk,
        "movies": movie.pk,
        "scene": movie.scenes.first().pk,
        "generations": GenerationFactory(owner=user).pk,
        "renders": failed.pk,
        "turn": itertools.cycle((True, False)),
    }
