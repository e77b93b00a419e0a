"""Stills on the Lambda backend, against the fake farm's still routine (the payload
renderStillOnLambda sends, the reply the function gives): asked through the API, made by
the render_still task (run here as a worker would), stored by the function at its content
address in the render bucket, served as a presigned link, never rendered twice."""
import json

import pytest

from farm.backends.stills import object_key
from renders.tasks import render_still
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import BUCKET, REMOTION_VERSION, SERVE_URL
from tests.renders.outputs.test_posters import run_queued_stills
from tests.renders.queued_tasks import drain

pytestmark = pytest.mark.django_db

RED = "import {AbsoluteFill} from 'remotion';\nexport default () => <AbsoluteFill style={{backgroundColor: 'red'}} />;\n"


def ask(api, clip, **request):
    return api.post(f"/api/clips/{clip.pk}/still/", {"frame": 4, "format": "png", **request}, format="json")


def test_a_still_is_rendered_by_the_functions_still_routine_once(api, user, fake_lambda, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.STILL_WAIT_SECONDS = 0
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    drain()

    with django_capture_on_commit_callbacks(execute=True):
        pending = ask(api, clip, width=320, height=180)
    assert pending.status_code == 202
    assert run_queued_stills() == 1
    ready = api.get(pending["Location"].removeprefix("http://testserver"))
    again = ask(api, clip, width=320, height=180)

    assert ready.status_code == 200 and again.json()["cached"] is True
    # Presigned afresh on every answer: the same object, signed at another second maybe.
    unsigned = [{**body, "url": body["url"].split("?")[0], "cached": None} for body in (ready.json(), again.json())]
    assert unsigned[0] == unsigned[1]
    (invocation,) = fake_lambda.invocations_of("still")
    payload = invocation.payload
    assert {key: payload[key] for key in ("type", "composition", "imageFormat", "frame", "version", "serveUrl")} == {
        "type": "still", "composition": "DynamicCode", "imageFormat": "png", "frame": 4,
        "version": REMOTION_VERSION, "serveUrl": SERVE_URL,
    }
    assert payload["privacy"] == "private" and payload["outName"]["bucketName"] == BUCKET
    assert json.loads(payload["inputProps"]["payload"]) == {
        "code": RED, "durationInFrames": 10, "fps": 10, "width": 320, "height": 180
    }
    (still,) = fake_lambda.farm.stills
    key = ready.json()["url"].split("?")[0].rsplit("/", 2)[-2:]
    assert still["key"] == "/".join(key) == payload["outName"]["key"]
    assert still["key"] == object_key(still["key"].split("/")[1].split(".")[0], "png")


def test_a_code_error_on_the_farm_is_a_400_and_is_not_retried(api, user, fake_lambda, settings,
                                                             django_capture_on_commit_callbacks):
    settings.STILL_WAIT_SECONDS = 0
    fake_lambda.farm.still_error = "Code error: Cannot import \"lodash\""
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    drain()
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(api, clip).status_code == 202
    for task, args in drain():
        render_still(*args)

    response = ask(api, clip)

    assert response.status_code == 400 and response.json()["code"] == "code_error"
    assert 'Cannot import "lodash"' in response.json()["detail"]
    assert len(fake_lambda.invocations_of("still")) == 1
