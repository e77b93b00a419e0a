import factory
from django.contrib.auth import get_user_model

from clips.models import Clip
from generations.models import Generation
from movies.models import Movie

# A tiny valid composition: renders fast and exercises the remotion import path.
SIMPLE_CODE = """import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default function Scene() {
  const frame = useCurrentFrame();
  return <AbsoluteFill style={{backgroundColor: '#123456', color: 'white', fontSize: 40}}>{frame}</AbsoluteFill>;
}
"""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

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
