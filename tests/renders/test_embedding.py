import pytest

from movies.models import Scene
from tests.factories import ClipFactory, GenerationFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def farm(fake_lambda):
    return fake_lambda


@pytest.mark.parametrize("kind", ["clip", "movie", "generation"])
def test_detail_embeds_the_latest_render_and_lists_do_not(api, user, kind):
    target = {"clip": ClipFactory, "movie": MovieFactory, "generation": GenerationFactory}[kind](owner=user)
    if kind == "movie":
        Scene.objects.create(movie=target, clip=ClipFactory(owner=user), position=0)
    url = f"/api/{kind}s/{target.pk}/"
    assert api.get(url).json()["latest_render"] is None

    api.post(f"{url}render/", {"width": 320, "height": 180}, format="json")
    newest = api.post(f"{url}render/", {"width": 640, "height": 360}, format="json").json()

    embedded = api.get(url).json()["latest_render"]
    assert embedded["id"] == newest["id"] and embedded["width"] == 640 and embedded["status"] == "pending"
    assert "latest_render" not in api.get(f"/api/{kind}s/").json()["results"][0]
