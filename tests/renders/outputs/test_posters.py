"""Posters: made in the background after a save (the queued render_still tasks are run
here as a worker would, on the shared warm service), shown in the API once stored, and
replaced when the code changes; a render's missing poster is made from its snapshot by
the render_poster task; a movie's filmstrip has one still per scene."""
import pytest

from renders.outputs.posters import filmstrip_specs, poster_spec, render_poster_spec
from renders.tasks import render_poster, render_still
from tests.factories import ClipFactory, MovieFactory, RenderFactory
from tests.renders.outputs.test_stills import RED, image_of
from tests.renders.queued_tasks import drain

pytestmark = [pytest.mark.django_db, pytest.mark.render]

BLUE = RED.replace("#ff0000", "#0000ff")


def run_queued_stills():
    ran = 0
    for task, args in drain():
        if task == "renders.tasks.render_still":
            render_still(*args)
            ran += 1
    return ran


def test_a_poster_is_made_after_a_save_and_replaced_after_a_code_change(
    api, warm_backend, django_capture_on_commit_callbacks
):
    drain()
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/clips/", {"name": "Red", "code": RED, "duration_in_frames": 10, "fps": 10}, format="json"
        )
    assert created.json()["poster_url"] is None
    assert run_queued_stills() == 1
    url = f"/api/clips/{created.json()['id']}/"
    red_poster = api.get(url).json()["poster_url"]

    with django_capture_on_commit_callbacks(execute=True):
        assert api.patch(url, {"code": BLUE}, format="json").status_code == 200
    assert run_queued_stills() == 1
    blue_poster = api.get(url).json()["poster_url"]

    assert None not in (red_poster, blue_poster) and red_poster != blue_poster
    width, height, (red, _, blue), content_type = image_of(api, red_poster)
    assert (width, height, content_type) == (320, 180, "image/jpeg") and red > 200 and blue < 60
    _, _, (red, _, blue), _ = image_of(api, blue_poster)
    assert blue > 200 and red < 60


def test_a_renders_missing_poster_is_made_by_a_worker_and_its_key_follows_the_renderer(
    api, user, warm_backend, django_capture_on_commit_callbacks
):
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    render = RenderFactory(clip=clip, poster_key="0" * 64)  # named under an earlier deploy's renderer
    drain()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(f"/api/renders/{render.pk}/").json()["poster_url"] is None
    queued = [args for task, args in drain() if task == "renders.tasks.render_poster"]
    assert queued == [[render.pk]]

    render_poster(*queued[0])

    render.refresh_from_db()
    assert render.poster_key == render_poster_spec(render).key
    poster_url = api.get(f"/api/renders/{render.pk}/").json()["poster_url"]
    width, height, (red, _, blue), content_type = image_of(api, poster_url)
    assert (width, height, content_type) == (320, 180, "image/jpeg") and red > 200 and blue < 60


def test_a_movie_filmstrip_has_a_still_per_scene_at_its_trimmed_start(user):
    movie = MovieFactory(owner=user, fps=10)
    for position, (code, trim_start) in enumerate(((RED, 0), (BLUE, 4))):
        clip = ClipFactory(owner=user, code=code, duration_in_frames=10, fps=10)
        movie.scenes.create(clip=clip, position=position, trim_start=trim_start, trim_end=0)

    strip = filmstrip_specs(movie)

    assert [(spec.input_props["code"], spec.frame) for _, spec in strip] == [(RED, 0), (BLUE, 4)]
    assert len({spec.key for _, spec in strip}) == 2


def test_a_poster_shows_the_poster_frame_of_a_clip_and_of_a_whole_movie(user):
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    assert poster_spec("clip", clip).frame == 5
    clip.poster_frame = 7
    assert poster_spec("clip", clip).frame == 7
    clip.duration_in_frames = 4  # shortened after the frame was chosen: its last frame
    assert poster_spec("clip", clip).frame == 3

    movie = MovieFactory(owner=user, fps=10)
    # Scene 1 shows frames 2..7 of RED (6 frames), scene 2 frames 4..9 of BLUE.
    for position, (code, trim_start, trim_end) in enumerate(((RED, 2, 2), (BLUE, 4, 0))):
        scene_clip = ClipFactory(owner=user, code=code, duration_in_frames=10, fps=10)
        movie.scenes.create(clip=scene_clip, position=position, trim_start=trim_start, trim_end=trim_end)
    shown = {}
    for poster_frame in (None, 0, 5, 6, 11, 50):
        movie.poster_frame = poster_frame
        spec = poster_spec("movie", movie)
        shown[poster_frame] = (spec.input_props["code"], spec.frame)

    assert shown == {
        None: (RED, 5), 0: (RED, 2), 5: (RED, 7), 6: (BLUE, 4), 11: (BLUE, 9), 50: (BLUE, 9),
    }
