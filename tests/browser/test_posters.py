"""Posters in a real browser: every list shows one per row, the movie page a filmstrip of
its scenes, a complete render's player a poster before it plays. The stills are made as
the worker would (on the shared warm service); screenshots land in test-artifacts/."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clips.demo import DEMO_CLIPS
from generations.models import Generation
from movies.services import movie_create, movie_insert_scene, scene_update
from renders.models import Render
from renders.outputs.posters import filmstrip_specs, poster_spec, render_poster_spec
from renders.outputs.stills import still_render_now
from tests.browser.conftest import log_in, shoot
from tests.factories import ClipFactory, GenerationFactory
from tests.local_render import start, wait_final

pytestmark = [pytest.mark.browser, pytest.mark.render]


def _library(owner):
    clips = [
        ClipFactory(owner=owner, name=demo.name, code=demo.code, raw_code=demo.code,
                    duration_in_frames=demo.duration_in_frames, fps=demo.fps)
        for demo in DEMO_CLIPS
    ]
    movie = movie_create(owner=owner, name="Launch teaser", fps=30)
    for clip in clips[:3]:
        movie_insert_scene(movie=movie, clip=clip)
    scene_update(scene=movie.scenes.get(clip=clips[1]), trim_start=30)
    generation = GenerationFactory(owner=owner, prompt="Shapes that bounce in time with a beat",
                                   status=Generation.Status.SUCCESS, code=DEMO_CLIPS[2].code,
                                   raw_code=DEMO_CLIPS[2].code, duration_in_frames=120, fps=30)
    return clips, movie, generation


def _complete_render(backend, clip):
    """A real 320x180 render of `clip`, recorded as complete."""
    render = Render.objects.create(
        owner=clip.owner, kind=Render.Kind.CLIP, clip=clip, backend=Render.Backend.LOCAL,
        composition_id="DynamicCode", width=320, height=180, fps=10, duration_in_frames=10,
        input_props={"code": clip.code, "durationInFrames": 10, "fps": 10, "width": 320, "height": 180},
    )
    progress = wait_final(backend, start(backend, render))
    assert progress.done, progress
    Render.objects.filter(pk=render.pk).update(
        status=Render.Status.COMPLETE, progress=100, output_key=progress.output_key,
        output_size=progress.output_size, completed_at=timezone.now(),
    )
    return Render.objects.get(pk=render.pk)


def _all_loaded(page, selector):
    return page.evaluate(
        f"[...document.querySelectorAll('{selector}')].every((img) => img.complete && img.naturalWidth > 0)"
    )


def test_lists_show_posters_the_movie_a_filmstrip_and_the_player_a_poster(
    live_server, open_page, editor, warm_backend
):
    clips, movie, generation = _library(editor)
    render = _complete_render(warm_backend, clips[0])
    specs = [poster_spec("clip", clip) for clip in clips]
    specs += [poster_spec("movie", movie), poster_spec("generation", generation), render_poster_spec(render)]
    specs += [spec for _, spec in filmstrip_specs(movie)]
    for spec in specs:
        still_render_now(spec)  # what the queued render_still tasks do on a worker
    page = open_page()
    log_in(page, live_server, editor)

    for path, rows, name in (("/clips/", 4, "19-clips-list"), ("/movies/", 1, "19-movies-list"),
                             ("/generations/", 1, "19-generations-list"),
                             ("/renders/", 1, "19-renders-list")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("tbody img.poster")).to_have_count(rows)
        page.wait_for_function("[...document.images].every((img) => img.complete)")
        assert _all_loaded(page, "tbody img.poster"), path
        shoot(page, name)

    page.goto(f"{live_server.url}/movies/{movie.pk}/")
    expect(page.locator(".clip-block__poster")).to_have_count(3)  # the timeline's scene blocks
    page.wait_for_function("[...document.images].every((img) => img.complete)")
    assert _all_loaded(page, ".clip-block__poster")
    labels = page.locator(".clip-block__label").all_inner_texts()
    assert [label.splitlines()[0].strip() for label in labels] == [clip.name for clip in clips[:3]]
    shoot(page, "19-movie-filmstrip")

    page.goto(f"{live_server.url}/renders/{render.pk}/")
    poster = page.locator("video.player").get_attribute("poster")
    assert poster and page.request.get(live_server.url + poster).headers["content-type"] == "image/jpeg"
    shoot(page, "19-render-page")
