import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clips.models import Clip
from generations.models import Generation
from movies.models import Movie
from renders.lifecycle.charges import charge_record
from renders.models import Render, RenderHost
from renders.outputs.posters import render_poster_spec

# A tiny valid composition: renders fast and exercises the remotion import path.
SIMPLE_CODE = """import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default function Scene() {
  const frame = useCurrentFrame();
  return <AbsoluteFill style={{backgroundColor: '#123456', color: 'white', fontSize: 40}}>{frame}</AbsoluteFill>;
}
"""


PASSWORD = "correct-horse-battery"  # every UserFactory user's, for tests that log in by form


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clip

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Clip {n}")
    code = SIMPLE_CODE
    raw_code = SIMPLE_CODE
    duration_in_frames = 90
    fps = 30


class GenerationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Generation

    owner = factory.SubFactory(UserFactory)
    prompt = factory.Sequence(lambda n: f"A title card number {n}")
    code = SIMPLE_CODE
    raw_code = SIMPLE_CODE
    duration_in_frames = 90
    fps = 30
    status = Generation.Status.SUCCESS


class MovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movie

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Movie {n}")
    fps = 30


def movie_with_clips(*durations, owner=None, fps=30):
    """A movie whose timeline holds one new clip per duration (clips at the movie's fps),
    built through the timeline service so positions and total are real."""
    from movies.services import movie_insert_scene

    movie = MovieFactory(fps=fps, **({"owner": owner} if owner else {}))
    for duration in durations:
        movie_insert_scene(movie=movie, clip=ClipFactory(owner=movie.owner, duration_in_frames=duration, fps=fps))
    movie.refresh_from_db()
    return movie


class RenderFactory(factory.django.DjangoModelFactory):
    """A clip render as the service snapshots it; set `status` etc. for other states."""

    class Meta:
        model = Render
        skip_postgeneration_save = True

    clip = factory.SubFactory(ClipFactory)
    owner = factory.LazyAttribute(lambda render: render.clip.owner)
    kind = Render.Kind.CLIP
    backend = Render.Backend.LOCAL
    composition_id = "DynamicCode"
    width = 320
    height = 180
    fps = factory.LazyAttribute(lambda render: render.clip.fps)
    duration_in_frames = factory.LazyAttribute(lambda render: render.clip.duration_in_frames)
    input_props = factory.LazyAttribute(
        lambda render: {
            "code": render.clip.code,
            "durationInFrames": render.duration_in_frames,
            "fps": render.fps,
            "width": render.width,
            "height": render.height,
        }
    )
    poster_key = factory.LazyAttribute(lambda render: render_poster_spec(render).key)

    @factory.post_generation
    def charge(render, create, extracted, **kwargs):
        """Its ledger line, as the request service writes it, settled to the render's state."""
        if create:
            charge_record(render)


class RenderHostFactory(factory.django.DjangoModelFactory):
    """A render host that has just sent its heartbeat."""

    class Meta:
        model = RenderHost

    name = factory.Sequence(lambda n: f"host-{n}")
    slots = 1
    boot_id = factory.Faker("hexify", text="^" * 32)
    started_at = factory.LazyFunction(timezone.now)
    last_heartbeat_at = factory.LazyFunction(timezone.now)
