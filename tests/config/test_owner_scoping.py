"""Every endpoint, pointed at another user's object, answers exactly as for a missing one."""
import pytest

from clips.models import Clip
from generations.models import Generation
from movies.models import Movie
from tests.api_errors import assert_error
from tests.factories import ClipFactory, GenerationFactory, movie_with_clips

pytestmark = pytest.mark.django_db

# (method, url, body): {generation}, {clip}, {movie} and {scene} are the other user's.
ENDPOINTS = [
    ("get", "/api/generations/{generation}/", None),
    ("delete", "/api/generations/{generation}/", None),
    ("post", "/api/generations/{generation}/save-as-clip/", {"name": "Mine now"}),
    ("get", "/api/clips/{clip}/", None),
    ("put", "/api/clips/{clip}/", {"name": "x", "code": "x", "duration_in_frames": 1, "fps": 30}),
    ("patch", "/api/clips/{clip}/", {"name": "Mine now"}),
    ("delete", "/api/clips/{clip}/", None),
    ("get", "/api/movies/{movie}/", None),
    ("put", "/api/movies/{movie}/", {"name": "Mine now"}),
    ("patch", "/api/movies/{movie}/", {"name": "Mine now"}),
    ("delete", "/api/movies/{movie}/", None),
    ("post", "/api/movies/{movie}/scenes/", {"clip": "{own_clip}"}),
    ("patch", "/api/movies/{movie}/scenes/{scene}/", {"trim_start": 1}),
    ("delete", "/api/movies/{movie}/scenes/{scene}/", None),
    ("post", "/api/movies/{movie}/scenes/{scene}/split/", {"frame": 5}),
    ("post", "/api/movies/{movie}/scenes/reorder/", {"scene_ids": ["{scene}"]}),
    ("get", "/api/clips/{clip}/export/", None),
    ("get", "/api/movies/{movie}/export/", None),
    ("post", "/api/movies/{movie}/undo/", None),
    ("post", "/api/movies/{movie}/redo/", None),
    ("get", "/api/movies/{movie}/revisions/", None),
]


@pytest.fixture
def theirs(other_user, user):
    movie = movie_with_clips(10, owner=other_user)
    return {
        "generation": GenerationFactory(owner=other_user).pk,
        "clip": ClipFactory(owner=other_user).pk,
        "movie": movie.pk,
        "scene": movie.scenes.get().pk,
        "own_clip": ClipFactory(owner=user).pk,
    }


def fill(value, ids):
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, str) and value.startswith("{"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _ in ENDPOINTS])
def test_another_users_object_is_a_404(api, theirs, method, url, body):
    foreign = getattr(api, method)(url.format(**theirs), fill(body, theirs), format="json")
    nowhere = {key: 999_999 for key in theirs}
    missing = getattr(api, method)(url.format(**nowhere), fill(body, theirs), format="json")

    assert_error(foreign, 404, "not_found")
    assert foreign.json() == missing.json()


def test_their_objects_survive_every_attempt(api, theirs, user):
    for method, url, body in ENDPOINTS:
        getattr(api, method)(url.format(**theirs), fill(body, theirs), format="json")

    movie = Movie.objects.get(pk=theirs["movie"])
    assert Generation.objects.filter(pk=theirs["generation"]).exists()
    assert Clip.objects.get(pk=theirs["clip"]).name != "Mine now"
    assert movie.name != "Mine now"
    assert (movie.total_duration_in_frames, movie.scenes.get().trim_start) == (10, 0)
    assert not user.clips.filter(name="Mine now").exists()


@pytest.mark.parametrize("url", ["/api/generations/", "/api/clips/", "/api/movies/"])
def test_lists_show_only_the_users_own_objects(api, theirs, user, url):
    GenerationFactory(owner=user), movie_with_clips(owner=user)
    ids = [item["id"] for item in api.get(url).json()["results"]]
    assert len(ids) == 1
    assert theirs[url.split("/")[2].rstrip("s")] not in ids
