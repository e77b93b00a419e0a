import pytest

from clips.models import Clip
from generations.models import Generation
from tests.api_errors import assert_error, assert_validation_error
from tests.factories import SIMPLE_CODE, GenerationFactory

pytestmark = pytest.mark.django_db

NEW = {
    "prompt": "A bouncing logo",
    "code": SIMPLE_CODE,
    "raw_code": "raw " + SIMPLE_CODE,
    "duration_in_frames": 150,
    "fps": 30,
    "aspect_ratio": "9:16",
    "duration_in_seconds": 5,
}


def test_create_records_a_successful_generation(api, user):
    response = api.post("/api/generations/", NEW, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in NEW} == NEW
    assert (body["status"], body["parent"], body["error_message"]) == ("success", None, "")
    assert Generation.objects.get(pk=body["id"]).owner == user


def test_a_refinement_points_at_its_parent(api, user):
    parent = GenerationFactory(owner=user)
    refinement = {**NEW, "parent": parent.pk, "refinement_prompt": "Slower"}
    body = api.post("/api/generations/", refinement, format="json")
    assert (body.json()["parent"], body.json()["refinement_prompt"]) == (parent.pk, "Slower")


def test_another_users_parent_is_rejected_like_a_missing_one(api):
    foreign = GenerationFactory()
    response = api.post("/api/generations/", {**NEW, "parent": foreign.pk}, format="json")
    body = assert_validation_error(response, "parent")
    assert body["errors"]["parent"] == [f"You have no generation with id {foreign.pk}."]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"prompt": ""}, ["prompt"]),
        ({"code": ""}, ["code"]),
        ({"code": None}, ["code"]),
        ({"duration_in_frames": 0}, ["duration_in_frames"]),
        ({"fps": "thirty"}, ["fps"]),
        ({"aspect_ratio": "4:3"}, ["aspect_ratio"]),
        ({"duration_in_seconds": -1}, ["duration_in_seconds"]),
        ({"parent": "first"}, ["parent"]),
    ],
)
def test_invalid_generations_are_rejected(api, changes, fields):
    assert_validation_error(api.post("/api/generations/", {**NEW, **changes}, format="json"), *fields)
    assert not Generation.objects.exists()


def test_code_is_required(api):
    payload = {key: value for key, value in NEW.items() if key != "code"}
    assert_validation_error(api.post("/api/generations/", payload, format="json"), "code")


def test_generations_are_not_editable(api, user):
    generation = GenerationFactory(owner=user)
    assert_error(api.patch(f"/api/generations/{generation.pk}/", {"prompt": "x"}, format="json"),
                 405, "method_not_allowed")


def test_list_retrieve_delete(api, user):
    older, newer = GenerationFactory(owner=user), GenerationFactory(owner=user)
    assert [g["id"] for g in api.get("/api/generations/").json()["results"]] == [newer.pk, older.pk]
    assert api.get(f"/api/generations/{older.pk}/").json()["prompt"] == older.prompt
    assert api.delete(f"/api/generations/{older.pk}/").status_code == 204
    assert list(Generation.objects.values_list("pk", flat=True)) == [newer.pk]


def test_save_as_clip_copies_the_code_into_the_library(api, user):
    generation = GenerationFactory(owner=user, duration_in_frames=120, fps=24, raw_code="raw")

    response = api.post(f"/api/generations/{generation.pk}/save-as-clip/", {"name": "Keeper"}, format="json")

    assert response.status_code == 201
    clip = Clip.objects.get(pk=response.json()["id"])
    assert (clip.owner, clip.name, clip.code, clip.raw_code) == (user, "Keeper", generation.code, "raw")
    assert (clip.duration_in_frames, clip.fps, clip.source_generation) == (120, 24, generation)
    assert response.json()["duration_in_frames"] == 120


@pytest.mark.parametrize("status", [Generation.Status.PENDING, Generation.Status.FAILED])
def test_an_unfinished_generation_cannot_be_saved_as_a_clip(api, user, status):
    generation = GenerationFactory(owner=user, status=status)
    response = api.post(f"/api/generations/{generation.pk}/save-as-clip/", {"name": "Nope"}, format="json")
    assert_error(response, 409, "generation_not_saveable")
    assert not Clip.objects.exists()


def test_save_as_clip_needs_a_name(api, user):
    generation = GenerationFactory(owner=user)
    response = api.post(f"/api/generations/{generation.pk}/save-as-clip/", {}, format="json")
    assert_validation_error(response, "name")


def test_a_generation_whose_code_fails_the_check_is_a_400_and_not_stored(api):
    payload = {"prompt": "p", "code": "import x from 'lodash';\nexport default () => x;", "duration_in_frames": 30}
    body = assert_error(api.post("/api/generations/", payload, format="json"), 400, "code_import_not_allowed")
    assert (body["line"], body["column"]) == (1, 15)
    assert not Generation.objects.exists()


def test_a_stored_generation_that_fails_the_check_cannot_be_saved_as_a_clip(api, user):
    generation = GenerationFactory(owner=user, code="export default () => { eval('1'); return null; };")
    response = api.post(f"/api/generations/{generation.pk}/save-as-clip/", {"name": "Nope"}, format="json")
    body = assert_error(response, 400, "code_forbidden_api")
    assert (body["line"], body["column"]) == (1, 24)
    assert not Clip.objects.exists()
