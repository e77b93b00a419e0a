import pytest
from django.core.management import CommandError, call_command

from clips.demo import DEMO_CLIPS
from clips.models import Clip
from movies.models import Movie

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_editor_clips_and_movie_once(client):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Clip.objects.filter(owner__username="demo").count() == len(DEMO_CLIPS)
    movie = Movie.objects.get(owner__username="demo")
    assert [scene.clip.name for scene in movie.scenes.order_by("position")] == [d.name for d in DEMO_CLIPS]
    assert movie.total_duration_in_frames == sum(d.duration_in_frames for d in DEMO_CLIPS)
    assert client.login(username="demo", password="montage-demo")


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")
