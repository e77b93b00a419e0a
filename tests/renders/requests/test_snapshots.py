import pytest

from clips.models import Clip
from config.api.exceptions import ApplicationError
from generations.models import Generation
from movies.models import Scene
from renders.requests.snapshots import snapshot_for_clip, snapshot_for_generation, snapshot_for_movie
from tests.factories import ClipFactory, GenerationFactory, MovieFactory

pytestmark = pytest.mark.django_db


def _code_of(excinfo):
    return excinfo.value.code


def _movie_with(clips, **scene_fields):
    movie = MovieFactory()
    for position, clip in enumerate(clips):
        Scene.objects.create(movie=movie, clip=clip, position=position, **scene_fields)
    return movie


@pytest.mark.parametrize(
    "frames, fps, accepted",
    [(600, 30, True), (601, 30, False), (1200, 60, True), (1201, 60, False), (200, 10, True), (201, 10, False)],
)
def test_clip_limit_is_twenty_seconds_at_the_clips_fps(frames, fps, accepted):
    clip = ClipFactory(duration_in_frames=frames, fps=fps)
    if accepted:
        assert snapshot_for_clip(clip).duration_in_frames == frames
    else:
        with pytest.raises(ApplicationError) as excinfo:
            snapshot_for_clip(clip)
        assert _code_of(excinfo) == "clip_too_long"
        assert "Maximum duration is 20 seconds" in excinfo.value.detail


def test_clip_snapshot_carries_code_and_geometry():
    clip = ClipFactory(duration_in_frames=45, fps=15)
    snapshot = snapshot_for_clip(clip, (320, 180))
    assert snapshot.composition_id == "DynamicCode"
    assert snapshot.input_props == {
        "code": clip.code,
        "durationInFrames": 45,
        "fps": 15,
        "width": 320,
        "height": 180,
    }
    assert (snapshot.width, snapshot.height, snapshot.fps) == (320, 180, 15)


@pytest.mark.parametrize(
    "size, code",
    [((1922, 1080), "resolution_too_large"), ((1920, 1082), "resolution_too_large"), ((321, 180), "invalid_resolution")],
)
def test_resolution_limits(size, code):
    with pytest.raises(ApplicationError) as excinfo:
        snapshot_for_clip(ClipFactory(), size)
    assert _code_of(excinfo) == code


def test_portrait_generation_fits_the_limit_in_portrait():
    generation = GenerationFactory(aspect_ratio=Generation.AspectRatio.PORTRAIT)
    snapshot = snapshot_for_generation(generation)
    assert (snapshot.width, snapshot.height) == (1080, 1920)


def test_unfinished_generation_is_refused():
    with pytest.raises(ApplicationError) as excinfo:
        snapshot_for_generation(GenerationFactory(status=Generation.Status.PENDING))
    assert _code_of(excinfo) == "generation_not_ready"


def test_movie_snapshot_drops_missing_clips_and_keeps_order_and_trims():
    first, gone, last = ClipFactory(duration_in_frames=60), ClipFactory(), ClipFactory(duration_in_frames=30, fps=15)
    movie = _movie_with([first, gone, last])
    Scene.objects.filter(movie=movie, position=2).update(duration_override=60, trim_start=5, trim_end=10)
    Clip.objects.filter(pk=gone.pk).delete()

    snapshot = snapshot_for_movie(movie, (320, 180))

    assert snapshot.composition_id == "MovieComposition"
    assert [scene["code"] for scene in snapshot.input_props["scenes"]] == [first.code, last.code]
    assert snapshot.input_props["scenes"][1] == {
        "code": last.code,
        "durationInFrames": 60,
        "fps": 15,
        "trimStart": 5,
        "trimEnd": 10,
    }
    assert snapshot.duration_in_frames == 60 + 45


def test_movie_without_valid_scenes_is_refused():
    movie = _movie_with([ClipFactory()])
    Clip.objects.all().delete()
    with pytest.raises(ApplicationError) as excinfo:
        snapshot_for_movie(movie)
    assert (_code_of(excinfo), excinfo.value.detail) == ("no_valid_scenes", "Movie has no valid scenes")


def test_movie_scene_count_limit_counts_only_valid_scenes():
    clips = [ClipFactory(duration_in_frames=30) for _ in range(21)]
    movie = _movie_with(clips)
    with pytest.raises(ApplicationError) as excinfo:
        snapshot_for_movie(movie)
    assert _code_of(excinfo) == "too_many_scenes"
    Clip.objects.filter(pk=clips[0].pk).delete()
    assert len(snapshot_for_movie(movie).input_props["scenes"]) == 20


def test_movie_limit_is_120_seconds_of_effective_duration():
    clips = [ClipFactory(duration_in_frames=600) for _ in range(7)]  # 7 x 20 s = 140 s
    movie = _movie_with(clips)
    with pytest.raises(ApplicationError) as excinfo:
        snapshot_for_movie(movie)
    assert _code_of(excinfo) == "movie_too_long"
    Scene.objects.filter(movie=movie).update(trim_end=100)  # 7 x 500 frames = 116.7 s
    assert snapshot_for_movie(movie).duration_in_frames == 3500


def test_limits_are_overridable_from_settings(settings):
    settings.RENDER_LIMITS = {"clip": {"max_seconds": 30}}
    assert snapshot_for_clip(ClipFactory(duration_in_frames=900)).duration_in_frames == 900
